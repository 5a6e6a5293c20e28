import { createWorld, type Entity, type World } from '@orrery/ecs'
import { checkRange, PredictionError } from './errors.js'
import { InputBuffer } from './input-buffer.js'
import { PredictionMetrics } from './metrics.js'
import { PredictedView } from './predicted-view.js'
import type { AuthoritativeState, PredictedBody, PredictionModel, ReconcileReport, StepContext } from './prediction-model.js'
import { RoundedPositions } from './rounded-position.js'
import { clearWorld, RowCopier } from './row-copier.js'
import { DisplayKeys } from './display-keys.js'
import { type InputSeq, seqAfter } from './sequence.js'
import { ErrorSmoother } from './smoothing.js'
import type { PredictorOptions } from './predictor-options.js'
import { TickHistory } from './tick-history.js'

export type { PredictorOptions } from './predictor-options.js'

/**
 * Client-side prediction by rewind and replay over the game's own ECS step.
 *
 * The predictor keeps a predicted world holding only the client's own entities. Each local input gets
 * a sequence number and is applied at once at the current predicted tick. Each authoritative state
 * (the own entities as of a server tick, with the highest input sequence number it includes) rewinds
 * the predicted world to it and replays the inputs it does not include, tick by tick, up to the
 * predicted tick; the distance between what had been predicted for that tick and what the server says
 * is the misprediction, and the drawn positions blend the correction away ({@link ErrorSmoother}).
 * Entities an input creates appear at once under negative local keys; when the state that includes the
 * input arrives they are matched to the server's new entities (nearest first), which take over their
 * drawn position, and those left unmatched fade out.
 *
 * Ticks: the predicted tick time is a real number on the server's tick count ({@link advance}); the
 * predicted world holds the state after tick `floor(tickTime) + 1` (the upcoming one), and
 * {@link display} interpolates between that tick and the one before. An input applies before the
 * upcoming tick's step.
 *
 * @typeParam I - the input's type
 * @example
 * ```ts
 * import { createWorld, defineComponent, type Entity } from '@orrery/ecs'
 * import { Predictor, type PredictionModel } from '@orrery/prediction'
 * const Body = defineComponent('Body', { x: 'f64', y: 'f64', vx: 'f64' })
 * const model: PredictionModel<number> = {
 *   components: [Body],
 *   applyInput: (world, vx) => world.query([Body]).forEach((e) => world.set(e, Body, 'vx', vx)),
 *   step: (world) =>
 *     world.query([Body]).forEach((e) => world.set(e, Body, 'x', world.read(e, Body, 'x') + world.read(e, Body, 'vx'))),
 *   position(world, e: Entity, out) {
 *     if (!world.has(e, Body)) return false
 *     out[0] = world.read(e, Body, 'x')
 *     out[1] = world.read(e, Body, 'y')
 *     return true
 *   },
 * }
 * const replica = createWorld({ components: [Body], trackChanges: false })
 * const me = replica.create()
 * replica.add(me, Body, { x: 0, y: 0, vx: 0 })
 * const predictor = new Predictor(model)
 * predictor.reconcile({ world: replica, entities: [me], tick: 10, serverTime: 500 }, 0)
 * predictor.advance(12) // the predicted world is at tick 13
 * predictor.input(1, 5, 0) // at once: x = 5 at tick 13
 * predictor.world.read(me, Body, 'x') // 5
 * ```
 * @see Gambetta, "Client-Side Prediction and Server Reconciliation", https://www.gabrielgambetta.com/client-side-prediction-server-reconciliation.html
 * @see Valve, "Source Multiplayer Networking" (input prediction), https://developer.valvesoftware.com/wiki/Source_Multiplayer_Networking
 * @see Fiedler, "State Synchronization" (smoothing), https://gafferongames.com/post/state_synchronization/
 */
