/**
 * The last `capacity` samples of one measurement in a ring, with percentiles and a mean computed on
 * demand (into a reused scratch array, so recording and reading allocate nothing).
 */
export class SampleRing {
  private readonly values: Float64Array
  private readonly scratch: Float64Array
  private next = 0
  private filled = 0

  /** @param capacity - samples kept (the oldest is overwritten) */
  constructor(readonly capacity: number) {
    this.values = new Float64Array(capacity)
    this.scratch = new Float64Array(capacity)
  }

  /** Number of samples held. */
  get size(): number {
    return this.filled
  }

  /** Records one sample. */
  push(value: number): void {
    this.values[this.next] = value
    this.next = (this.next + 1) % this.capacity
    if (this.filled < this.capacity) this.filled++
  }

  /** The `p`-quantile (0..1) of the held samples by nearest rank, or 0 when empty. */
  percentile(p: number): number {
    const n = this.filled
    if (n === 0) return 0
    const sorted = this.scratch.subarray(0, n)
    sorted.set(this.values.subarray(0, n))
    sorted.sort()
    const rank = Math.min(n - 1, Math.max(0, Math.ceil(p * n) - 1))
    return sorted[rank] as number
  }

  /** Mean of the held samples, or 0 when empty. */
  mean(): number {
    let sum = 0
    for (let i = 0; i < this.filled; i++) sum += this.values[i] as number
    return this.filled === 0 ? 0 : sum / this.filled
  }

  /** Number of held samples greater than `threshold`. */
  countAbove(threshold: number): number {
    let n = 0
    for (let i = 0; i < this.filled; i++) if ((this.values[i] as number) > threshold) n++
    return n
  }

  /** Forgets every sample. */
  clear(): void {
    this.next = 0
    this.filled = 0
  }
}
