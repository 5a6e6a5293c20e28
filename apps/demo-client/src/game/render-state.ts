import { CONSUME_ANIMATION_MS, MOVE_INTERVAL_MS, massToRadius } from '@orrery/demo-shared'
import { defaultInterpolationDelayMs, type PredictionMetrics, SnapshotInterpolator } from '@orrery/prediction'

/** What a body is, for drawing: food, a player's circle, or not known yet. */
export type BodyKind = 'food' | 'circle' | 'unknown'

/** A body as drawn: where it is on screen now. */
export interface RenderedBody {
  /** Drawn centre x, world units. */
  x: number
  /** Drawn centre y, world units. */
  y: number
  /** Drawn radius, world units. */
  radius: number
  /** Radius of the server mass, world units. */
  targetRadius: number
  /** Food, circle, or not known yet (its Circle/Food row may arrive after its Body row). */
  kind: BodyKind
  /** Owning player's entity for circles, 0 otherwise. */
  owner: number
}

/** A circle only prediction knows: a predicted creation not yet confirmed, or a rejected one fading out. */
export interface PredictedExtra {
  /** Drawn x, world units. */
  x: number
  /** Drawn y, world units. */
  y: number
  /** Drawn radius, world units. */
  radius: number
  /** Owning player's entity. */
  owner: number
  /** 1, or less while fading out. */
  opacity: number
}

/** Options of {@link RenderState}. */
export interface RenderStateOptions {
  /** How far in the past bodies are drawn, ms (default two move steps: 100 ms at 20 Hz). */
  readonly interpolationDelayMs?: number
  /** Longest extrapolation past the newest snapshot when updates are late, ms (default 100). */
  readonly maxExtrapolationMs?: number
  /** Where to record interpolation buffer depth and extrapolated time. */
  readonly metrics?: PredictionMetrics
}

/** A body that left the world and is being animated out. */
export interface DyingBody {
  /** Drawn x when it left, world units. */
  readonly fromX: number
  /** Drawn y when it left, world units. */
  readonly fromY: number
  /** Drawn radius when it left, world units. */
  readonly fromRadius: number
  /** What it was. */
  readonly kind: BodyKind
  /** Owning player's entity for circles, 0 otherwise. */
  readonly owner: number
  /** When it left, ms. */
  readonly startedAt: number
  /** The entity that ate it (the body slides into it), or null (it shrinks in place). */
  consumer: number | null
  /** Drawn x now, updated by {@link RenderState.advance}. */
  x: number
  /** Drawn y now. */
  y: number
  /** Drawn radius now. */
  radius: number
}

/**
 * The drawn state of every body: snapshot interpolation from `@orrery/prediction` (each body drawn an
 * interpolation delay in the past, between the two positions the server gave it around that time, with
 * bounded extrapolation when updates are late), radii eased toward their mass, and eaten bodies animated
 * into their eater over 200 ms. Snapshot times are the caller's clock at reception.
 *
 * A departure from the reference client, which moves each entity toward its latest server position over
 * 100 ms: snapshot interpolation draws the positions a body really had, at an even pace under jitter.
 *
 * @example
 * const state = new RenderState()
 * state.upsert(e, 10, 20, 15, performance.now())
 * state.advance(performance.now(), 16)
 * @see Valve, "Source Multiplayer Networking" (entity interpolation, 100 ms at 20 updates per second)
 */
export class RenderState {
  /** Bodies in the world, by entity. */
  readonly bodies = new Map<number, RenderedBody>()
  /** Bodies being animated out, by entity. */
  readonly dying = new Map<number, DyingBody>()
  /** Circles only prediction knows (predicted creations), drawn with the rest; refilled every frame. */
  readonly predicted: PredictedExtra[] = []
  /** How far in the past bodies are drawn, ms. */
  readonly interpolationDelayMs: number
  private readonly pendingConsumes = new Map<number, number>()
  private readonly snapshots: SnapshotInterpolator
  private readonly snapshot = new Float64Array(2)
  private readonly sampled = new Float64Array(2)

