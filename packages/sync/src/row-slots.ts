import type { Entity } from '@orrery/ecs'
import { capacityFor, grown } from './typed-growth.js'

/** `e & INDEX_MASK` is an entity's index (see `@orrery/ecs`). */
const INDEX_MASK = 0x3fffff

/**
 * One table's rows of a change window, by entity index: which entity the slot holds, its net kind and
 * changed-field mask, valid where the slot's stamp equals the window's. Typed arrays, so folding a commit
 * allocates nothing per row.
 */
export class RowSlots {
  stamps = new Int32Array(1024)
  entities = new Int32Array(1024)
  kinds = new Uint8Array(1024)
  masks = new Uint32Array(1024)
  /** The window in which the slot was last listed (see {@link RowSlots.takeListing}). */
  private listed = new Int32Array(1024)

  /** The kind of entity `e`'s row in window `stamp`, or -1 when the window has none. */
  kindOf(e: Entity, stamp: number): number {
    const i = e & INDEX_MASK
    return i < this.stamps.length && this.stamps[i] === stamp && this.entities[i] === e ? (this.kinds[i] as number) : -1
  }

  /** The mask of entity `e`'s row when its kind in window `stamp` is `kind`, else 0. */
  maskOf(e: Entity, stamp: number, kind: number): number {
    const i = e & INDEX_MASK
    return i < this.stamps.length && this.stamps[i] === stamp && this.entities[i] === e && this.kinds[i] === kind
      ? (this.masks[i] as number)
      : 0
  }

  /** Gives entity `e`'s slot to window `stamp` with a kind and mask. */
  set(e: Entity, stamp: number, kind: number, mask: number): void {
    const i = e & INDEX_MASK
    if (i >= this.stamps.length) this.grow(i)
    this.stamps[i] = stamp
    this.entities[i] = e
    this.kinds[i] = kind
    this.masks[i] = mask
  }

  /** Changes the kind of entity `e`'s slot (it holds `e` in the current window). */
  setKind(e: Entity, kind: number): void {
    this.kinds[e & INDEX_MASK] = kind
  }

  /** Empties entity `e`'s slot. */
  clear(e: Entity): void {
    const i = e & INDEX_MASK
    if (i < this.stamps.length) this.stamps[i] = 0
  }

  /** True the first time it is called for `e`'s slot in window `stamp` (lists each row once). */
  takeListing(e: Entity, stamp: number): boolean {
    const i = e & INDEX_MASK
    if (this.listed[i] === stamp) return false
    this.listed[i] = stamp
    return true
  }

  /** Grows the slots to hold every entity of a list. */
  reserve(list: readonly Entity[]): void {
    let max = 0
    for (let k = 0; k < list.length; k++) {
      const i = (list[k] as Entity) & INDEX_MASK
      if (i > max) max = i
    }
    if (max >= this.stamps.length) this.grow(max)
  }

  private grow(i: number): void {
    const n = capacityFor(this.stamps.length, i)
    this.stamps = grown(this.stamps, n)
    this.entities = grown(this.entities, n)
    this.kinds = grown(this.kinds, n)
    this.masks = grown(this.masks, n)
    this.listed = grown(this.listed, n)
  }
}
