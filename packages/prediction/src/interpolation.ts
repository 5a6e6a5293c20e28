import { checkRange, PredictionError } from './errors.js'
import type { PredictionMetrics } from './metrics.js'

/** Options of {@link SnapshotInterpolator}. */
export interface SnapshotInterpolatorOptions {
  /** Numbers per snapshot (e.g. 3 for x, y and radius). */
  readonly fields: number
  /** Snapshots kept per entity (default 16: 0.8 s at 20 Hz). */
  readonly capacity?: number
  /**
   * Longest time past the newest snapshot an entity is extrapolated along its last velocity, ms
   * (default 100); past it, the entity holds still until the next snapshot.
   */
  readonly maxExtrapolationMs?: number
  /** Where to record buffer depth and extrapolated time (default: nowhere). */
  readonly metrics?: PredictionMetrics
}

/** How {@link SnapshotInterpolator.sample} produced its values. */
export type SampleKind = 'interpolated' | 'extrapolated' | 'held' | 'none'

/**
 * The default interpolation delay for a tick rate: two tick intervals (100 ms at 20 Hz), so one update
 * may be lost or late and the entity still has two snapshots around its render time.
 *
 * @param tickRateHz - the server's tick (update) rate, Hz (> 0)
 * @returns the delay, ms
 * @throws {@link PredictionError} `ERR_INVALID_OPTION` when the rate is not > 0
 * @example
 * ```ts
 * import { defaultInterpolationDelayMs } from '@orrery/prediction'
 * defaultInterpolationDelayMs(20) // 100
 * defaultInterpolationDelayMs(60) // 33.3…
 * ```
 * @see Valve, "Source Multiplayer Networking": cl_interp 0.1 s = cl_interp_ratio 2 / cl_updaterate 20, https://developer.valvesoftware.com/wiki/Source_Multiplayer_Networking
 */
export function defaultInterpolationDelayMs(tickRateHz: number): number {
  checkRange('tickRateHz', tickRateHz, 0.001, 10_000)
  return 2000 / tickRateHz
}

/** One entity's snapshots: a ring of times and values. */
interface Track {
  readonly times: Float64Array
  readonly values: Float64Array
  head: number
  count: number
}

/**
 * Snapshot interpolation of remote entities: each entity's recent snapshots (server time + values),
 * sampled at a render time an interpolation delay behind the server's clock, so that the entity is
 * drawn between two states it really had. When updates are late it extrapolates along the last
 * velocity for at most `maxExtrapolationMs`, then holds. Allocates once per entity (its ring, reused
 * after {@link delete}); sampling allocates nothing.
 *
 * @example
 * ```ts
 * import { SnapshotInterpolator } from '@orrery/prediction'
 * const interpolator = new SnapshotInterpolator({ fields: 2 })
 * interpolator.push(7, 1000, [0, 0])
 * interpolator.push(7, 1050, [10, 0])
 * const out = new Float64Array(2)
 * interpolator.sample(7, 1025, out) // 'interpolated', out = [5, 0]
 * ```
 * @see Fiedler, "Snapshot Interpolation", https://gafferongames.com/post/snapshot_interpolation/
 * @see Valve, "Source Multiplayer Networking" (entity interpolation), https://developer.valvesoftware.com/wiki/Source_Multiplayer_Networking
 */
export class SnapshotInterpolator {
  /** Numbers per snapshot. */
  readonly fields: number
  /** Snapshots kept per entity. */
  readonly capacity: number
  /** Extrapolation bound, ms. */
  readonly maxExtrapolationMs: number
  private readonly tracks = new Map<number, Track>()
  private readonly spare: Track[] = []
  private readonly metrics: PredictionMetrics | undefined

  /** @throws {@link PredictionError} `ERR_INVALID_OPTION` on fields < 1, capacity < 2 or a negative bound */
  constructor(options: SnapshotInterpolatorOptions) {
    this.fields = Math.floor(checkRange('fields', options.fields, 1, 256))
    this.capacity = Math.floor(checkRange('capacity', options.capacity ?? 16, 2, 4096))
    this.maxExtrapolationMs = checkRange('maxExtrapolationMs', options.maxExtrapolationMs ?? 100, 0)
    this.metrics = options.metrics
  }

  /** Number of entities with snapshots. */
  get size(): number {
    return this.tracks.size
  }

  /** Whether `key` has snapshots. */
  has(key: number): boolean {
    return this.tracks.has(key)
  }

