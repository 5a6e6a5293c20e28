import type { PredictionMetrics } from './metrics.js'
import type { SmoothingOptions } from './smoothing.js'
import type { PredictionModel } from './prediction-model.js'
import type { RoundedPositions } from './rounded-position.js'

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
   * on the wire (a quantized field, e.g. 1/16) sends `round(x / step) · step`, within half a step of its
   * true `x`. The predictor then keeps, per entity, the interval of true positions consistent with every
   * rounded position so far ({@link RoundedPositions}): a correction is the distance from the prediction to
   * the nearest position in it (0 when the rounded position allows the prediction), and the replay starts
   * from that estimate, not from the rounded position (with {@link PredictionModel.setPosition}).
   */
  readonly positionStep?: number
  /**
   * Steps a server may let a replicated position follow its wire prediction by (`predictionTolerance` of
   * `@orrery/server`, see docs/protocol.md; default 0): the true position then lies within `k + ½` steps of
   * the received one, and the default misprediction threshold grows to `1.5 · (2k + 1)` steps.
   */
  readonly positionTolerance?: number
  /**
   * A correction longer than this is a misprediction, world units (default 0.01; with a `positionStep`,
   * 1.5 steps, `1.5 · (2k + 1)` with a `positionTolerance` of k: after an entity's interval restarts from a rounding cell, which it does when it appears and
   * after every real misprediction, the server's true position can be anywhere in that cell, so even an
   * exact replay can be corrected by up to a step on each axis, √2 steps in all; 1.5 steps and more cannot
   * come from the rounding).
   */
  readonly mispredictionThreshold?: number
  /** Farthest a predicted creation and the server's entity may be apart to be matched, world units (default: any). */
  readonly matchDistance?: number
  /** Where to record the accuracy metrics (default: a new {@link PredictionMetrics}). */
  readonly metrics?: PredictionMetrics
}