export class Predictor<I> {
  /** The predicted world: the own entities at the upcoming predicted tick. Read it; do not write it. */
  readonly world: World
  /** The unacknowledged inputs. */
  readonly inputs: InputBuffer<I>
  /** Where the accuracy metrics go. */
  readonly metrics: PredictionMetrics
  /** The visual smoothing of corrections. */
  readonly smoother: ErrorSmoother
  /** Length of one tick, ms. */
  readonly tickMs: number
  /** A correction longer than this is a misprediction, world units. */
  readonly mispredictionThreshold: number
  /** Precision of authoritative positions, world units (0: exact). */
  readonly positionStep: number
  private readonly matchDistance: number
  private readonly base: World
  private readonly history: TickHistory
  private readonly context = { tick: 0, time: 0 }
  private readonly pos = new Float64Array(3)
  private readonly prev = new Float64Array(3)
  private readonly scratch: Entity[] = []
  private readonly baseEntities: Entity[] = []
  /** Entities whose estimated true position differs from the rounded one of the state, with that estimate. */
  private readonly estimated: Entity[] = []
  private readonly estimatedAt: number[] = []
  /** Estimates of the server's unrounded positions, when they arrive rounded (positionStep > 0). */
  private readonly rounded: RoundedPositions | undefined
  private readonly from = new Float64Array(3)
  private readonly estimate = new Float64Array(2)
  private readonly keys = new DisplayKeys()
  private readonly view: PredictedView
  private toBase: RowCopier | undefined
  private readonly toPredicted: RowCopier
  private baseTick = -1
  private baseTime = 0
  private ack: InputSeq | undefined = undefined
  private tickTime = 0
  private simulated = -1
  private ackNow = 0
  private ackMispredicted = false

  /**
   * @param model - the game's rules: components, input effect, step, position
   * @param options - see {@link PredictorOptions}
   * @throws {@link PredictionError} `ERR_INVALID_OPTION` on an option out of range
   */
  constructor(
    readonly model: PredictionModel<I>,
    options: PredictorOptions = {},
  ) {
    this.tickMs = 1000 / checkRange('tickRateHz', options.tickRateHz ?? 20, 0.001, 10_000)
    this.inputs = new InputBuffer<I>({ capacity: options.inputCapacity ?? 256 })
    this.metrics = options.metrics ?? new PredictionMetrics()
    this.smoother = new ErrorSmoother(options.smoothing)
    this.positionStep = checkRange('positionStep', options.positionStep ?? 0, 0)
    const tolerance = checkRange('positionTolerance', options.positionTolerance ?? 0, 0)
    this.rounded = this.positionStep > 0 ? new RoundedPositions(this.positionStep, tolerance) : undefined
    this.mispredictionThreshold = checkRange(
      'mispredictionThreshold',
      options.mispredictionThreshold ?? (this.positionStep > 0 ? 1.5 * (2 * tolerance + 1) * this.positionStep : 0.01),
      0,
    )
    this.matchDistance = checkRange('matchDistance', options.matchDistance ?? Number.POSITIVE_INFINITY, 0)
    const maxEntities = Math.floor(checkRange('maxEntities', options.maxEntities ?? 64, 1, 1 << 16))
    const historyTicks = Math.floor(checkRange('historyTicks', options.historyTicks ?? 128, 2, 1 << 16))
    this.history = new TickHistory(historyTicks, maxEntities)
    this.view = new PredictedView(this.history, this.smoother, maxEntities)
    this.world = createWorld({ components: model.components, trackChanges: false })
    this.base = createWorld({ components: model.components, trackChanges: false })
    this.toPredicted = new RowCopier(model.components, this.base, this.world)
  }

  /** The upcoming predicted tick: the predicted world holds the state after its step. */
  get tick(): number {
    return Math.floor(this.tickTime) + 1
  }

  /** The tick of the last authoritative state, or -1 before the first. */
  get authoritativeTick(): number {
    return this.baseTick
  }

  /** The highest acknowledged input sequence number, or undefined. */
  get acknowledged(): InputSeq | undefined {
    return this.ack
  }

  /**
   * Records a local input and applies it at once (before the upcoming tick's step), by rewinding to
   * the last authoritative state and replaying. Before the first authoritative state it is only kept.
   * Call {@link advance} with the current predicted tick time first: the input belongs to the tick
   * predicted for the moment it is sent.
   *
   * @param seq - its sequence number, a u32 after the previous input's (use the reducer call's `requestId`)
   * @param input - the input
   * @param now - current time, ms (for the input-to-acknowledgement latency)
   * @throws {@link PredictionError} `ERR_SEQUENCE_ORDER` when `seq` is not after the previous input's
   */
  input(seq: InputSeq, input: I, now: number): void {
    this.inputs.push(seq, input, this.tick, now)
    if (this.baseTick >= 0) this.simulate()
  }

