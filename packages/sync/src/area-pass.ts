import type { Entity, Field } from '@orrery/ecs'
import type { Area } from '@orrery/protocol'
import { defaultHysteresis, enterRect, type ServedSubscription } from './area-subscription.js'
import type { FlushContext } from './flush-context.js'
import type { HandleTable } from './handle-table.js'
import { ScratchList, type UpdatedRows } from './scratch-list.js'
import type { UpdateDraft } from './update-draft.js'
import type { WirePlan } from './wire-plan.js'
import { empty } from './update-draft.js'

/** What the area passes read and change of one client. */
export interface AreaView {
  readonly handles: HandleTable
  readonly areaSubs: readonly ServedSubscription[]
  readonly areaMask: number
  readonly wholeMask: number
  /** Stamp of the flush being collected (for `handles.seen`). */
  readonly stamp: number
  /** Set when the budget stopped entering entities. */
  deferred: boolean
  insertRow(ctx: FlushContext, draft: UpdateDraft, hd: number, t: number): void
  canHold(ctx: FlushContext, e: Entity, t: number): boolean
}

/** `e & INDEX_MASK` is an entity's index (see `@orrery/ecs`). */
const INDEX_MASK = 0x3fffff
const touched = new ScratchList<Entity>()
const unplaced: Entity[] = []

/**
 * The entities this window touched in the cells of the client's areas, as the last {@link collectNearby}
 * collected them (an entity may appear twice).
 */
export function touchedNearby(): ScratchList<Entity> {
  return touched
}

/** The entities of the window gone from a position table that the touched grid could not place. */
export function unplacedNearby(): readonly Entity[] {
  return unplaced
}
const found: Entity[] = []
const entering: Entity[] = []

/**
 * Whether an entity already in the view stays: inside some area grown by its margin and the hysteresis.
 *
 * @param view - the client
 * @param ctx - the flush
 * @param e - the entity
 */
export function stillInArea(view: AreaView, ctx: FlushContext, e: Entity): boolean {
  return inSomeArea(view, ctx, e, true)
}

function insideEnter(view: AreaView, ctx: FlushContext, e: Entity): boolean {
  return inSomeArea(view, ctx, e, false)
}

/** Whether the entity's position lies in one of the areas: the leave rectangle (`leaving`) or the enter one. */
function inSomeArea(view: AreaView, ctx: FlushContext, e: Entity, leaving: boolean): boolean {
  if (!ctx.world.isAlive(e)) return false
  for (const sub of view.areaSubs) {
    const plan = ctx.plans[sub.positionTable] as WirePlan
    if (!ctx.world.has(e, plan.component)) continue
    const cols = ctx.accessors[sub.positionTable] as readonly Field<unknown>[]
    const x = (cols[plan.spatialX] as Field<number>).get(e)
    const y = (cols[plan.spatialY] as Field<number>).get(e)
    const area = sub.area as Area
    const pad = area.margin + (leaving ? (ctx.hysteresis ?? defaultHysteresis(area)) : 0)
    if (x >= area.minX - pad && x <= area.maxX + pad && y >= area.minY - pad && y <= area.maxY + pad) return true
  }
  return false
}

/**
 * Takes an entity out of the areas: deletes its area rows that no whole-table subscription keeps.
 *
 * @param view - the client
 * @param draft - the update
 * @param hd - the entity's handle
 */
export function leave(view: AreaView, draft: UpdateDraft, hd: number): void {
  const h = view.handles
  h.setInArea(hd, false)
  const drop = (h.rows[hd] as number) & ~view.wholeMask
  for (let bits = drop; bits !== 0; bits &= bits - 1) {
    const t = 31 - Math.clz32(bits & -bits)
    h.removeRow(hd, t)
    ;(draft.deletes[t] as ScratchList<number>).push(hd)
  }
}

/**
 * Puts an entity into the areas: binds a handle if needed and inserts its area rows.
 *
 * @returns false when the budget is spent (nothing done; the entity enters in a later tick)
 */
