import type { Entity } from '@orrery/ecs'
import type { FlushContext } from './flush-context.js'
import type { HandleTable } from './handle-table.js'
import type { ScratchList } from './scratch-list.js'
import type { UpdateDraft } from './update-draft.js'
import type { WirePlan } from './wire-plan.js'

/** What settling owner changes reads and calls of one client. */
export interface OwnerView {
  readonly handles: HandleTable
  readonly wholeMask: number
  readonly areaMask: number
  canHold(ctx: FlushContext, e: Entity, t: number): boolean
  insertRow(ctx: FlushContext, draft: UpdateDraft, hd: number, t: number): void
}

/**
 * Owner-only rows whose owner changed this window: the client drops the ones it no longer owns and gets the
 * ones it now owns that its subscriptions cover. Runs before the area pass, so a row that changed owner
 * away never also goes out as an update.
 *
 * @param view - the client
 * @param ctx - the flush
 * @param draft - the update
 */
export function collectOwnerChanges(view: OwnerView, ctx: FlushContext, draft: UpdateDraft): void {
  const h = view.handles
  const subscribed = view.wholeMask | view.areaMask
  for (let bits = subscribed; bits !== 0; bits &= bits - 1) {
    const t = 31 - Math.clz32(bits & -bits)
    const plan = ctx.plans[t] as WirePlan
    if (plan.ownerField < 0) continue
    for (const e of ctx.changes.updates[t] as Entity[]) {
      if ((ctx.changes.updateMask(t, e) & (1 << plan.ownerField)) === 0) continue
      let hd = h.handleOf(e)
      const held = hd !== undefined && ((h.rows[hd] as number) & (1 << t)) !== 0
      const mine = view.canHold(ctx, e, t)
      if (held && !mine) {
        h.removeRow(hd as number, t)
        ;(draft.deletes[t] as ScratchList<number>).push(hd as number)
      } else if (!held && mine) {
        const covered = (view.wholeMask & (1 << t)) !== 0 || (hd !== undefined && h.inArea[hd] === 1 && (view.areaMask & (1 << t)) !== 0)
        if (!covered) continue
        if (hd === undefined) hd = h.bind(e, draft.binds, ctx.frequent(e))
        view.insertRow(ctx, draft, hd, t)
      }
    }
  }
}