  /**
   * Moves an unacknowledged input to the tick it will now take effect at (e.g. it was sent later than
   * planned, so it reaches the server in a later tick), replaying and smoothing the change like a
   * correction. Does nothing for an input that is not held or already at that tick.
   *
   * @param seq - the input's sequence number
   * @param tick - the tick it takes effect at (applied before that tick's step)
   * @param now - current time, ms (smoothing)
   * @returns whether the input moved
   * @example
   * ```ts
   * declare const predictor: Predictor<{ dirX: number }>
   * declare const clockTickAtArrival: number // the server tick the input's result arrived at
   * predictor.retime(7, clockTickAtArrival + 1, performance.now())
   * ```
   */
  retime(seq: InputSeq, tick: number, now: number): boolean {
    const i = this.inputs.indexOf(seq)
    if (i < 0 || this.inputs.tickAt(i) === tick) return false
    this.inputs.setTickAt(i, tick)
    if (this.baseTick < 0) return true
    this.view.beforeCorrection(this.tickTime, now)
    this.simulate()
    this.view.afterCorrection(this.tickTime, now, this.matchDistance)
    return true
  }

  /**
   * Moves the predicted tick time forward and steps the predicted world up to tick `floor(tickTime) + 1`.
   * A time before the current one is ignored (predicted time never goes back).
   *
   * @param tickTime - predicted time on the server's tick count, in ticks (e.g. from {@link ServerClock.predictedTick})
   */
  advance(tickTime: number): void {
    if (!(tickTime > this.tickTime)) return
    this.tickTime = tickTime
    if (this.baseTick < 0) return
    const target = this.tick
    for (let t = this.simulated + 1; t <= target; t++) this.stepTo(t, false)
  }

  /**
   * Reconciles with an authoritative state: measures the misprediction at its tick, drops the inputs it
   * acknowledges, rewinds the predicted world to it, replays the rest, smooths the drawn correction and
   * matches predicted creations to the server's entities.
   *
   * @param state - the own entities as of a server tick, with the acknowledgement
   * @param now - current time, ms (smoothing and metrics)
   * @returns what changed, see {@link ReconcileReport}
   * @throws {@link PredictionError} `ERR_OUT_OF_ORDER` when the tick or the acknowledgement goes back;
   *   `ERR_TOO_MANY_ENTITIES` past `maxEntities`
   */
  reconcile(state: AuthoritativeState, now: number): ReconcileReport {
    if (state.tick < this.baseTick) {
      throw new PredictionError('ERR_OUT_OF_ORDER', `state of tick ${state.tick} after tick ${this.baseTick}`)
    }
    if (state.ack !== undefined && this.ack !== undefined && seqAfter(this.ack, state.ack)) {
      throw new PredictionError('ERR_OUT_OF_ORDER', `acknowledgement ${state.ack} after ${this.ack}`)
    }
    // 1. The misprediction: what was predicted for this tick against what the server says. With rounded
    // positions, against the estimate of the server's true position (see RoundedPositions).
    let correction = 0
    let compared = false
    const rounded = this.rounded
    this.estimated.length = 0
    this.estimatedAt.length = 0
    rounded?.begin()
    for (let i = 0; i < state.entities.length; i++) {
      const e = state.entities[i] as Entity
      if (!this.model.position(state.world, e, this.pos)) continue
      const predicted = this.history.find(state.tick, e, this.prev)
      if (rounded !== undefined) {
        const based = this.baseTick >= 0 && this.base.isAlive(e) && this.model.position(this.base, e, this.from)
        const est = this.estimate
        const p = this.prev
        const f = this.from
        if (rounded.observe(e, this.pos[0] as number, this.pos[1] as number, p[0] as number, p[1] as number, predicted, f[0] as number, f[1] as number, based, est)) {
          this.estimated.push(e)
          this.estimatedAt.push(est[0] as number, est[1] as number)
        }
        if (!predicted) continue
        correction = Math.max(correction, rounded.correction)
      } else {
        if (!predicted) continue
        correction = Math.max(correction, Math.hypot((this.pos[0] as number) - (this.prev[0] as number), (this.pos[1] as number) - (this.prev[1] as number)))
      }
      compared = true
    }
    const mispredicted = compared && this.metrics.recordCorrection(correction, this.mispredictionThreshold, now)
    let acknowledged = 0
    if (state.ack !== undefined) {
      this.ackNow = now
      this.ackMispredicted = mispredicted
      acknowledged = this.inputs.acknowledge(state.ack, this.onAcknowledged)
      this.ack = state.ack
    }
    // 2. What is drawn now, to blend from.
    this.view.beforeCorrection(this.tickTime, now)
    // 3. Rewind: the authoritative rows become the base; replay up to the predicted tick.
    if (this.toBase === undefined || this.toBase.source !== state.world) {
      this.toBase = new RowCopier(this.model.components, state.world, this.base)
    }
    clearWorld(this.base, this.scratch)
    this.baseEntities.length = 0
    for (let i = 0; i < state.entities.length; i++) {
      const e = state.entities[i] as Entity
      if (this.toBase.copy(e)) this.baseEntities.push(e)
    }
    // With rounded positions the base takes the estimates of the server's true ones, so that the replay
    // does not start from a rounded position.
    const setPosition = this.model.setPosition
    if (setPosition !== undefined) {
      for (let i = 0; i < this.estimated.length; i++) {
        setPosition.call(this.model, this.base, this.estimated[i] as Entity, this.estimatedAt[2 * i] as number, this.estimatedAt[2 * i + 1] as number)
      }
    }
    this.baseTick = state.tick
    this.baseTime = state.serverTime
    if (this.tick <= state.tick) this.tickTime = state.tick
    this.keys.prune(this.baseTick, this.ack)
    this.simulate()
    // 4. Smoothing and predicted creation.
    const result = this.view.afterCorrection(this.tickTime, now, this.matchDistance)
    return { acknowledged, correction, mispredicted, matched: result.matched, rejected: result.rejected }
  }

