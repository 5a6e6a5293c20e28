import type { Entity } from '@orrery/ecs'
import { MOVE_INTERVAL_MS } from '@orrery/demo-shared'
import {
  type PredictedBody,
  PredictionMetrics,
  type PredictionMetricsSnapshot,
  Predictor,
  ServerClock,
  type SmoothingOptions,
} from '@orrery/prediction'
import { type BlackholioInput, blackholioModel } from './blackholio-model.js'
import type { PredictionLink, UpdateInfo } from './prediction-link.js'

/** Options of {@link OwnCirclePrediction}. */
export interface OwnCirclePredictionOptions {
  /** Predict the own circles (default true); off, they are interpolated like everyone else's. */
  readonly enabled?: boolean
  /** Visual smoothing of corrections (default 150 ms, snap beyond 100 world units). */
  readonly smoothing?: SmoothingOptions
  /** Local clock, ms (default `performance.now`). */
  readonly now?: () => number
}

const NO_BODIES: readonly PredictedBody[] = []

/**
 * The demo's prediction adapter: sends the player's inputs as reducer calls whose requestIds are the
 * input sequence numbers, predicts the own circles with the server's movement code, reconciles on every
 * applied update with the server's acknowledgement, and keeps a server clock for the predicted tick.
 *
 * Prediction needs the server to acknowledge inputs (the `ack` of each update): until an update carries
 * one, {@link active} stays false and the own circles are drawn like everyone else's.
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
  private enabledFlag: boolean
  private acknowledging = false

  /**
   * @param link - the connection, see {@link PredictionLink}
   * @param options - enabled, smoothing, clock
   */
  constructor(link: PredictionLink, options: OwnCirclePredictionOptions = {}) {
    this.link = link
    this.now = options.now ?? (() => performance.now())
    this.enabledFlag = options.enabled ?? true
    const tickRateHz = 1000 / MOVE_INTERVAL_MS
    this.clock = new ServerClock({ tickRateHz })
    this.predictor = new Predictor(
      blackholioModel(() => link.player()),
      {
        tickRateHz,
        maxEntities: 32,
        metrics: this.metrics,
        ...(options.smoothing === undefined ? {} : { smoothing: options.smoothing }),
      },
    )
    this.off = link.onUpdate((u) => this.onUpdate(u))
  }

  /** Whether the own circles are predicted now: prediction is on and the server acknowledges inputs. */
  get active(): boolean {
    return this.enabledFlag && this.acknowledging
  }

  /** Whether prediction is switched on. */
  get enabled(): boolean {
    return this.enabledFlag
  }

  /** Whether the server's updates carry the input acknowledgement prediction needs. */
  get serverAcknowledges(): boolean {
    return this.acknowledging
  }

  /** Switches prediction on or off (key P); on again, it starts from the next update. */
  setEnabled(enabled: boolean): void {
    if (enabled === this.enabledFlag) return
    this.enabledFlag = enabled
    this.predictor.reset()
  }

  /** Sends a steering vector and predicts it at once. */
  steer(dirX: number, dirY: number): void {
    const seq = this.link.call({ reducer: 'updatePlayerInput', dirX, dirY })
    if (seq >= 0 && this.active) this.predictor.input(seq, { kind: 'steer', dirX, dirY }, this.now())
  }

  /** Sends a split and predicts it at once. */
  split(): void {
    const seq = this.link.call({ reducer: 'playerSplit' })
    if (seq >= 0 && this.active) this.predictor.input(seq, { kind: 'split' }, this.now())
  }

  /**
   * Advances prediction to now and returns the own circles as drawn (empty while not {@link active}).
   * The array and its objects are reused by the next call.
   */
  frame(): readonly PredictedBody[] {
    if (!this.active) return NO_BODIES
    const now = this.now()
    this.predictor.advance(this.clock.predictedTick(now, this.link.rttMs()))
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
    this.clock.observe(u.serverTime, u.tick, now, this.link.rttMs())
    if (u.ack !== undefined) this.acknowledging = true
    if (!this.active) return
    if (u.tick < this.predictor.authoritativeTick) this.predictor.reset()
    this.predictor.reconcile(
      {
        world: this.link.world,
        entities: this.link.ownEntities(this.own),
        tick: u.tick,
        serverTime: u.serverTime,
        ack: u.ack ?? this.predictor.acknowledged,
      },
      now,
    )
  }
}
