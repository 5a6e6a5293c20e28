import type { Entity, Field } from '@orrery/ecs'
import type { Area } from '@orrery/protocol'
import { type AreaView, checkMovers, enter, enterTouched, leave, stillInArea } from './area-pass.js'
import { defaultHysteresis, type ServedSubscription } from './area-subscription.js'
import type { FlushContext } from './flush-context.js'
import type { UpdateDraft } from './update-draft.js'
import type { WirePlan } from './wire-plan.js'

/** An axis-aligned rectangle, world units, edges included. */
interface Rect {
  minX: number
  minY: number
  maxX: number
  maxY: number
}

/**
 * The one area a client's view was last brought level with: every entity of the view that did not move
 * since lies in its leave rectangle, and every entity in its enter rectangle that the client may hold is in
 * the view (no entering was deferred by the byte budget).
 */
export interface PassedArea {
  /** False when the next area move must walk the view whole (no area, several areas, entering cut short). */
  valid: boolean
  area: Area | null
  /** The hysteresis its leave rectangle was grown by, world units. */
  hysteresis: number
  positionTable: number
}

/** A {@link PassedArea} that holds nothing yet. */
export function noPassedArea(): PassedArea {
  return { valid: false, area: null, hysteresis: 0, positionTable: -1 }
}

/**
 * Strips whose total area, as a share of the new enter rectangle, above which a moved area is walked whole
 * (a jump rather than a pan).
 */
const MAX_STRIP_SHARE = 0.5

const found: Entity[] = []
const leaveStrips: Rect[] = [rect(), rect(), rect(), rect()]
const enterStrips: Rect[] = [rect(), rect(), rect(), rect()]

function rect(): Rect {
  return { minX: 0, minY: 0, maxX: 0, maxY: 0 }
}

function grownBy(area: Area, pad: number, out: Rect): Rect {
  out.minX = area.minX - pad
  out.minY = area.minY - pad
  out.maxX = area.maxX + pad
  out.maxY = area.maxY + pad
  return out
}

const scratch = { fromLeave: rect(), toLeave: rect(), fromEnter: rect(), toEnter: rect() }

/**
 * Writes the parts of `a` outside `b` into `out` (at most four strips, sharing edges with `b`: a point of
 * `a` not in `b` lies in one of them) and returns their count.
 */
function difference(a: Rect, b: Rect, out: Rect[]): number {
  if (b.maxX < a.minX || b.minX > a.maxX || b.maxY < a.minY || b.minY > a.maxY) {
    setRect(out[0] as Rect, a.minX, a.minY, a.maxX, a.maxY)
    return 1
  }
  let n = 0
  if (a.minY < b.minY) setRect(out[n++] as Rect, a.minX, a.minY, a.maxX, b.minY)
  if (a.maxY > b.maxY) setRect(out[n++] as Rect, a.minX, b.maxY, a.maxX, a.maxY)
  const y0 = Math.max(a.minY, b.minY)
  const y1 = Math.min(a.maxY, b.maxY)
  if (a.minX < b.minX) setRect(out[n++] as Rect, a.minX, y0, b.minX, y1)
  if (a.maxX > b.maxX) setRect(out[n++] as Rect, b.maxX, y0, a.maxX, y1)
  return n
}

function setRect(r: Rect, minX: number, minY: number, maxX: number, maxY: number): void {
  r.minX = minX
  r.minY = minY
  r.maxX = maxX
  r.maxY = maxY
}

function surface(strips: readonly Rect[], n: number): number {
  let total = 0
  for (let k = 0; k < n; k++) {
    const r = strips[k] as Rect
    total += (r.maxX - r.minX) * (r.maxY - r.minY)
  }
  return total
}

/**
 * Records the area as a client's view now stands (invalid when the next area move must walk the view whole:
 * no area, several areas, or entering cut short by the byte budget).
 *
 * @param view - the client, after its update was collected
 * @param ctx - the flush
 * @param out - where it is recorded (one per client, reused)
 */
