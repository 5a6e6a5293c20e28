import type { PredictionMetrics } from './metrics.js'
import type { SmoothingOptions } from './smoothing.js'

/** Options of {@link Predictor}. */
export interface PredictorOptions {
  /** The server's tick rate, Hz (default 20: one tick = 50 ms). */
  readonly tickRateHz?: number
  /** Most unacknowledged inputs kept (default 256); see {@link InputBuffer} for the overflow rule. */
  readonly inputCapacity?: number
  /** Most predicted entities (default 64). */
  readonly maxEntities?: number
  /** Ticks of predicted positions kept to compare with late authoritative states (default 128: 6.4 s at 20 Hz). */
  readonly historyTicks?: number
  /** Visual smoothing of corrections (default 150 ms, snap beyond 100 world units). */
  readonly smoothing?: SmoothingOptions
  /**
   * Precision of authoritative positions, world units (default 0: exact). A server that rounds positions
   * on the wire (a quantized field, e.g. 1/16) sends `round(x / step) · step`; the predicted positions are
   * rounded the same way before they are compared with it, and a prediction that rounds to the server's
   * position stands at full precision (see {@link PredictionModel.setPosition}).
   */
  readonly positionStep?: number
  /**
   * A correction longer than this is a misprediction, world units (default 0.01; with a `positionStep`,
   * 1.5 steps: a prediction replayed from a rounded position is off by up to half a step, so its rounding
   * can fall one step either side of the server's on each axis, at most √2 steps apart; two steps or more
   * is a misprediction).
   */
  readonly mispredictionThreshold?: number
  /** Farthest a predicted creation and the server's entity may be apart to be matched, world units (default: any). */
  readonly matchDistance?: number
  /** Where to record the accuracy metrics (default: a new {@link PredictionMetrics}). */
  readonly metrics?: PredictionMetrics
}
