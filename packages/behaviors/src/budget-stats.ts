/**
 * The CPU time of the last calls (a ring of `capacity` samples, ms) with its percentiles.
 *
 * @example
 * const stats = new BudgetStats(1024)
 * stats.record(0.4)
 * stats.percentile(0.99) // 0.4
 */
export class BudgetStats {
  readonly #samples: Float64Array
  #count = 0

  /** @param capacity - samples kept (the most recent ones) */
  constructor(capacity = 4096) {
    this.#samples = new Float64Array(capacity)
  }

  /** @param ms - one call's CPU time, ms */
  record(ms: number): void {
    this.#samples[this.#count % this.#samples.length] = ms
    this.#count++
  }

  /**
   * @param q - the quantile, in [0, 1]
   * @returns the q-quantile of the kept samples, ms (0 without samples)
   */
  percentile(q: number): number {
    const n = Math.min(this.#count, this.#samples.length)
    if (n === 0) return 0
    const sorted = this.#samples.slice(0, n).sort()
    return sorted[Math.min(n - 1, Math.floor(q * n))] ?? 0
  }
}
