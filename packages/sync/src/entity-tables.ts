import type { Entity } from '@orrery/ecs'
import { capacityFor, grown } from './typed-growth.js'

/** `e & INDEX_MASK` is an entity's index (see `@orrery/ecs`). */
const INDEX_MASK = 0x3fffff

/**
 * Per entity index, a mask of tables for one window, with the entity it belongs to (two entities never
 * share an index within one window's inserts, nor within its deletes, nor its updates).
 */
export class EntityTables {
  private tables = new Uint32Array(1024)
  private stamps = new Int32Array(1024)
  private entities = new Int32Array(1024)

  /** The tables marked for entity `e` in window `stamp`, or 0. */
  of(e: Entity, stamp: number): number {
    const i = e & INDEX_MASK
    return i < this.stamps.length && this.stamps[i] === stamp && this.entities[i] === e ? (this.tables[i] as number) : 0
  }

  /** Marks table `t` for entity `e` in window `stamp`. */
  mark(e: Entity, t: number, stamp: number): void {
    const i = e & INDEX_MASK
    if (i >= this.stamps.length) this.grow(i)
    if (this.stamps[i] !== stamp || this.entities[i] !== e) {
      this.stamps[i] = stamp
      this.entities[i] = e
      this.tables[i] = 0
    }
    this.tables[i] = ((this.tables[i] as number) | (1 << t)) >>> 0
  }

  private grow(i: number): void {
    const n = capacityFor(this.stamps.length, i)
    this.stamps = grown(this.stamps, n)
    this.tables = grown(this.tables, n)
    this.entities = grown(this.entities, n)
  }
}