  /**
   * Adds a snapshot of `key`. A snapshot at the time of the newest replaces it; an older one is ignored.
   *
   * @param key - the entity
   * @param serverTime - the snapshot's server time, ms
   * @param values - `fields` numbers (positions in world units, sizes, …)
   * @throws {@link PredictionError} `ERR_INVALID_OPTION` when `values` has fewer than `fields` numbers
   */
  push(key: number, serverTime: number, values: ArrayLike<number>): void {
    if (values.length < this.fields) {
      throw new PredictionError('ERR_INVALID_OPTION', `a snapshot needs ${this.fields} values, got ${values.length}`)
    }
    let track = this.tracks.get(key)
    if (track === undefined) {
      track = this.spare.pop() ?? {
        times: new Float64Array(this.capacity),
        values: new Float64Array(this.capacity * this.fields),
        head: 0,
        count: 0,
      }
      track.head = 0
      track.count = 0
      this.tracks.set(key, track)
    }
    let slot: number
    if (track.count > 0) {
      const newest = (track.head + track.count - 1) % this.capacity
      const t = track.times[newest] as number
      if (serverTime < t) return
      if (serverTime === t) slot = newest
      else slot = this.append(track)
    } else {
      slot = this.append(track)
    }
    track.times[slot] = serverTime
    const base = slot * this.fields
    for (let f = 0; f < this.fields; f++) track.values[base + f] = values[f] as number
  }

  /** Forgets `key` (its ring is reused by the next new entity). */
  delete(key: number): void {
    const track = this.tracks.get(key)
    if (track === undefined) return
    this.tracks.delete(key)
    this.spare.push(track)
  }

  /** Forgets every entity. */
  clear(): void {
    for (const key of [...this.tracks.keys()]) this.delete(key)
  }

  /**
   * The values of `key` at `renderTime`: interpolated between the two snapshots around it, extrapolated
   * (at most `maxExtrapolationMs`) past the newest, or held at the oldest before it.
   *
   * @param key - the entity
   * @param renderTime - server time to draw, ms (server time now − interpolation delay)
   * @param out - receives `fields` numbers
   * @returns how the values were produced; 'none' (out untouched) when `key` has no snapshot
   */
  sample(key: number, renderTime: number, out: Float64Array): SampleKind {
    const track = this.tracks.get(key)
    if (track === undefined || track.count === 0) return 'none'
    const cap = this.capacity
    const n = track.count
    const oldest = track.head
    const newest = (track.head + n - 1) % cap
    const fields = this.fields
    if (renderTime < (track.times[oldest] as number)) {
      this.copy(track, oldest, out)
      this.metrics?.recordInterpolation(n, 0)
      return 'held'
    }
    const tNew = track.times[newest] as number
    if (renderTime >= tNew) {
      this.copy(track, newest, out)
      const past = renderTime - tNew
      if (n < 2 || past === 0) {
        this.metrics?.recordInterpolation(past === 0 ? 1 : 0, 0)
        return past === 0 ? 'interpolated' : 'held'
      }
      const prev = (newest - 1 + cap) % cap
      const dt = Math.min(past, this.maxExtrapolationMs)
      const span = tNew - (track.times[prev] as number)
      for (let f = 0; f < fields; f++) {
        const v = ((track.values[newest * fields + f] as number) - (track.values[prev * fields + f] as number)) / span
        out[f] = (out[f] as number) + v * dt
      }
      this.metrics?.recordInterpolation(0, dt)
      return dt > 0 ? 'extrapolated' : 'held'
    }
    // Between two snapshots: find the first one after the render time (from the newest; it is near).
    let after = newest
    let ahead = 1
    for (let k = n - 2; k >= 0; k--) {
      const slot = (oldest + k) % cap
      if ((track.times[slot] as number) <= renderTime) break
      after = slot
      ahead++
    }
    const before = (after - 1 + cap) % cap
    const t0 = track.times[before] as number
    const t1 = track.times[after] as number
    const a = (renderTime - t0) / (t1 - t0)
    for (let f = 0; f < fields; f++) {
      const v0 = track.values[before * fields + f] as number
      out[f] = v0 + ((track.values[after * fields + f] as number) - v0) * a
    }
    this.metrics?.recordInterpolation(ahead, 0)
    return 'interpolated'
  }

  private append(track: Track): number {
    if (track.count === this.capacity) {
      track.head = (track.head + 1) % this.capacity
      track.count--
    }
    const slot = (track.head + track.count) % this.capacity
    track.count++
    return slot
  }

  private copy(track: Track, slot: number, out: Float64Array): void {
    for (let f = 0; f < this.fields; f++) out[f] = track.values[slot * this.fields + f] as number
  }
}
