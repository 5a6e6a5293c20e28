import { CONSUME_ANIMATION_MS, INTERPOLATION_WINDOW_MS, massToRadius } from '@orrery/demo-shared'

/** What a body is, for drawing: food, a player's circle, or not known yet. */
export type BodyKind = 'food' | 'circle' | 'unknown'

/** A body as drawn: where it is on screen now, and where the server last put it. */
export interface RenderedBody {
  /** Drawn centre x, world units. */
  x: number
  /** Drawn centre y, world units. */
  y: number
  /** Drawn radius, world units. */
  radius: number
  /** Server x the body moves toward, world units. */
  targetX: number
  /** Server y the body moves toward, world units. */
  targetY: number
  /** Radius of the server mass, world units. */
  targetRadius: number
  /** Drawn x when the move toward the target started. */
  startX: number
  /** Drawn y when the move toward the target started. */
  startY: number
  /** When the move toward the target started, ms (the caller's clock). */
  since: number
  /** Food, circle, or not known yet (its Circle/Food row may arrive after its Body row). */
  kind: BodyKind
  /** Owning player's entity for circles, 0 otherwise. */
  owner: number
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
 * The drawn state of every body: interpolates each body from where it was drawn toward its latest server
 * position over 100 ms (t = min(1, Δ / 100 ms)), eases radii toward their mass, and animates eaten bodies
 * into their eater over 200 ms.
 *
 * @example
 * const state = new RenderState()
 * state.upsert(e, 10, 20, 15, performance.now())
 * state.advance(performance.now(), 16)
 * @see reference client `EntityController` (LERP_DURATION_SEC = 0.1, despawn over 0.2 s)
 */
export class RenderState {
  /** Bodies in the world, by entity. */
  readonly bodies = new Map<number, RenderedBody>()
  /** Bodies being animated out, by entity. */
  readonly dying = new Map<number, DyingBody>()
  private readonly pendingConsumes = new Map<number, number>()

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
    const b = this.bodies.get(e)
    const radius = massToRadius(mass)
    if (b === undefined) {
      this.dying.delete(e)
      this.bodies.set(e, {
        x,
        y,
        radius,
        targetX: x,
        targetY: y,
        targetRadius: radius,
        startX: x,
        startY: y,
        since: now,
        kind: 'unknown',
        owner: 0,
      })
      return
    }
    b.startX = b.x
    b.startY = b.y
    b.targetX = x
    b.targetY = y
    b.targetRadius = radius
    b.since = now
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
    for (const b of this.bodies.values()) {
      const t = Math.min(1, (now - b.since) / INTERPOLATION_WINDOW_MS)
      b.x = b.startX + (b.targetX - b.startX) * t
      b.y = b.startY + (b.targetY - b.startY) * t
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
  }
}
