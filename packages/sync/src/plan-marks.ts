import { capacityFor, grown } from './typed-growth.js'

/** `e & INDEX_MASK` is an entity's index (see `@orrery/ecs`). */
const INDEX_MASK = 0x3fffff


/**
 * Values one update plan sets by key (a handle, or an entity of a table), valid for the plan whose stamp
 * wrote them: typed arrays by key, so a plan allocates nothing per row. Two entities of one index in one
 * plan (one deleted, one inserted) share a slot through a small map.
 */
export class PlanMarks {
  private stamps = new Int32Array(64)
  private keys = new Float64Array(64)
  private values = new Float64Array(64)
  private overflow: Map<number, number> | null = null
  private overflowStamp = 0

  /**
   * The value set for `key` in plan `stamp`, or undefined.
   *
   * @param index - the slot (an entity's index, or a handle)
   * @param key - the full key (the entity, or the handle)
   */
  get(index: number, key: number, stamp: number): number | undefined {
    if (index < this.stamps.length && this.stamps[index] === stamp && this.keys[index] === key) return this.values[index] as number
    return this.overflowStamp === stamp ? this.overflow?.get(key) : undefined
  }

  /** Sets `key`'s value for plan `stamp`. */
  set(index: number, key: number, value: number, stamp: number): void {
    if (index >= this.stamps.length) {
      const n = capacityFor(this.stamps.length, index)
      this.stamps = grown(this.stamps, n)
      this.keys = grown(this.keys, n)
      this.values = grown(this.values, n)
    }
    if (this.stamps[index] !== stamp || this.keys[index] === key) {
      this.stamps[index] = stamp
      this.keys[index] = key
      this.values[index] = value
      return
    }
    if (this.overflowStamp !== stamp) {
      this.overflow = new Map()
      this.overflowStamp = stamp
    }
    ;(this.overflow as Map<number, number>).set(key, value)
  }
}

/** The slot of an entity in {@link PlanMarks}. */
export function entitySlot(e: number): number {
  return e & INDEX_MASK
}
