import type { Entity } from '@orrery/ecs'
import { MOVE_INTERVAL_MS, POSITION_STEP } from '@orrery/demo-shared'
import {
  ArrivalCalibration,
  type PredictedBody,
  PredictionMetrics,
  type PredictionMetricsSnapshot,
  Predictor,
  ServerClock,
  type SmoothingOptions,
} from '@orrery/prediction'
import { type BlackholioInput, blackholioModel, type SteerInput } from './blackholio-model.js'
import type { PredictionLink, UpdateInfo } from './prediction-link.js'

/** Options of {@link OwnCirclePrediction}. */
export interface OwnCirclePredictionOptions {
  /** Predict the own circles (default true); off, they are interpolated like everyone else's. */
  readonly enabled?: boolean
  /** Visual smoothing of corrections (default 150 ms, snap beyond 100 world units). */
  readonly smoothing?: SmoothingOptions
  /** Local clock, ms (default `performance.now`). */
  readonly now?: () => number
  /**
   * Landing margins, ticks: each input is held until it reaches the server at least `marginTicks` after
   * a tick interval starts (default 0.3: 15 ms at 20 Hz, against early jitter) and `lateMarginTicks`
   * before it ends (default 0.6: 30 ms, against jitter, a busy server and late timers), so that it is
   * applied at the tick it was predicted at. Both 0 send at once.
   */
  readonly marginTicks?: number
  /** See {@link OwnCirclePredictionOptions.marginTicks}. */
  readonly lateMarginTicks?: number
  /**
   * Correct the predicted arrival of inputs by what the acknowledgements show ({@link ArrivalCalibration};
   * default false: with the round trip from the connection's Ping, headless runs at 75 ± 10 ms each way
   * mispredicted as many inputs with it as without, within the runs' spread on a shared machine (6–18 %),
   * but corrected further with it (95th percentile 13–19 world units against 7–16 without); timing the
   * round trip from call to result, which waits for the tick's end, mispredicted 78 % of inputs, 38 %
   * with the correction).
   */
  readonly calibrateArrival?: boolean
  /** Runs `fn` after `delayMs` (default `setTimeout`). */
  readonly schedule?: (fn: () => void, delayMs: number) => void
}

/** An input predicted at once and waiting for its send time. */
interface Outgoing {
  /** Prediction generation it was predicted in (a restart forgets older ones). */
  readonly generation: number
  readonly local: number
  readonly input: BlackholioInput
  readonly at: number
  readonly done: (result: Promise<unknown>) => void
}

const NO_BODIES: readonly PredictedBody[] = []

/**
 * The demo's prediction adapter: sends the player's inputs as reducer calls whose requestIds are the
 * input sequence numbers, predicts the own circles with the server's movement code, reconciles on every
 * applied update with the server's acknowledgement, and keeps a server clock for the predicted tick.
 *
 * Each update's `ack` (protocol 2.0) says which inputs its state includes. Prediction starts once the
 * connection knows the round trip (its first Pong); until then {@link active} is false and the own
 * circles are drawn like everyone else's. Positions are compared at the wire's precision (1/16): see
 * {@link blackholioModel} and the predictor's `positionStep`.
 *
 * @example
 * const prediction = new OwnCirclePrediction(clientLink(client))
 * prediction.steer(0.5, 0)
 * for (const body of prediction.frame()) draw(body)
 */
export class OwnCirclePrediction {
  /** The predictor (its metrics, its predicted world). */
  readonly predictor: Predictor<BlackholioInput>
  /** The server clock estimate. */
  readonly clock: ServerClock
  /** Where prediction's accuracy is recorded. */
  readonly metrics = new PredictionMetrics()
  private readonly link: PredictionLink
  private readonly now: () => number
  private readonly own: Entity[] = []
  private readonly off: () => void
  private readonly marginTicks: number
  private readonly lateMarginTicks: number
  private readonly calibrateArrival: boolean
  private readonly schedule: (fn: () => void, delayMs: number) => void
  private readonly outgoing: Outgoing[] = []
  /** [requestId, local sequence number, predicted arrival without the calibration, input] of sent inputs not yet acknowledged, in order. */
  private readonly sent: [number, number, number, BlackholioInput][] = []
  /** The last steering input the server acknowledged (the model restores its exact direction, see {@link blackholioModel}). */
  private acknowledgedSteering: SteerInput | undefined = undefined
  /** Learns from acknowledgements how far the predicted arrival of inputs is off. */
  readonly calibration = new ArrivalCalibration()
  private lastUpdateTick = -1
  private nextLocal = 1
  private generation = 0
  private localAck = 0
  private lastSendAt = 0
  private enabledFlag: boolean

