import type { Entity, Field } from '@orrery/ecs'
import type { Area } from '@orrery/protocol'
import {
  type AreaView,
  checkMovers,
  collectNearby,
  enterTouched,
  foldEntity,
  fullAreaPass,
  scanTouched,
  touchedNearby,
} from './area-pass.js'
import { movedAreaPass, noPassedArea, type PassedArea, recordPassedArea } from './area-move.js'
import type { ServedSubscription } from './area-subscription.js'
import type { FlushContext } from './flush-context.js'
import { HandleTable } from './handle-table.js'
import type { ScratchList } from './scratch-list.js'
import { collectDeletes } from './view-deletes.js'
import { NO_ACKS, type PendingAck, SubscriptionSet } from './subscription-set.js'
import { collectOwnerChanges } from './owner-changes.js'
import { selectUpdates } from './update-selection.js'
import type { UpdateDraft } from './update-draft.js'
import type { WirePlan } from './wire-plan.js'
import { empty } from './update-draft.js'

export type { PendingAck } from './subscription-set.js'
export type { FlushContext } from './flush-context.js'

const INSERT_BASE_BYTES = 3
const FIELD_BYTES = 3

/**
 * The server's picture of one client: its subscriptions, the rows it holds (named by per-client handles),
 * the last quantized value it received of each quantized field, the changes that wait for a later tick
 * (byte budget, slow reader) with their accumulated priority, and its pending requests and acks.
 *
 * Work per flush is proportional to what changed near the client (the touched entities in the cells of its
 * areas, its movers, the rows inserted and deleted that tick), not to its view and never to the world; a
 * small area move costs the strips it uncovered and gave up, a jump one pass over the view, and only a
 * subscription change re-reads whole tables.
 */
export class ClientView implements AreaView {
  readonly handles: HandleTable
  /** Its subscriptions, the requests for the next flush and the acks they owe. */
  readonly subscriptions: SubscriptionSet
  /** Rows of whole-table subscriptions still to insert (`[table, entity, ...]`), when a budget cut them short. */
  private backlog: number[] = []
  /** Stamp of the flush being collected. */
  stamp = 0
  /** The seq of the last frame that moved this client's state (update, Welcome, ack). */
  lastSeq: number
  lastTick: number
  lastTime: number
  /** requestId of the latest call that ran since the last update, or null. */
  ack: number | null = null
  /** True when the budget cut the last flush's entering rows short (acks wait for them; deferred updates do not). */
  deferred = false
  /** True when the budget left changed rows for later ticks in the last flush (the ack and call results wait). */
  updatesDeferred = false
  /** Flushes in a row that held the ack back; past a bound it goes out anyway. */
  heldAcks = 0
  /** True when flushes were folded since the last collect (rows added to visible entities meanwhile are looked up again). */
  private folded = false
  /** The area the view was last brought level with, so a small move looks only at the strips it changed. */
  private readonly passed: PassedArea = noPassedArea()

  /**
   * @param send - the client's frame sink
   * @param canSend - false while the client's socket is too far behind (its changes then wait, collapsed)
   * @param tableCount - number of replicated tables
   * @param maxSubscriptions - subscriptions a client may hold, pending ones included
   * @param start - seq, tick and time the client starts from (its Welcome's)
   */
  constructor(
    readonly send: (frame: Uint8Array) => void,
    readonly canSend: () => boolean,
    /** The client's identity: it receives the owner-only rows whose owner field holds it. */
    readonly identity: string | null,
    readonly tableCount: number,
    maxSubscriptions: number,
    qSlots: number,
    start: { seq: number; tick: number; time: number },
    keepFrequent = false,
  ) {
    this.handles = new HandleTable(tableCount, qSlots, keepFrequent)
    this.subscriptions = new SubscriptionSet(maxSubscriptions)
    this.lastSeq = start.seq
    this.lastTick = start.tick
    this.lastTime = start.time
  }

  /** Tables covered whole, as a mask by table id. */
  get wholeMask(): number {
    return this.subscriptions.wholeMask
  }

  /** Tables covered by areas, as a mask by table id. */
  get areaMask(): number {
    return this.subscriptions.areaMask
  }

  /** The served area subscriptions. */
  get areaSubs(): readonly ServedSubscription[] {
    return this.subscriptions.areaSubs
  }

  /** @see SubscriptionSet.requestSubscribe */
  requestSubscribe(requestId: number, sub: ServedSubscription): void {
    this.subscriptions.requestSubscribe(requestId, sub)
  }

  /** @see SubscriptionSet.requestUnsubscribe */
  requestUnsubscribe(requestId: number, queryId: number): void {
    this.subscriptions.requestUnsubscribe(requestId, queryId)
  }

  /** @see SubscriptionSet.setArea */
  setArea(queryId: number, area: Area): void {
    this.subscriptions.setArea(queryId, area)
  }

