/** Options of {@link RttSamples}. */
export interface RttSamplesOptions {
  /** Samples kept (default 32: 8 s of Pongs at 250 ms). */
  readonly window?: number
  /** Samples needed before {@link RttSamples.medianMs} answers (default 5). */
  readonly minSamples?: number
}

/**
 * The median of a connection's recent round-trip samples, recovered from its smoothed estimate.
 *
 * Why a median: a client busy with other work reads its frames late now and then, by tens of ms. The
 * connection's smoothed RTT is a mean and takes those delays in; a median of the samples ignores them, as
 * a median of the updates' `serverTime − receive time` does, so the two can be added (prediction predicts
 * an input's arrival so) without the delays counting on one side only.
 *
 * How: the connection publishes only its smoothed RTT, computed like TCP's SRTT (RFC 6298: the first sample
 * as is, then `srtt ← 7/8 · srtt + 1/8 · r`, as `@orrery/connection`'s `RttEstimator` documents). Each change
 * of it is one Pong, whose sample is `r = 8 · srtt − 7 · previous`. Call {@link observe} more often than
 * Pongs come (every frame does).
 *
 * @example
 * ```ts
 * import { RttSamples } from '@orrery/client'
 * const samples = new RttSamples({ minSamples: 2 })
 * samples.observe(160) // first sample: 160
 * samples.observe(155) // 8 · 155 − 7 · 160 = 120
 * samples.medianMs // 120 (the lower middle of two)
 * // in a frame loop: samples.observe(client.connection.rttMs)
 * ```
 * @see https://www.rfc-editor.org/rfc/rfc6298#section-2
 */
export class RttSamples {
  private readonly window: number
  private readonly minSamples: number
  private readonly recent: number[] = []
  private readonly sorted: number[] = []
  private previous: number | null = null
  private median = 0

  /** @param options - see {@link RttSamplesOptions} */
  constructor(options: RttSamplesOptions = {}) {
    this.window = Math.max(1, Math.floor(options.window ?? 32))
    this.minSamples = Math.min(this.window, Math.max(1, Math.floor(options.minSamples ?? 5)))
  }

  /** The median of the recent samples, ms, or 0 before `minSamples` of them. */
  get medianMs(): number {
    return this.median
  }

  /** Samples recovered so far (at most the window). */
  get count(): number {
    return this.recent.length
  }

  /**
   * Takes the connection's current smoothed RTT; a change of it is one more sample.
   *
   * @param smoothed - the connection's `rttMs`, ms, or null before its first Pong (and after a reset)
   */
  observe(smoothed: number | null | undefined): void {
    if (smoothed === null || smoothed === undefined || !Number.isFinite(smoothed)) {
      this.previous = null
      return
    }
    if (smoothed === this.previous) return
    const sample = this.previous === null ? smoothed : 8 * smoothed - 7 * this.previous
    this.previous = smoothed
    if (!(sample >= 0)) return
    if (this.recent.length === this.window) this.recent.shift()
    this.recent.push(sample)
    if (this.recent.length < this.minSamples) return
    const sorted = this.sorted
    sorted.length = 0
    for (const r of this.recent) sorted.push(r)
    sorted.sort((a, b) => a - b)
    this.median = sorted[(sorted.length - 1) >> 1] as number
  }
}
