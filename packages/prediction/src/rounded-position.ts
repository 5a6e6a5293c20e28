import type { Entity } from '@orrery/ecs'
import { checkRange } from './errors.js'

/** Slack added to a carried interval per observation, world units: f32 positions round each step by up to an ulp (6·10⁻⁵ at 1 000). */
const CARRY_SLACK = 1e-4

/**
 * What a client can know of the server's unrounded positions when they reach it rounded to a step (a
 * quantized field: `round(x / step) · step`, so the true `x` lies within half a step of it; a server that
 * lets a predicted field follow its prediction within `k` steps, its `predictionTolerance`, within
 * `k + ½` steps).
 *
 * For each entity it keeps the interval of true positions consistent with everything seen so far. A
 * prediction moves an entity by the same amount as the server when it replays the same inputs with the
 * same step, so the interval of the previous authoritative state, moved by what the prediction moved the
 * entity since, still holds the truth; intersected with the new rounding cell it narrows, tick after
 * tick, well below the step. The estimate is the predicted position clamped into that interval: it stays
 * where the prediction put it whenever the server's rounded position allows it, and otherwise moves by the
 * least amount the server's position proves necessary. That movement is the correction (0 for a
 * prediction the server's position confirms), and the estimate is what the next replay starts from.
 *
 * When the moved interval and the new cell do not meet, the prediction was wrong (another input, another
 * tick, a collision): the interval restarts from the cell.
 *
 * @example
 * ```ts
 * import type { Entity } from '@orrery/ecs'
 * import { RoundedPositions } from '@orrery/prediction'
 * const positions = new RoundedPositions(1 / 16)
 * const out = new Float64Array(2)
 * const e = 7 as Entity
 * positions.begin()
 * positions.observe(e, 10, 0, 10.01, 0, true, 0, 0, false, out) // x within 1/32 of 10
 * positions.correction // 0: 10.01 rounds to 10, the prediction stands
 * positions.begin()
 * positions.observe(e, 10.5, 0, 10.9, 0, true, 10.01, 0, true, out) // predicted to move 0.89; the server's x rounds to 10.5
 * out[0] // 10.53125: the nearest position the server's allows
 * positions.correction // 0.36875
 * ```
 * @see docs/protocol.md, "Quantized fields and deltas" (a field sent as `round(x / step)`)
 */
export class RoundedPositions {
  /** The rounding step, world units. */
  readonly step: number
  /** Steps the server may let a position follow its wire prediction by (its `predictionTolerance`; 0: exact rounding). */
  readonly tolerance: number
  /** Distance between the prediction and the estimate of the last {@link observe}, world units (0 without a prediction). */
  correction = 0
  private readonly intervals = new Map<Entity, Float64Array>()
  private generation = 0

  /**
   * @param step - the rounding step of authoritative positions, world units (> 0)
   * @param tolerance - the server's `predictionTolerance`, steps (default 0)
   * @throws {@link PredictionError} `ERR_INVALID_OPTION` on a step that is not positive or a negative tolerance
   */
  constructor(step: number, tolerance = 0) {
    this.step = checkRange('positionStep', step, Number.MIN_VALUE)
    this.tolerance = checkRange('positionTolerance', tolerance, 0)
  }

  /** Starts a round of observations (one authoritative state); entities not observed until the next round are forgotten then. */
  begin(): void {
    this.generation++
    for (const [e, interval] of this.intervals) if ((interval[4] as number) < this.generation - 1) this.intervals.delete(e)
  }

  /**
   * Takes one entity's rounded authoritative position and estimates its true one.
   *
   * @param entity - the entity
   * @param sx - its authoritative x, rounded to the step, world units
   * @param sy - its authoritative y, world units
   * @param px - the predicted x for the same tick, world units (ignored without `predicted`)
   * @param py - the predicted y for the same tick
   * @param predicted - whether there is a prediction for that tick
   * @param bx - the x the prediction started from (the previous estimate), world units (ignored without `based`)
   * @param by - the y it started from
   * @param based - whether the prediction started from the previous estimate of this entity
   * @param out - receives the estimate: `out[0]` x, `out[1]` y, world units
   * @returns whether the estimate differs from the authoritative rounded position (a value to write back)
   */
  observe(
    entity: Entity,
    sx: number,
    sy: number,
    px: number,
    py: number,
    predicted: boolean,
    bx: number,
    by: number,
    based: boolean,
    out: Float64Array,
  ): boolean {
    let interval = this.intervals.get(entity)
    const carried = interval !== undefined && predicted && based && (interval[4] as number) === this.generation - 1
    if (interval === undefined) {
      interval = new Float64Array(5)
      this.intervals.set(entity, interval)
    }
    const h = (this.tolerance + 0.5) * this.step
    axis(interval, 0, sx - h, sx + h, carried ? px - bx : Number.NaN)
    axis(interval, 2, sy - h, sy + h, carried ? py - by : Number.NaN)
    interval[4] = this.generation
    if (!predicted) {
      out[0] = sx
      out[1] = sy
      this.correction = 0
      return false
    }
    out[0] = Math.min(interval[1] as number, Math.max(interval[0] as number, px))
    out[1] = Math.min(interval[3] as number, Math.max(interval[2] as number, py))
    this.correction = Math.hypot((out[0] as number) - px, (out[1] as number) - py)
    return out[0] !== sx || out[1] !== sy
  }

  /** Forgets every entity. */
  clear(): void {
    this.intervals.clear()
  }
}

/** Narrows `interval[i..i+1]`, moved by `shift` (NaN: not carried), to the cell `[lo, hi]`, or restarts it from the cell. */
function axis(interval: Float64Array, i: number, lo: number, hi: number, shift: number): void {
  if (!Number.isNaN(shift)) {
    const nlo = Math.max(lo, (interval[i] as number) + shift - CARRY_SLACK)
    const nhi = Math.min(hi, (interval[i + 1] as number) + shift + CARRY_SLACK)
    if (nlo <= nhi) {
      interval[i] = nlo
      interval[i + 1] = nhi
      return
    }
  }
  interval[i] = lo
  interval[i + 1] = hi
}
