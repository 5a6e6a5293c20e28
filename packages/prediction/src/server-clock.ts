import { checkRange } from './errors.js'

/** Options of {@link ServerClock}. */
export interface ServerClockOptions {
  /** The server's tick rate, Hz (default 20). */
  readonly tickRateHz?: number
  /** Updates over which the least-delayed one sets the offset (default 32: 1.6 s at 20 Hz). */
  readonly window?: number
}

/**
 * An estimate of the server's clock and tick count from the updates' `serverTime` and `tick` and the
 * measured RTT: what places remote entities an interpolation delay in the past and the own entities a
 * one-way trip in the future.
 *
 * Offset: each update gives `serverTime − localReceiveTime`, which is the true offset minus that update's
 * one-way delay. Queueing only ever adds delay, so the largest of the recent samples comes from the
 * least-delayed update; the estimate is that sample plus half the RTT (the one-way trip, assuming a
 * symmetric path).
 *
 * @example
 * ```ts
 * import { ServerClock } from '@orrery/prediction'
 * const clock = new ServerClock({ tickRateHz: 20 })
 * clock.observe(10_050, 201, 5_000, 100) // update of tick 201 sent at server time 10 050 ms, received at local 5 000 ms, RTT 100 ms
 * clock.serverNow(5_000) // 10 100: server time now
 * clock.predictedTick(5_000, 100) // 203: the server's tick when an input sent now arrives
 * ```
 * @see Cristian, "Probabilistic clock synchronization" (1989): offset = server time + RTT / 2 − local time
 * @see Valve, "Source Multiplayer Networking" (interpolation and lag compensation), https://developer.valvesoftware.com/wiki/Source_Multiplayer_Networking
 */
export class ServerClock {
  /** Length of one tick, ms. */
  readonly tickMs: number
  private readonly window: number
  private readonly recent: number[] = []
  private offset: number | undefined = undefined
  private anchorTick = 0
  private anchorTime = 0

  /** @throws {@link PredictionError} `ERR_INVALID_OPTION` on a tick rate ≤ 0 or a window < 1 */
  constructor(options: ServerClockOptions = {}) {
    this.tickMs = 1000 / checkRange('tickRateHz', options.tickRateHz ?? 20, 0.001, 10_000)
    this.window = Math.floor(checkRange('window', options.window ?? 32, 1, 4096))
  }

  /** Whether an update was observed. */
  get synchronized(): boolean {
    return this.offset !== undefined
  }

  /** Estimated server time minus local time, ms (0 before the first update). */
  get offsetMs(): number {
    return this.offset ?? 0
  }

  /**
   * Takes one update into account.
   *
   * @param serverTime - the update's `serverTime`, ms since epoch
   * @param tick - the update's `tick`
   * @param localNow - local time it was received, ms
   * @param rttMs - the current round-trip time estimate, ms
   */
  observe(serverTime: number, tick: number, localNow: number, rttMs: number): void {
    if (this.recent.length === this.window) this.recent.shift()
    this.recent.push(serverTime - localNow)
    let best = Number.NEGATIVE_INFINITY
    for (const s of this.recent) best = Math.max(best, s)
    this.offset = best + Math.max(0, rttMs) / 2
    if (tick >= this.anchorTick) {
      this.anchorTick = tick
      this.anchorTime = serverTime
    }
  }

  /** Estimated server time at local time `localNow`, ms. */
  serverNow(localNow: number): number {
    return localNow + this.offsetMs
  }

  /** The server's tick count at server time `serverTime`, as a real number (ticks). */
  tickTime(serverTime: number): number {
    return this.anchorTick + (serverTime - this.anchorTime) / this.tickMs
  }

  /**
   * The predicted tick time: the server's tick count when an input sent now reaches it (server time now
   * plus the one-way trip, RTT / 2). Pass it to {@link Predictor.advance}.
   *
   * @param localNow - local time, ms
   * @param rttMs - round-trip time, ms
   * @returns ticks, real
   */
  predictedTick(localNow: number, rttMs: number): number {
    return this.tickTime(this.serverNow(localNow) + Math.max(0, rttMs) / 2)
  }

  /**
   * The render time of remote entities: server time now minus the interpolation delay.
   *
   * @param localNow - local time, ms
   * @param delayMs - interpolation delay, ms (see {@link defaultInterpolationDelayMs})
   * @returns server time, ms
   */
  renderTime(localNow: number, delayMs: number): number {
    return this.serverNow(localNow) - delayMs
  }
}
