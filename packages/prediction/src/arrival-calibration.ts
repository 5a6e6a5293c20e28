import { checkRange } from './errors.js'

/** Options of {@link ArrivalCalibration}. */
export interface ArrivalCalibrationOptions {
  /** Acknowledged inputs remembered (default 32). */
  readonly window?: number
  /** Acknowledged inputs needed before the estimate moves (default 16). */
  readonly minObservations?: number
}

/**
 * Learns, from acknowledgements, how far the predicted arrival of inputs at the server is off. Each
 * acknowledged input tells in which tick interval it really arrived: after the step of the previous
 * update's tick and before the step of the tick of the first update that includes it. So the true
 * arrival minus the predicted one lies in `(previousTick − predicted, tick − predicted]` ticks. The
 * estimate stays put while at least half of the recent intervals hold it; when most say otherwise (a
 * wrong RTT estimate, a clock that drifted) it moves to the point inside the most of them nearest to
 * where it was. Single late or early inputs (jitter, a busy server) do not move it.
 *
 * @example
 * ```ts
 * import { ArrivalCalibration } from '@orrery/prediction'
 * const calibration = new ArrivalCalibration({ minObservations: 1 })
 * calibration.observe(100.35, 100, 102) // predicted (without the bias) to arrive at 100.35, applied before tick 102's step
 * calibration.biasTicks // 0.65: it arrived at least 0.65 tick later than predicted
 * ```
 */
export class ArrivalCalibration {
  private readonly window: number
  private readonly minObservations: number
  private readonly los: number[] = []
  private readonly his: number[] = []
  private bias = 0

  /** @throws {@link PredictionError} `ERR_INVALID_OPTION` on a window below 1 */
  constructor(options: ArrivalCalibrationOptions = {}) {
    this.window = Math.floor(checkRange('window', options.window ?? 32, 1, 4096))
    this.minObservations = Math.min(this.window, Math.floor(checkRange('minObservations', options.minObservations ?? 16, 1)))
  }

  /** How much later than predicted inputs arrive, ticks (add it to the predicted arrival). */
  get biasTicks(): number {
    return this.bias
  }

  /**
   * Takes one acknowledged input into account.
   *
   * @param rawArrival - the tick time it was predicted to reach the server at, without the bias
   *   (`ServerClock.predictedTick(sentAt, rtt)`)
   * @param previousTick - the tick of the last update that did not include it
   * @param tick - the tick of the first update that includes it
   */
  observe(rawArrival: number, previousTick: number, tick: number): void {
    if (!(tick > previousTick)) return
    const raw = rawArrival
    if (this.los.length === this.window) {
      this.los.shift()
      this.his.shift()
    }
    this.los.push(previousTick - raw)
    this.his.push(tick - raw)
    if (this.los.length >= this.minObservations && this.holding(this.bias) * 2 < this.los.length) {
      this.bias = this.consensus()
    }
  }

  /** Forgets what it learnt. */
  reset(): void {
    this.los.length = 0
    this.his.length = 0
    this.bias = 0
  }

  /** Number of recent intervals `(lo, hi]` that hold `b`. */
  private holding(b: number): number {
    let count = 0
    for (let i = 0; i < this.los.length; i++) if (b > (this.los[i] as number) && b <= (this.his[i] as number)) count++
    return count
  }

  /** The point inside the most intervals `(lo, hi]`, nearest to the current bias. */
  private consensus(): number {
    const n = this.los.length
    let best = -1
    let at = this.bias
    // The count is constant between endpoints: try the current bias and every interval's inner edges.
    const candidates = [this.bias]
    for (let i = 0; i < n; i++) candidates.push((this.los[i] as number) + 1e-6, this.his[i] as number)
    for (const c of candidates) {
      let count = 0
      for (let i = 0; i < n; i++) if (c > (this.los[i] as number) && c <= (this.his[i] as number)) count++
      if (count > best || (count === best && Math.abs(c - this.bias) < Math.abs(at - this.bias))) {
        best = count
        at = c
      }
    }
    return at
  }
}
