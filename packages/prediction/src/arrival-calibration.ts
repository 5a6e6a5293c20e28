import { checkRange } from './errors.js'

/** Options of {@link ArrivalCalibration}. */
export interface ArrivalCalibrationOptions {
  /** How far one input that landed in another tick than predicted moves the estimate, ticks (default 0.1: 5 ms at 20 Hz). */
  readonly stepTicks?: number
  /** Largest estimate either way, ticks (default 2). */
  readonly maxBiasTicks?: number
}

/**
 * Learns, from acknowledgements, how far the predicted arrival of inputs at the server is off. Each
 * acknowledged input tells in which tick interval it really arrived: after the step of the previous
 * update's tick and before the step of the tick of the first update that includes it. So the true
 * arrival minus the predicted one lies in `(previousTick − predicted, tick − predicted]` ticks. When the
 * current estimate falls outside that interval (the input landed a tick earlier or later than predicted)
 * the estimate moves one step toward it; when it falls inside, it stays. So it settles where inputs
 * stop landing early or late, and while both happen (noise wider than the landing window) where they
 * are equally frequent. A wrong round trip, a clock estimate biased by a busy event loop, a server whose
 * ticks run late: whatever shifts arrivals, the acknowledgements show it and the estimate follows, one
 * step per misplaced input, while a single late input (a retransmission) moves it by one step only.
 *
 * @example
 * ```ts
 * import { ArrivalCalibration } from '@orrery/prediction'
 * const calibration = new ArrivalCalibration({ stepTicks: 0.1 })
 * calibration.observe(100.5, 101, 102) // predicted (with the bias) to arrive at 100.5, applied before tick 102's step
 * calibration.biasTicks // 0.1: it arrived later than predicted
 * ```
 * @see Robbins and Monro, "A Stochastic Approximation Method" (1951): a fixed-step sign update settles where the two errors balance
 */
export class ArrivalCalibration {
  private readonly step: number
  private readonly max: number
  private bias = 0

  /** @throws {@link PredictionError} `ERR_INVALID_OPTION` on a step or bound out of range */
  constructor(options: ArrivalCalibrationOptions = {}) {
    this.step = checkRange('stepTicks', options.stepTicks ?? 0.1, 0, 1)
    this.max = checkRange('maxBiasTicks', options.maxBiasTicks ?? 2, 0)
  }

  /** How much later than predicted inputs arrive, ticks (add it to the predicted arrival). */
  get biasTicks(): number {
    return this.bias
  }

  /**
   * Takes one acknowledged input into account. An input planned with an earlier estimate is ignored: the
   * inputs already on their way when the estimate moves would otherwise move it again for the same error.
   *
   * @param rawArrival - the tick time it was predicted to reach the server at, without the bias
   *   (`ServerClock.predictedTick(sentAt, rtt)`)
   * @param previousTick - the tick of the last update that did not include it
   * @param tick - the tick of the first update that includes it
   * @param plannedBias - the {@link biasTicks} it was sent with (default: the current one)
   */
  observe(rawArrival: number, previousTick: number, tick: number, plannedBias: number = this.bias): void {
    if (!(tick > previousTick) || !Number.isFinite(rawArrival) || plannedBias !== this.bias) return
    // Predicted tick: floor(raw + bias) + 1; applied at a tick in (previousTick, tick].
    const predicted = Math.floor(rawArrival + this.bias) + 1
    if (predicted > tick) this.bias = Math.max(-this.max, this.bias - this.step)
    else if (predicted <= previousTick) this.bias = Math.min(this.max, this.bias + this.step)
  }

  /** Forgets what it learnt. */
  reset(): void {
    this.bias = 0
  }
}
