/** Options of {@link RttWarmup}. */
export interface RttWarmupOptions {
  /** Least time the estimate must have been known, ms (default 2 000: eight Pongs at 250 ms, forty updates). */
  readonly minMs?: number
  /** Span over which the estimate must hold still, ms (default 1 000). */
  readonly windowMs?: number
  /** Most the estimate may move over that span, ms (default 4: a fifth of the 20 ms an input may be off and still land in its tick). */
  readonly toleranceMs?: number
  /** After this long the estimate counts as settled whatever it does, ms (default 8 000). */
  readonly maxMs?: number
}

/**
 * Decides when the estimate of an input's arrival (the median receive offset of updates plus the median
 * round trip) can be trusted to predict which tick an input lands in. Both are medians over recent
 * frames, and the first frames come while a client is busiest (keys, handshake, the first rows, other
 * clients starting in the same process, a server welcoming them all): read late by tens of ms, they
 * shift the estimate until the windows have forgotten them. So the estimate counts as settled once it
 * has been known for `minMs` and has moved by at most `toleranceMs` over the last `windowMs` (or has
 * been known for `maxMs`); once settled it stays so until the estimate is lost (a new connection).
 *
 * @example
 * const warmup = new RttWarmup()
 * warmup.ready(180, 0) // false: just known
 * warmup.ready(152, 3000) // false: 28 ms less than at the last look
 * warmup.ready(151, 4000) // true: it held still for a second
 */
export class RttWarmup {
  private readonly minMs: number
  private readonly windowMs: number
  private readonly toleranceMs: number
  private readonly maxMs: number
  /** [time, estimate] checkpoints at least a quarter window apart, oldest first. */
  private readonly checkpoints: [number, number][] = []
  private since: number | undefined = undefined
  private settled = false

  /** @param options - see {@link RttWarmupOptions} */
  constructor(options: RttWarmupOptions = {}) {
    this.minMs = options.minMs ?? 2000
    this.windowMs = options.windowMs ?? 1000
    this.toleranceMs = options.toleranceMs ?? 4
    this.maxMs = Math.max(this.minMs, options.maxMs ?? 8000)
  }

  /**
   * Takes the current estimate into account and tells whether it is settled.
   *
   * @param estimateMs - the current estimate, ms (undefined or NaN: not known)
   * @param now - local time, ms
   * @returns whether the estimate is settled
   */
  ready(estimateMs: number | undefined, now: number): boolean {
    if (estimateMs === undefined || !Number.isFinite(estimateMs)) {
      this.reset()
      return false
    }
    if (this.settled) return true
    this.since ??= now
    const last = this.checkpoints[this.checkpoints.length - 1]
    if (last === undefined || now - last[0] >= this.windowMs / 4) this.checkpoints.push([now, estimateMs])
    // Keep one checkpoint at least a window old, so the span covers the whole window.
    while (this.checkpoints.length > 1 && now - (this.checkpoints[1] as [number, number])[0] >= this.windowMs) this.checkpoints.shift()
    const known = now - this.since
    if (known < this.minMs) return false
    if (known >= this.maxMs) {
      this.settled = true
      return true
    }
    if (now - (this.checkpoints[0] as [number, number])[0] < this.windowMs) return false
    let lo = estimateMs
    let hi = estimateMs
    for (const [, r] of this.checkpoints) {
      lo = Math.min(lo, r)
      hi = Math.max(hi, r)
    }
    this.settled = hi - lo <= this.toleranceMs
    return this.settled
  }

  /** Forgets the estimate's history (it was lost: a new connection). */
  reset(): void {
    this.checkpoints.length = 0
    this.since = undefined
    this.settled = false
  }
}
