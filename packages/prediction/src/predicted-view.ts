import type { Entity } from '@orrery/ecs'
import { DrawnSet } from './drawn-set.js'
import { type CreationMatch, matchCreations } from './predicted-creation.js'
import type { PredictedBody } from './prediction-model.js'
import type { ErrorSmoother } from './smoothing.js'
import type { TickHistory } from './tick-history.js'

/**
 * The drawn side of prediction: positions interpolated between the last two predicted ticks plus each
 * entity's decaying visual offset, the hand-over of predicted creations at a reconciliation, and the
 * fading of rejected ones. Reuses its arrays and objects from frame to frame.
 */
export class PredictedView {
  private readonly pos = new Float64Array(3)
  private readonly prev = new Float64Array(3)
  private readonly offset = new Float64Array(2)
  private readonly before: DrawnSet
  private readonly after: DrawnSet
  private readonly frame: DrawnSet
  private readonly shown: PredictedBody[] = []
  private readonly pool: PredictedBody[] = []
  private readonly fading: PredictedBody[] = []
  private readonly fadingSince: number[] = []

  /**
   * @param history - the predicted positions per tick
   * @param smoother - the visual offsets
   * @param maxEntities - most entities drawn
   */
  constructor(
    private readonly history: TickHistory,
    private readonly smoother: ErrorSmoother,
    maxEntities: number,
  ) {
    this.before = new DrawnSet(maxEntities)
    this.after = new DrawnSet(maxEntities)
    this.frame = new DrawnSet(maxEntities)
  }

  /** Records what is drawn now, before a reconciliation changes the prediction. */
  beforeCorrection(tickTime: number, now: number): void {
    this.collect(this.before, tickTime, now)
  }

  /**
   * After a reconciliation: keeps every entity where it was drawn (the change becomes a decaying offset),
   * hands each ended predicted creation's drawn position to the nearest new server entity, and fades the
   * unmatched ones out.
   *
   * @returns the matched and rejected creations
   */
  afterCorrection(tickTime: number, now: number, matchDistance: number): CreationMatch {
    this.collect(this.after, tickTime, now)
    const result = matchCreations(this.before, this.after, matchDistance)
    this.blend(result.matched, now)
    for (const key of result.rejected) this.startFading(key, now)
    return result
  }

  /**
   * The entities as drawn at `now`, then the fading ones.
   *
   * @param tickTime - the predicted tick time
   * @param now - current time, ms
   * @param entityOf - display key → entity in the predicted world
   */
  display(tickTime: number, now: number, entityOf: ReadonlyMap<number, Entity>): readonly PredictedBody[] {
    const shown = this.shown
    shown.length = 0
    const frame = this.frame
    this.collect(frame, tickTime, now)
    for (let i = 0; i < frame.size; i++) {
      const key = frame.keys[i] as number
      const body = this.pool[shown.length] ?? this.newBody()
      body.key = key
      body.entity = entityOf.get(key) ?? (0 as Entity)
      body.x = frame.x[i] as number
      body.y = frame.y[i] as number
      body.size = frame.sizes[i] as number
      body.opacity = 1
      shown.push(body)
    }
    const fadeMs = this.smoother.durationMs
    for (let i = this.fading.length - 1; i >= 0; i--) {
      const body = this.fading[i] as PredictedBody
      body.opacity = fadeMs === 0 ? 0 : 1 - (now - (this.fadingSince[i] as number)) / fadeMs
      if (body.opacity <= 0) {
        this.fading.splice(i, 1)
        this.fadingSince.splice(i, 1)
      }
    }
    for (const body of this.fading) shown.push(body)
    return shown
  }

  /** Forgets the fading bodies. */
  clear(): void {
    this.fading.length = 0
    this.fadingSince.length = 0
  }

  private newBody(): PredictedBody {
    const body: PredictedBody = { key: 0, entity: 0 as Entity, x: 0, y: 0, size: 0, opacity: 1 }
    this.pool.push(body)
    return body
  }

  /** Drawn and simulated positions of every predicted entity at the tick time (not the fading ones). */
  private collect(into: DrawnSet, tickTime: number, now: number): void {
    into.size = 0
    const p = Math.floor(tickTime) + 1
    const f = tickTime - Math.floor(tickTime)
    const n = this.history.count(p)
    for (let i = 0; i < n; i++) {
      const key = this.history.keyAt(p, i)
      this.history.find(p, key, this.pos)
      let x = this.pos[0] as number
      let y = this.pos[1] as number
      if (this.history.find(p - 1, key, this.prev)) {
        x = (this.prev[0] as number) + (x - (this.prev[0] as number)) * f
        y = (this.prev[1] as number) + (y - (this.prev[1] as number)) * f
      }
      this.smoother.offset(key, now, this.offset)
      into.add(key, x + (this.offset[0] as number), y + (this.offset[1] as number), x, y, this.pos[2] as number)
    }
  }

  /** Keeps each entity where it was drawn: the change of its simulated position becomes a decaying offset. */
  private blend(matched: readonly (readonly [number, Entity])[], now: number): void {
    const { before, after } = this
    for (let i = 0; i < before.size; i++) {
      const key = before.keys[i] as number
      const j = after.indexOf(key)
      if (j < 0) {
        this.smoother.delete(key)
        continue
      }
      this.smoother.correct(
        key,
        (before.simX[i] as number) - (after.simX[j] as number),
        (before.simY[i] as number) - (after.simY[j] as number),
        now,
      )
    }
    for (const [local, server] of matched) {
      const i = before.indexOf(local)
      const j = after.indexOf(server)
      if (i < 0 || j < 0) continue
      const dx = (before.x[i] as number) - (after.simX[j] as number)
      const dy = (before.y[i] as number) - (after.simY[j] as number)
      this.smoother.set(server, dx, dy, now)
    }
  }

  private startFading(key: number, now: number): void {
    const b = this.before
    const i = b.indexOf(key)
    this.smoother.delete(key)
    if (i < 0) return
    this.fading.push({ key, entity: 0 as Entity, x: b.x[i] as number, y: b.y[i] as number, size: b.sizes[i] as number, opacity: 1 })
    this.fadingSince.push(now)
  }
}