  /**
   * Collects what this client's next update carries: deletes, leaving and entering entities, inserts,
   * and changed rows within the byte budget (the rest wait, with a priority that grows each tick).
   *
   * @param ctx - the flush's world, plans and changes
   * @param draft - cleared by the caller; filled here
   */
  collect(ctx: FlushContext, draft: UpdateDraft): void {
    const h = this.handles
    // Events first: a scoped event is heard by the clients that see one of its entities before this window's deletes.
    for (const event of ctx.changes.events) {
      const scope = event.scope
      if (scope === null) {
        draft.events.push(event)
        continue
      }
      for (let k = 0; k < scope.length; k++) {
        if (h.handleOf(scope[k] as Entity) !== undefined) {
          draft.events.push(event)
          break
        }
      }
    }
    const reconcile = this.subscriptions.apply()
    const refill = reconcile || this.folded
    // Entities the budget kept out last time are in the area but did not move: look at the whole area again.
    const areaMoved = this.subscriptions.takeAreaMoved() || this.deferred
    this.folded = false
    this.deferred = false
    this.updatesDeferred = false
    this.stamp++
    // The touched entities near the areas, for the deletes and the incremental pass (a refill or a moved
    // area walks whole lists instead).
    const nearby = !refill && !areaMoved && this.areaSubs.length > 0
    if (!refill && this.areaSubs.length > 0) collectNearby(this, ctx)
    collectDeletes(this, ctx, draft, nearby)
    // Before the area pass: a row whose owner changed away must not also go out as an update.
    collectOwnerChanges(this, ctx, draft)
    if (refill) {
      this.collectLeaves(ctx, draft, reconcile)
      this.foldAll(ctx)
      fullAreaPass(this, ctx, draft)
    } else if (this.areaSubs.length > 0) {
      scanTouched(this, ctx, draft)
      if (areaMoved) {
        if (!movedAreaPass(this, ctx, draft, this.passed)) fullAreaPass(this, ctx, draft)
      } else {
        checkMovers(this, ctx, draft)
        h.releaseEmpty(draft.releases)
        enterTouched(this, ctx, draft)
      }
    }
    h.releaseEmpty(draft.releases)
    if (!refill) this.foldWhole(ctx)
    this.collectWholeInserts(ctx, draft, reconcile)
    this.collectAreaRowInserts(ctx, draft, refill)
    selectUpdates(this, ctx, draft)
    h.clearFresh()
    recordPassedArea(this, ctx, this.passed)
  }

  /**
   * Folds this flush's changes into the waiting masks without sending (the client's socket is behind):
   * the next update it gets carries the newest value of each changed field, once.
   */
  fold(ctx: FlushContext): void {
    const h = this.handles
    this.folded = true
    this.foldAll(ctx)
    for (let t = 0; t < this.tableCount; t++) {
      const bit = 1 << t
      for (const e of ctx.changes.deletes[t] as Entity[]) {
        const hd = h.handleOf(e)
        if (hd !== undefined && ((h.rows[hd] as number) & bit) !== 0) h.markDeleted(hd, t)
      }
      if ((this.wholeMask & bit) !== 0) for (const e of ctx.changes.inserts[t] as Entity[]) this.backlog.push(t, e)
    }
  }

  /** Marks the acks whose rows have all been sent as ready; returns them. */
  takeReadyAcks(): readonly PendingAck[] {
    if (this.deferred || this.backlog.length > 0) return NO_ACKS
    return this.subscriptions.takeAcks()
  }

  /** Rows no subscription covers any more (after a subscription change or folded flushes); area membership is the area pass's. */
  private collectLeaves(ctx: FlushContext, draft: UpdateDraft, reconcile: boolean): void {
    if (!reconcile) return
    const h = this.handles
    for (let hd = 1; hd <= h.top; hd++) {
      const rows = h.rows[hd] as number
      if (rows === 0) continue
      if (this.areaSubs.length === 0 && h.inArea[hd] === 1) h.setInArea(hd, false)
      const keep = this.wholeMask | (h.inArea[hd] === 1 ? this.areaMask : 0)
      const drop = rows & ~keep
      for (let bits = drop; bits !== 0; bits &= bits - 1) {
        const t = 31 - Math.clz32(bits & -bits)
        h.removeRow(hd, t)
        ;(draft.deletes[t] as ScratchList<number>).push(hd)
      }
    }
    void ctx
  }

  /**
   * Every held row's changes of this window into its waiting mask, walking whichever is shorter: the rows
   * the world updated this window (looked up by entity), or the client's view.
   */
  private foldAll(ctx: FlushContext): void {
    const h = this.handles
    let updated = 0
    for (let t = 0; t < this.tableCount; t++) updated += (ctx.changes.updates[t] as Entity[]).length
    if (updated < h.size) {
      for (let t = 0; t < this.tableCount; t++) {
        for (const e of ctx.changes.updates[t] as Entity[]) {
          const hd = h.handleOf(e)
          if (hd === undefined || ((h.rows[hd] as number) & (1 << t)) === 0) continue
          const mask = ctx.changes.updateMask(t, e)
          if (mask !== 0) h.addPending(hd, t, mask)
        }
      }
      return
    }
    for (let hd = 1; hd <= h.top; hd++) if ((h.rows[hd] as number) !== 0) foldEntity(h, ctx, hd, h.entityOf(hd))
  }

