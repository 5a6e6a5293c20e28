import { checkRange } from './errors.js'

/** Options of {@link ErrorSmoother}. */
export interface SmoothingOptions {
  /** Time over which a correction is blended away, ms (default 150; 0 snaps every correction). */
  readonly durationMs?: number
  /** A visual offset longer than this snaps to zero at once, world units (default 100). */
  readonly snapDistance?: number
}

interface Offset {
  x: number
  y: number
  since: number
}

/**
 * Visual error smoothing: when reconciliation moves a predicted entity, its drawn position keeps where
 * it was and the difference (the visual offset) decays linearly to zero over `durationMs`, after which
 * the drawn position is exactly the predicted one. Corrections add up: a new (non-zero) one restarts the
 * decay from the offset left at that moment plus itself. An offset longer than `snapDistance` is dropped (the entity snaps).
 *
 * @example
 * ```ts
 * import { ErrorSmoother } from '@orrery/prediction'
 * const smoother = new ErrorSmoother({ durationMs: 100, snapDistance: 50 })
 * const out = new Float64Array(2)
 * smoother.correct(1, 4, 0, 0) // entity 1 was drawn 4 units right of its corrected position
 * smoother.offset(1, 50, out) // out = [2, 0]
 * smoother.offset(1, 100, out) // out = [0, 0]: exact
 * ```
 * @see Fiedler, "State Synchronization" (visual smoothing of corrections, snap when large), https://gafferongames.com/post/state_synchronization/
 */
export class ErrorSmoother {
  /** Decay time, ms. */
  readonly durationMs: number
  /** Snap distance, world units. */
  readonly snapDistance: number
  private readonly offsets = new Map<number, Offset>()

  /** @throws {@link PredictionError} `ERR_INVALID_OPTION` on a negative duration or distance */
  constructor(options: SmoothingOptions = {}) {
    this.durationMs = checkRange('durationMs', options.durationMs ?? 150, 0)
    this.snapDistance = checkRange('snapDistance', options.snapDistance ?? 100, 0)
  }

  /**
   * Adds a correction of `key`: it was drawn at (its new position + (dx, dy)).
   *
   * @param key - the entity's display key
   * @param dx - drawn x minus corrected x, world units
   * @param dy - drawn y minus corrected y, world units
   * @param now - current time, ms
   * @returns true when the offset snapped (longer than `snapDistance`)
   */
  correct(key: number, dx: number, dy: number, now: number): boolean {
    if (dx === 0 && dy === 0) return false
    let o = this.offsets.get(key)
    const k = this.remaining(o, now)
    const x = (o?.x ?? 0) * k + dx
    const y = (o?.y ?? 0) * k + dy
    const snap = Math.hypot(x, y) > this.snapDistance || this.durationMs === 0
    if (snap || (x === 0 && y === 0)) {
      this.offsets.delete(key)
      return snap
    }
    if (o === undefined) {
      o = { x, y, since: now }
      this.offsets.set(key, o)
    } else {
      o.x = x
      o.y = y
      o.since = now
    }
    return false
  }

  /**
   * Sets `key`'s visual offset outright (a predicted creation handing its drawn position to the
   * server's entity), starting its decay now.
   */
  set(key: number, dx: number, dy: number, now: number): void {
    this.offsets.delete(key)
    this.correct(key, dx, dy, now)
  }

  /** Writes `key`'s current visual offset (world units) into `out[0]`, `out[1]`. */
  offset(key: number, now: number, out: Float64Array): void {
    const o = this.offsets.get(key)
    const k = this.remaining(o, now)
    if (o === undefined || k === 0) {
      if (o !== undefined) this.offsets.delete(key)
      out[0] = 0
      out[1] = 0
      return
    }
    out[0] = o.x * k
    out[1] = o.y * k
  }

  /** Forgets `key`'s offset. */
  delete(key: number): void {
    this.offsets.delete(key)
  }

  /** Number of entities with an offset still decaying. */
  get active(): number {
    return this.offsets.size
  }

  /** Forgets every offset. */
  clear(): void {
    this.offsets.clear()
  }

  private remaining(o: Offset | undefined, now: number): number {
    if (o === undefined || this.durationMs === 0) return 0
    return Math.max(0, 1 - (now - o.since) / this.durationMs)
  }
}