export function recordPassedArea(view: AreaView, ctx: FlushContext, out: PassedArea): void {
  out.valid = !view.deferred && view.areaSubs.length === 1
  if (!out.valid) return
  const sub = view.areaSubs[0] as ServedSubscription
  const area = sub.area as Area
  out.area = area
  out.hysteresis = ctx.hysteresis ?? defaultHysteresis(area)
  out.positionTable = sub.positionTable
}

/**
 * The pass after a client's one area moved a little (a camera pan): instead of walking the whole view and
 * the whole new area, it looks only at the strips the move uncovered or gave up. A view entity that did not
 * move can only leave if it lies where the old leave rectangle reached and the new one does not; an entity
 * not in the view can only enter if it lies where the new enter rectangle reaches and the old one did not,
 * or if it moved (those {@link scanTouched} found). Work ∝ the strips, not the view.
 *
 * @param view - the client, after {@link scanTouched} with the new area
 * @param ctx - the flush
 * @param draft - the update
 * @param from - the area the view was level with (see {@link recordPassedArea})
 * @returns false (nothing done) when the move is too large or the area changed otherwise: walk it whole
 */
export function movedAreaPass(view: AreaView, ctx: FlushContext, draft: UpdateDraft, from: PassedArea): boolean {
  if (!from.valid || from.area === null || view.areaSubs.length !== 1) return false
  const sub = view.areaSubs[0] as ServedSubscription
  if (sub.positionTable !== from.positionTable) return false
  const to = sub.area as Area
  const hysteresis = ctx.hysteresis ?? defaultHysteresis(to)
  const { fromLeave, toLeave, fromEnter, toEnter } = scratch
  const before = from.area
  grownBy(before, before.margin + from.hysteresis, fromLeave)
  grownBy(to, to.margin + hysteresis, toLeave)
  grownBy(before, before.margin, fromEnter)
  grownBy(to, to.margin, toEnter)
  const leaving = difference(fromLeave, toLeave, leaveStrips)
  const entering = difference(toEnter, fromEnter, enterStrips)
  const whole = (toEnter.maxX - toEnter.minX) * (toEnter.maxY - toEnter.minY)
  if (surface(leaveStrips, leaving) + surface(enterStrips, entering) > MAX_STRIP_SHARE * whole) return false

  const h = view.handles
  const plan = ctx.plans[sub.positionTable] as WirePlan
  const grid = ctx.changes.touchedGrid(ctx.world, plan, ctx.accessors[sub.positionTable] as readonly Field<unknown>[])
  for (let s = 0; s < leaving; s++) {
    const r = leaveStrips[s] as Rect
    // Where view entities lie now, and where the ones touched this window were at the last flush (a view
    // entity that jumped from the strip to beyond the new area's cells was not scanned).
    ctx.world.queryRect(plan.component, r.minX, r.minY, r.maxX, r.maxY, found)
    grid.collect(r.minX, r.minY, r.maxX, r.maxY, found)
    for (let k = 0; k < found.length; k++) {
      const e = found[k] as Entity
      const hd = h.maybeInArea(e) ? h.handleOf(e) : undefined
      if (hd === undefined || h.inArea[hd] !== 1 || h.seen[hd] === view.stamp) continue
      h.seen[hd] = view.stamp
      if (!stillInArea(view, ctx, e)) leave(view, draft, hd)
    }
  }
  checkMovers(view, ctx, draft)
  h.releaseEmpty(draft.releases)
  enterTouched(view, ctx, draft)
  if (view.deferred) return true
  for (let s = 0; s < entering; s++) {
    const r = enterStrips[s] as Rect
    ctx.world.queryRect(plan.component, r.minX, r.minY, r.maxX, r.maxY, found)
    for (let k = 0; k < found.length; k++) {
      const e = found[k] as Entity
      const hd = h.maybeInArea(e) ? h.handleOf(e) : undefined
      if (hd !== undefined && h.inArea[hd] === 1) continue
      if (!enter(view, ctx, draft, e, h.handleOf(e))) return true
    }
  }
  return true
}
