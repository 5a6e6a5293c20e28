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
import { RttWarmup, type RttWarmupOptions } from './rtt-warmup.js'

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
   * a tick interval starts and `lateMarginTicks` before it ends, so that it is applied at the tick it was
   * predicted at. Default 0.5 and 0.5: every input is aimed at the middle of its tick interval, 25 ms
   * from either edge at 20 Hz, which leaves room for the simulated jitter (±10 ms each way) plus 15 ms of
   * error in the arrival estimate on either side. (Aiming 15 ms after the start, as before, failed as soon
   * as the round-trip estimate was 5 ms too long, which the connection's smoothed RTT often is on a busy
   * machine.) Both 0 send at once.
   */
  readonly marginTicks?: number
  /** See {@link OwnCirclePredictionOptions.marginTicks}. */
  readonly lateMarginTicks?: number
  /**
   * Correct the predicted arrival of inputs by what the acknowledgements show ({@link ArrivalCalibration}:
   * one step toward the truth for each input that landed in another tick than predicted; default true).
   * The acknowledgements are the only ground truth of where inputs land: they absorb a round trip that
   * the first Pong got wrong, a server whose ticks run late, and the event-loop delays of a busy client.
   */
  readonly calibrateArrival?: boolean
  /**
   * When the arrival estimate (the updates' median receive offset plus the round trip) counts as settled
   * enough to start predicting ({@link RttWarmup}; default: known for 2 s and within 4 ms over the last
   * second, or known for 8 s). Until then inputs are sent unpredicted and the own circles drawn like
   * everyone else's.
   */
  readonly warmup?: RttWarmupOptions
  /** Runs `fn` after `delayMs` (default `setTimeout`). */
  readonly schedule?: (fn: () => void, delayMs: number) => void
}

/**
 * Ping interval for a connection that predicts, ms (the connection's default is 2 000). The round trip
 * decides which tick an input is predicted to land in, and the connection smooths its samples with a
 * gain of 1/8 (RFC 6298), so its estimate forgets a first sample 20 ms off only after some 16 more:
 * half a minute at the default, 4 s at this interval. Four small frames a second each way.
 */
export const PREDICTION_PING_INTERVAL_MS = 250

/** An input predicted at once and waiting for its send time. */
interface Outgoing {
  /** Prediction generation it was predicted in (a restart forgets older ones). */
  readonly generation: number
  readonly local: number
  readonly input: BlackholioInput
  readonly at: number
  readonly done: (result: Promise<unknown>) => void
}

/** An input sent and not yet acknowledged. */
interface Sent {
  /** Its call's requestId (-1 until sent). */
  requestId: number
  /** Its local sequence number in the predictor. */
  readonly local: number
  /** Predicted arrival when sent, tick time, without the calibration. */
  raw: number
  /** The calibration's bias it was sent with, ticks. */
  bias: number
  readonly input: BlackholioInput
}

const NO_BODIES: readonly PredictedBody[] = []

/**
 * The demo's prediction adapter: sends the player's inputs as reducer calls whose requestIds are the
 * input sequence numbers, predicts the own circles with the server's movement code, reconciles on every
 * applied update with the server's acknowledgement, and keeps a server clock for the predicted tick.
 *
 * Each update's `ack` (protocol 2.0) says which inputs its state includes. Prediction starts once the
 * connection's round trip has settled (`warmup`); until then {@link active} is false and the own
 * circles are drawn like everyone else's. Positions reach the replica rounded to 1/16: the predictor
 * estimates the server's true ones from them (its `positionStep`), see {@link blackholioModel}.
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
  private readonly warmup: RttWarmup
  private readonly schedule: (fn: () => void, delayMs: number) => void
  private readonly outgoing: Outgoing[] = []
  /** Sent inputs not yet acknowledged, in order. */
  private readonly sent: Sent[] = []
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
    this.marginTicks = options.marginTicks ?? 0.5
    this.lateMarginTicks = options.lateMarginTicks ?? 0.5
    this.calibrateArrival = options.calibrateArrival ?? true
    this.warmup = new RttWarmup(options.warmup)
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
        // The player and its circles: 16 by the rules, more for a player whose circles were kept while it
        // was away and who spawned again meanwhile.
        maxEntities: 64,
        // Replica positions are rounded to 1/16 on the wire: the predictor estimates the server's true ones
        // (RoundedPositions), and a correction below 1.5 steps can be that rounding, not a misprediction.
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
   * Whether the own circles are predicted now: prediction is on and the round trip has settled (see
   * `warmup`; until then inputs are sent unpredicted).
   */
  get active(): boolean {
    return this.enabledFlag && this.rttKnown()
  }

  /** Whether prediction is on but still waiting for the round trip (and the warm-up) to start. */
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
      this.sent.push({ requestId: -1, local, raw: 0, bias: 0, input })
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
      this.sent.push({ requestId: -1, local: o.local, raw: 0, bias: 0, input: o.input })
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

  /** Whether the arrival estimate (receive offset plus round trip) is known and settled (see {@link RttWarmup}). */
  private rttKnown(): boolean {
    const rtt = this.link.rttMs()
    const known = rtt > 0 && this.clock.synchronized
    return this.warmup.ready(known ? this.clock.receiveOffsetMs + rtt : undefined, this.now())
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
      const bias = this.calibrateArrival ? this.calibration.biasTicks : 0
      this.predictor.retime(local, Math.floor(raw + bias) + 1, sentAt)
      const entry = this.sent.find((e) => e.local === local)
      if (entry !== undefined) {
        entry.requestId = seq
        entry.raw = raw
        entry.bias = bias
      }
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
        const entry = this.sent[0] as Sent
        if (entry.requestId < 0 || entry.requestId > u.ack) break
        this.localAck = entry.local
        if (entry.input.kind === 'steer') this.acknowledgedSteering = entry.input
        this.sent.shift()
        // It arrived after the previous update's tick and before this one's step.
        if (previousTick >= 0 && this.calibrateArrival) this.calibration.observe(entry.raw, previousTick, u.tick, entry.bias)
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