export function enter(view: AreaView, ctx: FlushContext, draft: UpdateDraft, e: Entity, hd: number | undefined): boolean {
  if (draft.bytes > ctx.budgetBytes) {
    view.deferred = true
    return false
  }
  const h = view.handles
  let tables = 0
  for (let bits = view.areaMask & ~(hd === undefined ? 0 : (h.rows[hd] as number)); bits !== 0; bits &= bits - 1) {
    const t = 31 - Math.clz32(bits & -bits)
    if (view.canHold(ctx, e, t)) tables |= 1 << t
  }
  // Nothing of it the client may hold (e.g. only another player's owner-only rows): it does not enter.
  if (hd === undefined && tables === 0) return true
  const handle = hd ?? h.bind(e, draft.binds, ctx.frequent(e))
  h.setInArea(handle, true)
  h.seen[handle] = view.stamp
  for (let bits = tables; bits !== 0; bits &= bits - 1) view.insertRow(ctx, draft, handle, 31 - Math.clz32(bits & -bits))
  return true
}

/**
 * Puts an entity's changes of this window straight into the update (rows with no older waiting mask), or
 * folds them into the waiting masks: the direct way when the whole pass surely fits the byte budget.
 */
function takeEntity(view: AreaView, ctx: FlushContext, draft: UpdateDraft, hd: number, e: Entity): void {
  const h = view.handles
  for (let bits = (h.rows[hd] as number) & ctx.changes.changedTables(e); bits !== 0; bits &= bits - 1) {
    const t = 31 - Math.clz32(bits & -bits)
    const mask = ctx.changes.updateMask(t, e)
    if (mask === 0) continue
    // Whole-table rows are folded again later in the flush: they take the waiting way, once.
    if (h.pendingMask(hd, t) !== 0 || h.isFresh(hd, t) || (view.wholeMask & (1 << t)) !== 0) h.addPending(hd, t, mask)
    else {
      ;(draft.updates[t] as UpdatedRows).push(hd, mask)
      let n = 0
      for (let b = mask; b !== 0; b &= b - 1) n++
      draft.bytes += 1 + 3 * n
      h.priority[hd] = 0
    }
  }
}

/** Folds an entity's changes of this window into its rows' waiting masks. */
export function foldEntity(h: HandleTable, ctx: FlushContext, hd: number, e: Entity): void {
  for (let bits = (h.rows[hd] as number) & ctx.changes.changedTables(e); bits !== 0; bits &= bits - 1) {
    const t = 31 - Math.clz32(bits & -bits)
    const mask = ctx.changes.updateMask(t, e)
    if (mask !== 0) h.addPending(hd, t, mask)
  }
}

/**
 * Collects the entities this window touched in the cells of the client's areas (grown by margin and
 * hysteresis, so every entity of its view that changed is among them), the window's entities that left
 * a position table without the grid having placed them, and (among the touched) those whose last position
 * the grid does not know.
 *
 * @param view - the client
 * @param ctx - the flush
 */
export function collectNearby(view: AreaView, ctx: FlushContext): void {
  touched.clear()
  empty(unplaced)
  const subs = view.areaSubs
  for (let k = 0; k < subs.length; k++) {
    const sub = subs[k] as ServedSubscription
    const plan = ctx.plans[sub.positionTable] as WirePlan
    const area = sub.area as Area
    const pad = area.margin + (ctx.hysteresis ?? defaultHysteresis(area))
    const grid = ctx.changes.touchedGrid(ctx.world, plan, ctx.accessors[sub.positionTable] as readonly Field<unknown>[])
    grid.collect(area.minX - pad, area.minY - pad, area.maxX + pad, area.maxY + pad, touched)
    // Once per position table: its unplaced entities, and those whose last position it does not know.
    let first = true
    for (let j = 0; j < k; j++) if ((subs[j] as ServedSubscription).positionTable === sub.positionTable) first = false
    if (!first) continue
    for (let j = 0; j < grid.unplaced.length; j++) unplaced.push(grid.unplaced[j] as Entity)
    for (let j = 0; j < grid.unknownFrom.length; j++) touched.push(grid.unknownFrom[j] as Entity)
  }
}

