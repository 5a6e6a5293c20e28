import type { Entity, Field } from '@orrery/ecs'
import type { Area } from '@orrery/protocol'
import type { ServedSubscription } from './area-subscription.js'
import type { FlushContext } from './flush-context.js'
import type { HandleTable } from './handle-table.js'
import type { UpdatedRows } from './scratch-list.js'
import type { UpdateDraft } from './update-draft.js'
import type { WirePlan } from './wire-plan.js'
import { empty } from './update-draft.js'

/** What choosing a client's update rows reads and sets. */
export interface SelectionView {
  readonly handles: HandleTable
  readonly areaSubs: readonly ServedSubscription[]
  /** Set when the budget left changed rows for later ticks. */
  updatesDeferred: boolean
}

const UPDATE_BASE_BYTES = 1
const FIELD_BYTES = 3
const candidates: number[] = []

function popcount(v: number): number {
  let n = 0
  for (let bits = v; bits !== 0; bits &= bits - 1) n++
  return n
}

/**
 * Puts the client's waiting rows into its update: within the byte budget all of them, beyond it the
 * highest accumulated priority first (each waiting row gains priority every tick, more the nearer it is to
 * an area's centre), the rest listed again for the next tick.
 *
 * @param view - the client
 * @param ctx - the flush
 * @param draft - the update
 * @see Glenn Fiedler, "State Synchronization" (priority accumulator)
 */
export function selectUpdates(view: SelectionView, ctx: FlushContext, draft: UpdateDraft): void {
  const h = view.handles
  empty(candidates)
  let estimate = 0
  const listed = h.takePendingList()
  for (let k = 0; k < listed.length; k += 2) {
    const hd = listed[k] as number
    const t = listed[k + 1] as number
    const mask = h.pendingMask(hd, t)
    if (mask === 0) continue
    // A row inserted by this update already carries its current values.
    if (h.isFresh(hd, t)) {
      h.takePending(hd, t)
      continue
    }
    candidates.push(hd, t)
    estimate += UPDATE_BASE_BYTES + FIELD_BYTES * popcount(mask)
  }
  if (candidates.length === 0) return
  if (draft.bytes + estimate <= ctx.budgetBytes) {
    for (let k = 0; k < candidates.length; k += 2) takeUpdate(h, draft, candidates[k] as number, candidates[k + 1] as number)
    return
  }
  const order: number[] = []
  for (let k = 0; k < candidates.length; k += 2) {
    const hd = candidates[k] as number
    h.priority[hd] = (h.priority[hd] as number) + weight(view, ctx, h.entityOf(hd))
    order.push(k)
  }
  order.sort((a, b) => (h.priority[candidates[b] as number] as number) - (h.priority[candidates[a] as number] as number))
  for (const k of order) {
    const hd = candidates[k] as number
    const t = candidates[k + 1] as number
    if (draft.bytes > ctx.budgetBytes) {
      view.updatesDeferred = true
      h.relist(hd, t)
    } else takeUpdate(h, draft, hd, t)
  }
}

function takeUpdate(h: HandleTable, draft: UpdateDraft, hd: number, t: number): void {
  const mask = h.takePending(hd, t)
  ;(draft.updates[t] as UpdatedRows).push(hd, mask)
  draft.bytes += UPDATE_BASE_BYTES + FIELD_BYTES * popcount(mask)
  h.priority[hd] = 0
}

/** Priority gained per tick of waiting: 1, plus up to 1 more the nearer the entity is to an area's centre. */
function weight(view: SelectionView, ctx: FlushContext, e: Entity): number {
  let best = 0
  for (const sub of view.areaSubs) {
    const plan = ctx.plans[sub.positionTable] as WirePlan
    if (!ctx.world.has(e, plan.component)) continue
    const cols = ctx.accessors[sub.positionTable] as readonly Field<unknown>[]
    const area = sub.area as Area
    const dx = (cols[plan.spatialX] as Field<number>).get(e) - (area.minX + area.maxX) / 2
    const dy = (cols[plan.spatialY] as Field<number>).get(e) - (area.minY + area.maxY) / 2
    const reach = Math.max(1, (area.maxX - area.minX + area.maxY - area.minY) / 2 + area.margin)
    best = Math.max(best, 1 - Math.min(1, Math.sqrt(dx * dx + dy * dy) / reach))
  }
  return 1 + best
}
