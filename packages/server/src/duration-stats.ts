/** Percentiles of recent durations, in milliseconds. */
export interface DurationSummary {
  /** Number of samples summarized (at most the window size). */
  readonly count: number
  /** Median, ms. */
  readonly p50: number
  /** 99th percentile, ms. */
  readonly p99: number
  /** Largest sample, ms. */
  readonly max: number
  /** Arithmetic mean, ms. */
  readonly mean: number
}

/**
 * A fixed-size ring of recent durations with nearest-rank percentiles;
 * recording allocates nothing.
 *
 * @example
 * ```ts
 * const stats = new DurationStats(1024)
 * stats.record(1.5)
 * stats.summary().p99 // 1.5
 * ```
 */
export class DurationStats {
  private readonly samples: Float64Array
  private next = 0
  private size = 0

  /** @param capacity - how many of the most recent samples to keep (≥ 1) */
  constructor(capacity: number) {
    this.samples = new Float64Array(Math.max(1, Math.floor(capacity)))
  }

  /** Adds one sample in milliseconds, overwriting the oldest when full. */
  record(ms: number): void {
    this.samples[this.next] = ms
    this.next = (this.next + 1) % this.samples.length
    if (this.size < this.samples.length) this.size++
  }

  /** @returns p50, p99, max and mean of the kept samples (all 0 when empty) */
  summary(): DurationSummary {
    if (this.size === 0) return { count: 0, p50: 0, p99: 0, max: 0, mean: 0 }
    const sorted = this.samples.slice(0, this.size).sort()
    let sum = 0
    for (const v of sorted) sum += v
    const rank = (p: number): number => sorted[Math.min(this.size - 1, Math.ceil(p * this.size) - 1)] ?? 0
    return { count: this.size, p50: rank(0.5), p99: rank(0.99), max: sorted[this.size - 1] ?? 0, mean: sum / this.size }
  }
}