/**
 * The incremental pass (after {@link collectNearby}): only the entities this window touched near the
 * client's areas. An area entity that moved out of reach leaves; one that stays gets its changes folded;
 * an entity outside the view that moved into an area is kept for {@link enterTouched} (after the
 * releases, so freed handles are reused). Work ∝ what changed near the client.
 *
 * @param view - the client
 * @param ctx - the flush
 * @param draft - the update
 */
export function scanTouched(view: AreaView, ctx: FlushContext, draft: UpdateDraft): void {
  const h = view.handles
  empty(entering)
  const subs = view.areaSubs
  const first = subs[0] as ServedSubscription
  const positionTable = first.positionTable
  let shared = true
  for (const sub of subs) if (sub.positionTable !== positionTable) shared = false
  if (!shared || subs.length > 1) {
    scanTouchedGeneric(view, ctx, draft)
    return
  }
  // One area (the common case). Movers first: their handles and the shared change arrays are walked in
  // order, with no hash lookup; then the touched entities that are not movers (entering, or in view and
  // changed for the first time), told apart by two bitsets before any lookup.
  const plan = ctx.plans[positionTable] as WirePlan
  // Positions come from the grid's flat arrays: it read every touched entity's position once for all clients.
  const grid = ctx.changes.touchedGrid(ctx.world, plan, ctx.accessors[positionTable] as readonly Field<unknown>[])
  const gSeen = grid.seen
  const gStamp = grid.stamp
  const gX = grid.lastX
  const gY = grid.lastY
  const gKnown = grid.known
  const area = first.area as Area
  const pad = area.margin + (ctx.hysteresis ?? defaultHysteresis(area))
  const lx0 = area.minX - pad
  const ly0 = area.minY - pad
  const lx1 = area.maxX + pad
  const ly1 = area.maxY + pad
  const ex0 = area.minX - area.margin
  const ey0 = area.minY - area.margin
  const ex1 = area.maxX + area.margin
  const ey1 = area.maxY + area.margin
  const stamp = view.stamp
  h.pruneMovers()
  const movers = h.movers
  // When every row this pass could touch surely fits the budget, changes go straight into the update
  // (no waiting list, no priority): the common case. Otherwise they wait and compete by priority.
  let rowBytes = 0
  for (let bits = view.areaMask; bits !== 0; bits &= bits - 1) rowBytes += 1 + 3 * (ctx.plans[31 - Math.clz32(bits & -bits)] as WirePlan).fields.length
  const direct = draft.bytes + (movers.length + touched.length) * rowBytes <= ctx.budgetBytes
  const near = touched.items
  for (let k = 0; k < movers.length; k++) {
    const hd = movers[k] as number
    if (h.inArea[hd] !== 1) continue
    const e = h.entityOf(hd)
    const i = e & INDEX_MASK
    // Not touched this window: it neither moved nor changed.
    if (i >= gSeen.length || gSeen[i] !== gStamp) continue
    h.seen[hd] = stamp
    const x = gX[i] as number
    const y = gY[i] as number
    if (gKnown[i] !== 1 || !(x >= lx0 && x <= lx1 && y >= ly0 && y <= ly1)) {
      leave(view, draft, hd)
      continue
    }
    if (direct) takeEntity(view, ctx, draft, hd, e)
    else foldEntity(h, ctx, hd, e)
  }
  for (let k = 0; k < touched.length; k++) {
    const e = near[k] as Entity
    if (h.isMover(e)) continue
    const i = e & INDEX_MASK
    const x = gX[i] as number
    const y = gY[i] as number
    const placed = gKnown[i] === 1
    const inLeave = placed && x >= lx0 && x <= lx1 && y >= ly0 && y <= ly1
    if (h.maybeInArea(e)) {
      const hd = h.handleOf(e)
      if (hd !== undefined && h.inArea[hd] === 1) {
        if (h.seen[hd] === stamp) continue
        h.seen[hd] = stamp
        if (!inLeave) leave(view, draft, hd)
        else {
          h.markMover(hd)
          if (direct) takeEntity(view, ctx, draft, hd, e)
          else foldEntity(h, ctx, hd, e)
        }
        continue
      }
    }
    // Touched entities include ones that lost their position (found where they were): those cannot enter.
    if (placed && x >= ex0 && x <= ex1 && y >= ey0 && y <= ey1) entering.push(e)
  }
}

