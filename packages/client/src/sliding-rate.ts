/**
 * Bytes per second over a sliding time window, from ever-growing counters:
 * samples are taken when asked (no timers), and the rate is the counter
 * difference between now and the oldest sample still inside the window.
 *
 * @example
 * ```ts
 * import type { Connection } from '@orrery/connection'
 * declare const connection: Connection
 * const rate = new SlidingRate(5_000)
 * rate.sample(performance.now(), connection.stats.bytesReceived) // bytes per second
 * ```
 */
export class SlidingRate {
  private readonly windowMs: number
  private readonly times: number[] = []
  private readonly totals: number[] = []

  /** @param windowMs - width of the window in milliseconds (> 0) */
  constructor(windowMs: number) {
    this.windowMs = windowMs
  }

  /**
   * Records the counter's current total and returns the rate over the window.
   * @param now - a monotonic time in ms
   * @param total - the counter's current value (never decreasing)
   * @returns units per second over the window (0 until two samples span some time)
   */
  sample(now: number, total: number): number {
    this.times.push(now)
    this.totals.push(total)
    // Keep one sample at or before the window start so the rate spans the whole window.
    while (this.times.length > 2 && (this.times[1] as number) <= now - this.windowMs) {
      this.times.shift()
      this.totals.shift()
    }
    const t0 = this.times[0] as number
    const elapsed = now - t0
    if (elapsed <= 0) return 0
    return ((total - (this.totals[0] as number)) * 1000) / elapsed
  }
}
