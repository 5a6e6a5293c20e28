import type { Entity } from '@orrery/ecs'
import { type AreaView, leave, touchedNearby, unplacedNearby } from './area-pass.js'
import type { ServedSubscription } from './area-subscription.js'
import type { FlushContext } from './flush-context.js'
import type { ScratchList } from './scratch-list.js'
import type { UpdateDraft } from './update-draft.js'

/**
 * Collects the deleted rows a client holds into its update (after the deletes that waited while it could not
 * be sent to). With `nearby` (the touched entities near its areas are collected, see `collectNearby`), the
 * area tables' deletes are looked for among them and among the deleted entities the touched grid never
 * placed, so the work follows what changed near the client; whole tables walk the window's deletes.
 *
 * @param view - the client
 * @param ctx - the flush
 * @param draft - the update
 * @param nearby - whether the touched entities near the client's areas were collected this flush
 */
export function collectDeletes(view: AreaView, ctx: FlushContext, draft: UpdateDraft, nearby: boolean): void {
  const h = view.handles
  h.takeDeleted(draft.deletes)
  const areaOnly = nearby ? view.areaMask & ~view.wholeMask : 0
  const walked = (view.wholeMask | view.areaMask) & ~areaOnly
  for (let t = 0; t < ctx.plans.length; t++) {
    const bit = 1 << t
    if ((walked & bit) === 0 || (ctx.changes.deletes[t] as Entity[]).length === 0) continue
    const positions = isPositionTable(view, t)
    for (const e of ctx.changes.deletes[t] as Entity[]) {
      const hd = h.handleOf(e)
      if (hd === undefined || ((h.rows[hd] as number) & bit) === 0) continue
      deleteRow(view, draft, hd, t, positions)
    }
  }
  if (areaOnly === 0) return
  const touched = touchedNearby()
  deleteAmong(view, ctx, draft, touched.items, touched.length, areaOnly)
  const unplaced = unplacedNearby()
  deleteAmong(view, ctx, draft, unplaced, unplaced.length, areaOnly)
}

/** Deletes the rows of `tables` the client holds that the first `n` of `entities` lost this window. */
function deleteAmong(view: AreaView, ctx: FlushContext, draft: UpdateDraft, entities: readonly Entity[], n: number, tables: number): void {
  const h = view.handles
  for (let k = 0; k < n; k++) {
    const e = entities[k] as Entity
    const gone = ctx.changes.deletedTables(e) & tables
    if (gone === 0) continue
    const hd = h.handleOf(e)
    if (hd === undefined) continue
    for (let bits = gone & (h.rows[hd] as number); bits !== 0; bits &= bits - 1) {
      const t = 31 - Math.clz32(bits & -bits)
      // A leave of an earlier table may have taken this row already.
      if (((h.rows[hd] as number) & (1 << t)) !== 0) deleteRow(view, draft, hd, t, isPositionTable(view, t))
    }
  }
}

function deleteRow(view: AreaView, draft: UpdateDraft, hd: number, t: number, positions: boolean): void {
  const h = view.handles
  h.removeRow(hd, t)
  ;(draft.deletes[t] as ScratchList<number>).push(hd)
  // Without its position the entity is in no area any more: its other area rows go too.
  if (positions && h.inArea[hd] === 1) leave(view, draft, hd)
}

/** Whether an area subscription of the client takes its positions from table `t`. */
function isPositionTable(view: AreaView, t: number): boolean {
  const subs = view.areaSubs
  for (let k = 0; k < subs.length; k++) if ((subs[k] as ServedSubscription).positionTable === t) return true
  return false
}