  /**
   * The own entities as drawn at `now`: interpolated between the last two predicted ticks by the
   * fraction of the tick time, plus each one's decaying visual offset; then rejected creations fading
   * out. The array and its objects are reused by the next call.
   *
   * @param now - current time, ms (smoothing and fading)
   * @returns the drawn bodies, see {@link PredictedBody}
   */
  display(now: number): readonly PredictedBody[] {
    return this.view.display(this.tickTime, now, this.keys.entityOf)
  }

  /**
   * Forgets every state, input, offset and creation, the acknowledgement and the sequence order (after a
   * resynchronization or a new session); the next {@link reconcile} starts afresh.
   */
  reset(): void {
    clearWorld(this.world, this.scratch)
    clearWorld(this.base, this.scratch)
    this.inputs.clear()
    this.history.clear()
    this.smoother.clear()
    this.keys.clear()
    this.view.clear()
    this.rounded?.clear()
    this.baseTick = -1
    this.simulated = -1
    this.tickTime = 0
    this.ack = undefined
  }

  private readonly onAcknowledged = (_seq: InputSeq, sentAt: number): void => {
    this.metrics.recordAcknowledged(this.ackNow - sentAt, this.ackMispredicted)
  }

  /** Rewind to the base and replay the unacknowledged inputs up to the upcoming tick. */
  private simulate(): void {
    clearWorld(this.world, this.scratch)
    this.keys.clearEntities()
    for (let i = 0; i < this.baseEntities.length; i++) {
      const e = this.baseEntities[i] as Entity
      this.toPredicted.copy(e)
      this.keys.own(e)
    }
    this.simulated = this.baseTick
    this.record(this.baseTick)
    const target = this.tick
    for (let t = this.baseTick + 1; t <= target; t++) this.stepTo(t, t === this.baseTick + 1)
  }

  /** Applies the inputs due at tick `t` (and, on the first replayed tick, every earlier one), steps, records. */
  private stepTo(t: number, first: boolean): void {
    const ctx = this.context
    ctx.tick = t
    ctx.time = this.baseTime + (t - this.baseTick) * this.tickMs
    for (let i = 0; i < this.inputs.size; i++) {
      const due = this.inputs.tickAt(i)
      if (due !== t && !(first && due < t)) continue
      const count = this.world.entityCount
      try {
        this.world.transaction(() => this.model.applyInput(this.world, this.inputs.inputAt(i), ctx as StepContext))
      } catch {
        // Rolled back and skipped, as the server does with a reducer that throws.
      }
      if (this.world.entityCount !== count) this.keys.keyCreations(this.world, `${this.inputs.seqAt(i)}`, this.inputs.seqAt(i), t)
    }
    const count = this.world.entityCount
    try {
      this.world.transaction(() => this.model.step(this.world, ctx as StepContext))
    } catch {
      // Rolled back, as the server does with a system that throws.
    }
    if (this.world.entityCount !== count) this.keys.keyCreations(this.world, `t${t}`, undefined, t)
    this.simulated = t
    this.record(t)
  }

  private record(t: number): void {
    this.history.begin(t)
    for (const e of this.world.entities()) {
      const key = this.keys.key(e)
      if (key === undefined) continue
      this.pos[2] = 0
      if (this.model.position(this.world, e, this.pos)) {
        this.history.add(t, key, this.pos[0] as number, this.pos[1] as number, this.pos[2] as number)
      }
    }
  }
}