  /** Changes of whole-table rows (the area pass folds the area entities'). */
  private foldWhole(ctx: FlushContext): void {
    if (this.wholeMask === 0) return
    const h = this.handles
    for (let bits = this.wholeMask; bits !== 0; bits &= bits - 1) {
      const t = 31 - Math.clz32(bits & -bits)
      for (const e of ctx.changes.updates[t] as Entity[]) {
        const hd = h.handleOf(e)
        if (hd === undefined || ((h.rows[hd] as number) & (1 << t)) === 0) continue
        const mask = ctx.changes.updateMask(t, e)
        if (mask !== 0) h.addPending(hd, t, mask)
      }
    }
  }

  private collectWholeInserts(ctx: FlushContext, draft: UpdateDraft, reconcile: boolean): void {
    if (this.wholeMask === 0) {
      empty(this.backlog)
      return
    }
    const { world, plans, changes } = ctx
    if (reconcile) {
      empty(this.backlog)
      for (let bits = this.wholeMask; bits !== 0; bits &= bits - 1) {
        const t = 31 - Math.clz32(bits & -bits)
        world.query([(plans[t] as WirePlan).component]).forEach((e) => {
          this.backlog.push(t, e)
        })
      }
    } else {
      for (let bits = this.wholeMask; bits !== 0; bits &= bits - 1) {
        const t = 31 - Math.clz32(bits & -bits)
        for (const e of changes.inserts[t] as Entity[]) this.backlog.push(t, e)
      }
    }
    const h = this.handles
    let k = 0
    for (; k < this.backlog.length; k += 2) {
      if (draft.bytes > ctx.budgetBytes) break
      const t = this.backlog[k] as number
      const e = this.backlog[k + 1] as Entity
      if ((this.wholeMask & (1 << t)) === 0 || !world.isAlive(e) || !this.canHold(ctx, e, t)) continue
      let hd = h.handleOf(e)
      if (hd !== undefined && ((h.rows[hd] as number) & (1 << t)) !== 0) continue
      if (hd === undefined) hd = h.bind(e, draft.binds, ctx.frequent(e))
      this.insertRow(ctx, draft, hd, t)
    }
    this.backlog = k >= this.backlog.length ? [] : this.backlog.slice(k)
  }

  /**
   * Rows added this window to entities already in an area (a component added to a visible entity). With
   * `refill` (the subscriptions changed, or folded windows' inserts were not looked at), every entity in an
   * area gets the area rows it lacks.
   */
  private collectAreaRowInserts(ctx: FlushContext, draft: UpdateDraft, refill: boolean): void {
    if (this.areaMask === 0) return
    const h = this.handles
    if (refill) {
      const { world } = ctx
      for (let hd = 1; hd <= h.top; hd++) {
        if (h.inArea[hd] !== 1) continue
        const e = h.entityOf(hd)
        if (!world.isAlive(e)) continue
        const missing = this.areaMask & ~(h.rows[hd] as number)
        for (let bits = missing; bits !== 0; bits &= bits - 1) {
          const t = 31 - Math.clz32(bits & -bits)
          if (this.canHold(ctx, e, t)) this.insertRow(ctx, draft, hd, t)
        }
      }
      return
    }
    // An entity of an area that gained a row this window was touched in the area's cells: the scan of
    // this flush collected it (work follows what changed near the client, not the world's inserts).
    const nearby = touchedNearby()
    const near = nearby.items
    for (let k = 0; k < nearby.length; k++) {
      const e = near[k] as Entity
      const added = ctx.changes.insertedTables(e) & this.areaMask
      if (added === 0) continue
      const hd = h.handleOf(e)
      if (hd === undefined || h.inArea[hd] !== 1) continue
      for (let bits = added & ~(h.rows[hd] as number); bits !== 0; bits &= bits - 1) {
        const t = 31 - Math.clz32(bits & -bits)
        if (ctx.world.isAlive(e) && this.canHold(ctx, e, t)) this.insertRow(ctx, draft, hd, t)
      }
    }
  }

  /**
   * Whether the client may hold the entity's row of table `t`: the row exists and, for an owner-only table,
   * its owner field holds the client's identity.
   */
  canHold(ctx: FlushContext, e: Entity, t: number): boolean {
    const plan = ctx.plans[t] as WirePlan
    if (!ctx.world.has(e, plan.component)) return false
    if (plan.ownerField < 0) return true
    const owner = (ctx.accessors[t] as readonly Field<unknown>[])[plan.ownerField] as Field<unknown>
    return this.identity !== null && owner.get(e) === this.identity
  }

  insertRow(ctx: FlushContext, draft: UpdateDraft, hd: number, t: number): void {
    this.handles.addRow(hd, t)
    this.handles.markFresh(hd, t)
    ;(draft.inserts[t] as ScratchList<number>).push(hd)
    draft.bytes += INSERT_BASE_BYTES + FIELD_BYTES * (ctx.plans[t] as WirePlan).fields.length
  }
}