  /**
   * @param link - the connection, see {@link PredictionLink}
   * @param options - enabled, smoothing, clock
   */
  constructor(link: PredictionLink, options: OwnCirclePredictionOptions = {}) {
    this.link = link
    this.now = options.now ?? (() => performance.now())
    this.enabledFlag = options.enabled ?? true
    this.marginTicks = options.marginTicks ?? 0.3
    this.lateMarginTicks = options.lateMarginTicks ?? 0.6
    this.calibrateArrival = options.calibrateArrival ?? false
    this.schedule = options.schedule ?? ((fn, delayMs) => setTimeout(fn, delayMs))
    const tickRateHz = 1000 / MOVE_INTERVAL_MS
    this.clock = new ServerClock({ tickRateHz })
    this.predictor = new Predictor(
      blackholioModel(
        () => link.player(),
        () => this.acknowledgedSteering,
      ),
      {
        tickRateHz,
        maxEntities: 32,
        // Replica positions are rounded to 1/16 on the wire: predictions are rounded the same way before
        // they are compared, and a correction of up to one step per axis is that rounding, not a misprediction.
        positionStep: POSITION_STEP,
        metrics: this.metrics,
        ...(options.smoothing === undefined ? {} : { smoothing: options.smoothing }),
      },
    )
    const offUpdate = link.onUpdate((u) => this.onUpdate(u))
    // A new session numbers its calls afresh: what was sent before will never be acknowledged.
    const offSession = link.onSession(() => this.restart())
    this.off = () => {
      offUpdate()
      offSession()
    }
  }

  /**
   * Whether the own circles are predicted now: prediction is on and the round trip is known (the
   * connection's first Pong came back; until then inputs are sent unpredicted).
   */
  get active(): boolean {
    return this.enabledFlag && this.rttKnown()
  }

  /** Whether prediction is on but still waiting for the round trip to start. */
  get warmingUp(): boolean {
    return this.enabledFlag && !this.rttKnown()
  }

  /** Whether prediction is switched on. */
  get enabled(): boolean {
    return this.enabledFlag
  }

  /** Switches prediction on or off (key P); on again, it starts from the next update. */
  setEnabled(enabled: boolean): void {
    if (enabled === this.enabledFlag) return
    this.enabledFlag = enabled
    this.restart()
  }

  /** Starts prediction afresh (inputs still waiting are sent, but no longer predicted). */
  private restart(): void {
    this.predictor.reset()
    this.sent.length = 0
    this.nextLocal = 1
    this.localAck = 0
    this.generation++
  }

  /**
   * Predicts a steering vector at once and sends it (held until it lands safely inside its tick, see
   * `marginTicks`).
   * @returns the call's result (the server's answer)
   */
  steer(dirX: number, dirY: number): Promise<unknown> {
    return this.submit({ kind: 'steer', dirX, dirY })
  }

  /**
   * Predicts a split at once and sends it.
   * @returns the call's result (the server's answer)
   */
  split(): Promise<unknown> {
    return this.submit({ kind: 'split' })
  }

  /**
   * Inputs carry local sequence numbers: an input is predicted before it is sent, so before its
   * requestId exists. Each requestId is paired with its local number when the call goes out (in order),
   * and an acknowledgement (a requestId) becomes the local number of the last input sent with one at
   * or below it.
   */
  private submit(input: BlackholioInput): Promise<unknown> {
    const now = this.now()
    if (!this.active) return this.send(input)
    const rtt = this.rtt()
    // The input belongs to the tick predicted for now, not for the last frame.
    const calibrated = this.calibrated(now)
    this.predictor.advance(this.clock.predictedTick(calibrated, rtt, this.lateMarginTicks))
    const local = this.nextLocal++
    this.predictor.input(local, input, now)
    const at = Math.max(this.lastSendAt, now + this.clock.sendDelayMs(calibrated, rtt, this.marginTicks, this.lateMarginTicks))
    this.lastSendAt = at
    if (at <= now && this.outgoing.length === 0) {
      this.sent.push([-1, local, 0, input])
      return this.send(input, local)
    }
    return new Promise<Promise<unknown>>((resolve) => {
      this.outgoing.push({ generation: this.generation, local, input, at, done: resolve })
      if (this.outgoing.length === 1) this.schedule(() => this.flush(), at - now)
    }).then((result) => result)
  }

