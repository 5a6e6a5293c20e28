import { capacityFor, grown } from './typed-growth.js'

/**
 * A non-negative integer (below 2^32 − 1) per entity index, or none: a typed array by index that grows
 * with the highest index written, so a lookup costs no hashing and an entry no allocation.
 */
export class IndexSlots {
  /** Each value plus one; 0 where there is none. */
  private values = new Uint32Array(64)

  /** The value at `index`, or -1. */
  get(index: number): number {
    return index < this.values.length ? (this.values[index] as number) - 1 : -1
  }

  /** Sets the value at `index`. */
  set(index: number, value: number): void {
    if (index >= this.values.length) this.values = grown(this.values, capacityFor(this.values.length, index))
    this.values[index] = value + 1
  }

  /** Removes the value at `index`. */
  delete(index: number): void {
    if (index < this.values.length) this.values[index] = 0
  }

  /** Removes every value. */
  clear(): void {
    this.values.fill(0)
  }
}