  /** @param options - interpolation delay, extrapolation bound, metrics */
  constructor(options: RenderStateOptions = {}) {
    this.interpolationDelayMs = options.interpolationDelayMs ?? defaultInterpolationDelayMs(1000 / MOVE_INTERVAL_MS)
    this.snapshots = new SnapshotInterpolator({
      fields: 2,
      maxExtrapolationMs: options.maxExtrapolationMs ?? 100,
      ...(options.metrics === undefined ? {} : { metrics: options.metrics }),
    })
  }

  /**
   * Records a body's server position and mass (on insert or update).
   *
   * @param e - the entity
   * @param x - server x, world units
   * @param y - server y, world units
   * @param mass - server mass
   * @param now - current time, ms
   */
  upsert(e: number, x: number, y: number, mass: number, now: number): void {
    this.snapshot[0] = x
    this.snapshot[1] = y
    this.snapshots.push(e, now, this.snapshot)
    const b = this.bodies.get(e)
    const radius = massToRadius(mass)
    if (b === undefined) {
      this.dying.delete(e)
      this.bodies.set(e, { x, y, radius, targetRadius: radius, kind: 'unknown', owner: 0 })
      return
    }
    b.targetRadius = radius
  }

  /**
   * Sets what a body is (from its Circle or Food row).
   *
   * @param e - the entity
   * @param kind - 'food' or 'circle'
   * @param owner - the owning player's entity for circles, 0 for food
   */
  classify(e: number, kind: BodyKind, owner: number): void {
    const b = this.bodies.get(e)
    if (b === undefined) return
    b.kind = kind
    b.owner = owner
  }

  /**
   * A body left the world: it is animated out (into its eater when a consume event names it).
   *
   * @param e - the entity
   * @param now - current time, ms
   */
  remove(e: number, now: number): void {
    const b = this.bodies.get(e)
    if (b === undefined) return
    this.bodies.delete(e)
    this.snapshots.delete(e)
    const consumer = this.pendingConsumes.get(e) ?? null
    this.pendingConsumes.delete(e)
    this.dying.set(e, {
      fromX: b.x,
      fromY: b.y,
      fromRadius: b.radius,
      kind: b.kind,
      owner: b.owner,
      startedAt: now,
      consumer,
      x: b.x,
      y: b.y,
      radius: b.radius,
    })
  }

  /**
   * A consume event: `consumed` slides into `consumer` (the event may come before or after the delete).
   *
   * @param consumed - the eaten entity
   * @param consumer - the eater
   */
  consumed(consumed: number, consumer: number): void {
    const d = this.dying.get(consumed)
    if (d !== undefined) d.consumer = consumer
    else this.pendingConsumes.set(consumed, consumer)
  }

  /**
   * Moves every drawn body for the current frame.
   *
   * @param now - current time, ms
   * @param dtMs - time since the previous frame, ms
   */
  advance(now: number, dtMs: number): void {
    const ease = Math.min(1, (dtMs / 1000) * 8)
    const renderTime = now - this.interpolationDelayMs
    for (const [e, b] of this.bodies) {
      if (this.snapshots.sample(e, renderTime, this.sampled) !== 'none') {
        b.x = this.sampled[0] as number
        b.y = this.sampled[1] as number
      }
      b.radius += (b.targetRadius - b.radius) * ease
    }
    for (const [e, d] of this.dying) {
      const t = (now - d.startedAt) / CONSUME_ANIMATION_MS
      if (t >= 1) {
        this.dying.delete(e)
        continue
      }
      const eater = d.consumer === null ? undefined : this.bodies.get(d.consumer)
      const toX = eater?.x ?? d.fromX
      const toY = eater?.y ?? d.fromY
      d.x = d.fromX + (toX - d.fromX) * t
      d.y = d.fromY + (toY - d.fromY) * t
      d.radius = d.fromRadius * (1 - t)
    }
    this.pendingConsumes.clear()
  }

  /** Forgets everything (after a resync the replica re-inserts every row). */
  clear(): void {
    this.bodies.clear()
    this.dying.clear()
    this.pendingConsumes.clear()
    this.snapshots.clear()
  }
}