  private flush(): void {
    const now = this.now()
    while (this.outgoing.length > 0 && (this.outgoing[0] as Outgoing).at <= now + 0.5) {
      const o = this.outgoing.shift() as Outgoing
      if (o.generation !== this.generation) {
        o.done(this.send(o.input))
        continue
      }
      this.sent.push([-1, o.local, 0, o.input])
      o.done(this.send(o.input, o.local))
    }
    const head = this.outgoing[0]
    if (head !== undefined) this.schedule(() => this.flush(), head.at - now)
  }

  /**
   * The round trip: the connection's Ping estimate. Call to result would overstate it: the server
   * answers a call after the update holding its effects, at the end of the tick that ran it.
   */
  private rtt(): number {
    return this.link.rttMs()
  }

  /** `now` shifted by the learnt arrival error, for the clock's arrival-based predictions. */
  private calibrated(now: number): number {
    return this.calibrateArrival ? now + this.calibration.biasTicks * this.clock.tickMs : now
  }

  private rttKnown(): boolean {
    return this.link.rttMs() > 0
  }

  private send(input: BlackholioInput, local?: number): Promise<unknown> {
    const sentAt = this.now()
    const { seq, result } =
      input.kind === 'steer'
        ? this.link.call({ reducer: 'updatePlayerInput', dirX: input.dirX, dirY: input.dirY })
        : this.link.call({ reducer: 'playerSplit' })
    if (local !== undefined) {
      // Sent later than planned (a late timer, an earlier input holding it back): it takes effect at the
      // tick it now reaches the server in.
      const raw = this.clock.predictedTick(sentAt, this.rtt())
      this.predictor.retime(local, Math.floor(raw + (this.calibrateArrival ? this.calibration.biasTicks : 0)) + 1, sentAt)
      const entry = this.sent.find((e) => e[1] === local)
      if (entry !== undefined) entry[2] = raw
      if (entry !== undefined) entry[0] = seq
      // Not sent (the connection is down): it will never be acknowledged, so prediction starts afresh.
      if (seq < 0) this.restart()
    }
    return result
  }

  /**
   * Advances prediction to now and returns the own circles as drawn (empty while not {@link active}).
   * The array and its objects are reused by the next call.
   */
  frame(): readonly PredictedBody[] {
    if (!this.active) return NO_BODIES
    const now = this.now()
    this.predictor.advance(this.clock.predictedTick(this.calibrated(now), this.rtt(), this.lateMarginTicks))
    return this.predictor.display(now)
  }

  /** Accuracy figures (mispredictions per second, corrections, input-to-acknowledgement latency). */
  stats(): PredictionMetricsSnapshot {
    return this.metrics.snapshot(this.now())
  }

  /** Stops listening to updates. */
  close(): void {
    this.off()
  }

  private onUpdate(u: UpdateInfo): void {
    const now = this.now()
    this.clock.observe(u.serverTime, u.tick, now, this.rtt())
    const previousTick = this.lastUpdateTick
    this.lastUpdateTick = u.tick
    if (!this.active) return
    if (u.tick < this.predictor.authoritativeTick) this.restart()
    if (u.ack !== undefined) {
      while (this.sent.length > 0) {
        const [requestId, local, raw, input] = this.sent[0] as [number, number, number, BlackholioInput]
        if (requestId < 0 || requestId > u.ack) break
        this.localAck = local
        if (input.kind === 'steer') this.acknowledgedSteering = input
        this.sent.shift()
        // It arrived after the previous update's tick and before this one's step.
        if (previousTick >= 0) this.calibration.observe(raw, previousTick, u.tick)
      }
    }
    this.predictor.reconcile(
      {
        world: this.link.world,
        entities: this.link.ownEntities(this.own),
        tick: u.tick,
        serverTime: u.serverTime,
        ack: this.localAck,
      },
      now,
    )
  }
}
