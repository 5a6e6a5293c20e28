import { PredictionError } from './errors.js'

/**
 * Positions of the predicted entities at each recent tick, by display key: what a later authoritative
 * state of the same tick is compared against (the misprediction), and what the display interpolates
 * between. A ring over ticks; each tick holds up to `maxEntities` entries in flat typed arrays, so
 * recording allocates nothing.
 */
export class TickHistory {
  private readonly ticks: Float64Array
  private readonly counts: Int32Array
  private readonly keys: Float64Array
  private readonly xs: Float64Array
  private readonly ys: Float64Array
  private readonly sizes: Float64Array

  /**
   * @param capacity - ticks kept
   * @param maxEntities - entries per tick
   */
  constructor(
    readonly capacity: number,
    readonly maxEntities: number,
  ) {
    this.ticks = new Float64Array(capacity).fill(-1)
    this.counts = new Int32Array(capacity)
    const n = capacity * maxEntities
    this.keys = new Float64Array(n)
    this.xs = new Float64Array(n)
    this.ys = new Float64Array(n)
    this.sizes = new Float64Array(n)
  }

  /** Starts (or restarts) the record of `tick`, forgetting what it held. */
  begin(tick: number): void {
    const slot = tick % this.capacity
    this.ticks[slot] = tick
    this.counts[slot] = 0
  }

  /**
   * Adds one entity's position to the record of `tick` (begun with {@link begin}).
   * @throws {@link PredictionError} `ERR_TOO_MANY_ENTITIES` past `maxEntities`
   */
  add(tick: number, key: number, x: number, y: number, size: number): void {
    const slot = tick % this.capacity
    const n = this.counts[slot] as number
    if (n >= this.maxEntities) {
      throw new PredictionError('ERR_TOO_MANY_ENTITIES', `more than ${this.maxEntities} predicted entities`)
    }
    const at = slot * this.maxEntities + n
    this.keys[at] = key
    this.xs[at] = x
    this.ys[at] = y
    this.sizes[at] = size
    this.counts[slot] = n + 1
  }

  /** Whether the record of `tick` is held. */
  has(tick: number): boolean {
    return tick >= 0 && this.ticks[tick % this.capacity] === tick
  }

  /** Number of entries recorded for `tick` (0 when not held). */
  count(tick: number): number {
    return this.has(tick) ? (this.counts[tick % this.capacity] as number) : 0
  }

  /** Key of the `i`-th entry of `tick`. */
  keyAt(tick: number, i: number): number {
    return this.keys[(tick % this.capacity) * this.maxEntities + i] as number
  }

  /**
   * Writes the x, y and size of `key` at `tick` into `out[0..2]`.
   * @returns false when the tick is not held or has no entry for `key`
   */
  find(tick: number, key: number, out: Float64Array): boolean {
    if (!this.has(tick)) return false
    const slot = tick % this.capacity
    const base = slot * this.maxEntities
    const n = this.counts[slot] as number
    for (let i = 0; i < n; i++) {
      if (this.keys[base + i] === key) {
        out[0] = this.xs[base + i] as number
        out[1] = this.ys[base + i] as number
        out[2] = this.sizes[base + i] as number
        return true
      }
    }
    return false
  }

  /** Forgets every tick. */
  clear(): void {
    this.ticks.fill(-1)
    this.counts.fill(0)
  }
}