function scanTouchedGeneric(view: AreaView, ctx: FlushContext, draft: UpdateDraft): void {
  const h = view.handles
  const near = touched.items
  for (let k = 0; k < touched.length; k++) {
    const e = near[k] as Entity
    const hd = h.maybeInArea(e) ? h.handleOf(e) : undefined
    if (hd !== undefined && h.inArea[hd] === 1) {
      if (h.seen[hd] === view.stamp) continue
      h.seen[hd] = view.stamp
      if (!stillInArea(view, ctx, e)) {
        leave(view, draft, hd)
        continue
      }
      h.markMover(hd)
      foldEntity(h, ctx, hd, e)
    } else if (insideEnter(view, ctx, e)) entering.push(e)
  }
}

/**
 * Enters the entities {@link scanTouched} found moving into an area.
 *
 * @param view - the client
 * @param ctx - the flush
 * @param draft - the update
 */
export function enterTouched(view: AreaView, ctx: FlushContext, draft: UpdateDraft): void {
  const h = view.handles
  for (const e of entering) {
    const hd = h.handleOf(e)
    if (hd !== undefined && h.inArea[hd] === 1) continue
    if (!enter(view, ctx, draft, e, hd)) return
  }
}

/**
 * Area entities that moved this window but lie outside the scanned cells: they left.
 *
 * @param view - the client
 * @param ctx - the flush
 * @param draft - the update
 */
export function checkMovers(view: AreaView, ctx: FlushContext, draft: UpdateDraft): void {
  const h = view.handles
  h.pruneMovers()
  for (const hd of h.movers) {
    if (h.seen[hd] === view.stamp || h.inArea[hd] !== 1) continue
    const e = h.entityOf(hd)
    let moved = false
    for (const sub of view.areaSubs) if (ctx.changes.updateMask(sub.positionTable, e) !== 0) moved = true
    if (!moved) continue
    h.seen[hd] = view.stamp
    if (stillInArea(view, ctx, e)) foldEntity(h, ctx, hd, e)
    else leave(view, draft, hd)
  }
}

/**
 * The full pass over the areas (after a subscription change, an area move, or folded flushes): every area
 * entity is checked for leaving and its changes folded, and every entity in an area that is not yet in the
 * view enters (the budget permitting).
 *
 * @param view - the client
 * @param ctx - the flush
 * @param draft - the update
 * Releases the handles left without rows between the leaves and the enters (so freed handles are reused).
 */
export function fullAreaPass(view: AreaView, ctx: FlushContext, draft: UpdateDraft): void {
  const h = view.handles
  for (let hd = 1; hd <= h.top; hd++) {
    if (h.inArea[hd] !== 1 || h.seen[hd] === view.stamp) continue
    h.seen[hd] = view.stamp
    const e = h.entityOf(hd)
    if (!stillInArea(view, ctx, e)) leave(view, draft, hd)
  }
  h.releaseEmpty(draft.releases)
  for (const sub of view.areaSubs) {
    const plan = ctx.plans[sub.positionTable] as WirePlan
    const [minX, minY, maxX, maxY] = enterRect(sub.area as Area)
    ctx.world.queryRect(plan.component, minX, minY, maxX, maxY, found)
    for (let k = 0; k < found.length; k++) {
      const e = found[k] as Entity
      const hd = h.maybeInArea(e) ? h.handleOf(e) : undefined
      if (hd !== undefined && h.inArea[hd] === 1) continue
      if (!enter(view, ctx, draft, e, h.handleOf(e))) return
    }
  }
}
