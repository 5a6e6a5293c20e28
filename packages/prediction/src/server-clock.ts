import { checkRange } from './errors.js'

/** Options of {@link ServerClock}. */
export interface ServerClockOptions {
  /** The server's tick rate, Hz (default 20). */
  readonly tickRateHz?: number
  /** Updates whose median sets the offset and whose least-late one sets the tick schedule (default 32: 1.6 s at 20 Hz). */
  readonly window?: number
  /** Round-trip samples needed before {@link ServerClock.rttMs} answers (default 5). */
  readonly minRttSamples?: number
}

/**
 * An estimate of the server's clock and tick count from the updates' `serverTime` and `tick` and the
 * measured RTT: what places remote entities an interpolation delay in the past and the own entities a
 * one-way trip in the future.
 *
 * Offset: each update gives `serverTime − localReceiveTime`, which is the true offset minus that update's
 * one-way delay. The estimate is the median of the recent samples plus half the (smoothed) RTT: the
 * median one-way delay and half the mean RTT agree when the path is symmetric, so jitter does not bias
 * it (taking the least-delayed sample would, by the jitter's amplitude), and a retransmitted update
 * does not move it.
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
  private readonly sorted: number[] = []
  private readonly rtts: number[] = []
  private rttMedian: number | undefined = undefined
  private readonly minRttSamples: number
  private readonly phases: number[] = []
  private offset: number | undefined = undefined
  private receiveOffset = 0
  private base = 0

  /** @throws {@link PredictionError} `ERR_INVALID_OPTION` on a tick rate ≤ 0 or a window < 1 */
  constructor(options: ServerClockOptions = {}) {
    this.tickMs = 1000 / checkRange('tickRateHz', options.tickRateHz ?? 20, 0.001, 10_000)
    this.window = Math.floor(checkRange('window', options.window ?? 32, 1, 4096))
    this.minRttSamples = Math.min(this.window, Math.floor(checkRange('minRttSamples', options.minRttSamples ?? 5, 1)))
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
    const sorted = this.sorted
    sorted.length = 0
    for (const s of this.recent) sorted.push(s)
    sorted.sort((a, b) => a - b)
    const median = sorted[(sorted.length - 1) >> 1] as number
    this.receiveOffset = median
    this.offset = median + Math.max(0, rttMs) / 2
    // Tick n is due at base + n · tickMs and its update is stamped after the tick ran, so the smallest
    // recent `serverTime − tick · tickMs` is the closest to the schedule.
    if (this.phases.length === this.window) this.phases.shift()
    this.phases.push(serverTime - tick * this.tickMs)
    let base = Number.POSITIVE_INFINITY
    for (const p of this.phases) base = Math.min(base, p)
    this.base = base
  }

  /**
   * The median of the recent round-trip samples given to {@link observeRtt}, ms, or undefined before
   * `minRttSamples` of them. Prefer it to a smoothed estimate sampled every few seconds: every error in the RTT is an
   * error in when an input reaches the server.
   */
  get rttMs(): number | undefined {
    return this.rttMedian
  }

  /**
   * Takes one round-trip sample (e.g. from a reducer call to its result, which the server sends as soon
   * as it applied the call).
   *
   * @param sampleMs - the round trip, ms
   */
  observeRtt(sampleMs: number): void {
    if (!(sampleMs >= 0)) return
    if (this.rtts.length === this.window) this.rtts.shift()
    this.rtts.push(sampleMs)
    const sorted = this.sorted
    sorted.length = 0
    for (const r of this.rtts) sorted.push(r)
    sorted.sort((a, b) => a - b)
    if (sorted.length >= this.minRttSamples) this.rttMedian = sorted[(sorted.length - 1) >> 1] as number
  }

  /** Estimated server time at local time `localNow`, ms. */
  serverNow(localNow: number): number {
    return localNow + this.offsetMs
  }

  /**
   * The server's tick count at server time `serverTime`, as a real number (ticks): tick n is due at
   * `n · tickMs` after the schedule's origin, estimated from the least-late recent update.
   */
  tickTime(serverTime: number): number {
    return (serverTime - this.base) / this.tickMs
  }

  /**
   * The predicted tick time: the server's tick count when an input sent now reaches it (server time now
   * plus the one-way trip, RTT / 2), plus `marginTicks`. Pass it to {@link Predictor.advance}.
   *
   * @param localNow - local time, ms
   * @param rttMs - round-trip time, ms
   * @param marginTicks - how far past the arrival to predict, ticks (the landing margin of
   *   {@link sendDelayMs}; default 0)
   * @returns ticks, real
   */
  predictedTick(localNow: number, rttMs: number, marginTicks = 0): number {
    return this.tickTime(this.serverNow(localNow) + Math.max(0, rttMs) / 2) + marginTicks
  }

  /**
   * How long to hold an input before sending it so that it reaches the server inside the tick interval
   * that {@link predictedTick} with margin `lateMarginTicks` predicts (the one before tick
   * `floor(predictedTick) + 1`), at least `marginTicks` after that interval starts and at least
   * `lateMarginTicks` before it ends. Jitter smaller than `marginTicks` cannot make it early, and
   * delays (jitter, a busy server, a late timer) smaller than `lateMarginTicks` cannot make it late:
   * either would apply it at another tick than the one it was predicted at. Prediction still shows it at
   * once. The hold is at most `marginTicks + lateMarginTicks` ticks.
   *
   * @param localNow - local time, ms
   * @param rttMs - round-trip time, ms
   * @param marginTicks - the least time after a tick starts to arrive, ticks (e.g. jitter / tick interval)
   * @param lateMarginTicks - the least time before the next tick to arrive, ticks (default `marginTicks`;
   *   `marginTicks + lateMarginTicks` ≤ 1)
   * @returns the delay, ms (0 when sending now lands safely)
   * @throws {@link PredictionError} `ERR_INVALID_OPTION` when the margins are negative or add up to more than 1
   * @example
   * ```ts
   * import { ServerClock } from '@orrery/prediction'
   * const clock = new ServerClock({ tickRateHz: 20 })
   * clock.observe(10_000, 200, 0, 0) // tick 200 at server time 10 000 = local time 0 + 10 000
   * clock.sendDelayMs(1, 0, 0.25) // 11.5: arriving 1 ms into a tick is too close to its start
   * clock.sendDelayMs(20, 0, 0.25) // 0
   * clock.sendDelayMs(40, 0, 0.25) // 22.5: 10 ms before the next tick is too close to it
   * ```
   */
  sendDelayMs(localNow: number, rttMs: number, marginTicks: number, lateMarginTicks = marginTicks): number {
    checkRange('marginTicks', marginTicks, 0, 1)
    checkRange('lateMarginTicks', lateMarginTicks, 0, 1 - marginTicks)
    const arrival = this.predictedTick(localNow, rttMs)
    const target = Math.floor(arrival + lateMarginTicks) + 1
    return Math.max(0, (target - 1 + marginTicks - arrival) * this.tickMs)
  }


  /**
   * The typical `serverTime − local receive time` of updates (their median), ms: server time minus this
   * is when an update stamped `serverTime` typically arrives, on the local clock. Snapshots stamped this
   * way are evenly spaced even when their arrival times jitter.
   */
  get receiveOffsetMs(): number {
    return this.receiveOffset
  }

  /**
   * The render time of remote entities: the server time of the newest state the client typically has
   * now (server time now minus the one-way trip), minus the interpolation delay. So with the default
   * delay of two tick intervals, the two snapshots around the render time have arrived unless an update
   * is later than one tick interval.
   *
   * @param localNow - local time, ms
   * @param delayMs - interpolation delay, ms (see {@link defaultInterpolationDelayMs})
   * @returns server time, ms
   */
  renderTime(localNow: number, delayMs: number): number {
    return localNow + this.receiveOffset - delayMs
  }
}
