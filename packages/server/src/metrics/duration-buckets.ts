/**
 * Cumulative-ready histogram buckets of durations: per-bucket counts, their sum and count. Recording is a
 * short loop over the bounds and three additions; no allocation, no label lookup.
 *
 * @example
 * ```ts
 * const buckets = new DurationBuckets([1, 5, 10])
 * buckets.record(3)
 * buckets.cumulative() // [0, 1, 1] (≤ 1, ≤ 5, ≤ 10); buckets.count === 1
 * ```
 */
export class DurationBuckets {
  /** Upper bounds of the buckets, ms, ascending (the +Inf bucket is implied). */
  readonly boundsMs: readonly number[]
  private readonly counts: Float64Array
  /** Sum of the recorded durations, ms. */
  sumMs = 0
  /** Number of recorded durations (the +Inf bucket). */
  count = 0

  /** @param boundsMs - upper bounds, ms, ascending */
  constructor(boundsMs: readonly number[]) {
    this.boundsMs = boundsMs
    this.counts = new Float64Array(boundsMs.length)
  }

  /** Records one duration, ms. */
  record(ms: number): void {
    const bounds = this.boundsMs
    for (let i = 0; i < bounds.length; i++) {
      if (ms <= (bounds[i] as number)) {
        this.counts[i] = (this.counts[i] as number) + 1
        break
      }
    }
    this.sumMs += ms
    this.count++
  }

  /** @returns per bound, the number of durations ≤ it (Prometheus `le` buckets, without +Inf) */
  cumulative(): number[] {
    const out: number[] = []
    let running = 0
    for (const n of this.counts) {
      running += n
      out.push(running)
    }
    return out
  }
}

/** Bucket bounds of reducer durations, ms (50 µs to 250 ms). */
export const REDUCER_BOUNDS_MS: readonly number[] = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 25, 50, 100, 250]

/** Bucket bounds of tick durations, ms (0.5 ms to 1 s). */
export const TICK_BOUNDS_MS: readonly number[] = [0.5, 1, 2, 5, 10, 20, 50, 100, 250, 500, 1000]
