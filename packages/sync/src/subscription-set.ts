import type { Area } from '@orrery/protocol'
import type { ServedSubscription } from './area-subscription.js'
import { SyncError } from './sync-error.js'

/** A subscription request waiting for the next flush (at most one per queryId: the last one wins). */
export type PendingRequest =
  | { readonly kind: 'subscribe'; readonly requestId: number; readonly sub: ServedSubscription }
  | { readonly kind: 'unsubscribe'; readonly requestId: number; readonly queryId: number }

/** An acknowledgement to send after the update that carried its rows. */
export type PendingAck = {
  /** `superseded`: a later request for the same queryId replaced this one before it was served. */
  readonly kind: 'applied' | 'unsubscribed' | 'superseded'
  readonly requestId: number
  readonly queryId: number
}

/** No acks (shared: a flush with none makes no array). */
export const NO_ACKS: readonly PendingAck[] = Object.freeze([])

/**
 * One client's subscriptions: the served ones (and the tables they cover, whole or through areas), the
 * requests waiting for the next flush (one per queryId, the last one wins; a replaced one is answered as
 * superseded), and the acknowledgements owed.
 */
export class SubscriptionSet {
  /** Served subscriptions by queryId. */
  private readonly subs = new Map<number, ServedSubscription>()
  /** Requests for the next flush, by queryId, in arrival order. */
  private readonly pending = new Map<number, PendingRequest>()
  private readonly acks: PendingAck[] = []
  /** Tables covered whole / by areas, as masks by table id. */
  wholeMask = 0
  areaMask = 0
  areaSubs: ServedSubscription[] = []
  private areaMoved = false

  /** @param maxSubscriptions - distinct queryIds a client may hold, pending ones included */
  constructor(private readonly maxSubscriptions: number) {}

  /**
   * Queues a subscription (replacing a pending request of the same queryId).
   *
   * @throws SyncError `ERR_TOO_MANY_SUBSCRIPTIONS` when the client is at its limit
   */
  requestSubscribe(requestId: number, sub: ServedSubscription): void {
    const known = this.subs.has(sub.queryId) || this.pending.has(sub.queryId)
    if (!known && this.heldQueryIds() >= this.maxSubscriptions) {
      throw new SyncError('ERR_TOO_MANY_SUBSCRIPTIONS', `a client may hold at most ${this.maxSubscriptions} subscriptions`)
    }
    this.supersede(sub.queryId)
    this.pending.set(sub.queryId, { kind: 'subscribe', requestId, sub })
  }

  /** Queues the end of a subscription (replacing a pending request of the same queryId). */
  requestUnsubscribe(requestId: number, queryId: number): void {
    this.supersede(queryId)
    this.pending.set(queryId, { kind: 'unsubscribe', requestId, queryId })
  }

  /**
   * Moves the area of a served or pending area subscription; takes effect at the next flush.
   *
   * @throws SyncError `ERR_UNKNOWN_SUBSCRIPTION` when no area subscription has that queryId
   */
  setArea(queryId: number, area: Area): void {
    const request = this.pending.get(queryId)
    if (request?.kind === 'subscribe' && request.sub.area !== null) {
      this.pending.set(queryId, { ...request, sub: { ...request.sub, area } })
      return
    }
    const sub = this.subs.get(queryId)
    if (sub === undefined || sub.area === null) {
      throw new SyncError('ERR_UNKNOWN_SUBSCRIPTION', `no area subscription ${queryId}`)
    }
    const moved = { ...sub, area }
    this.subs.set(queryId, moved)
    this.areaSubs = this.areaSubs.map((s) => (s.queryId === queryId ? moved : s))
    this.areaMoved = true
  }

  /**
   * Serves the waiting requests and recomputes the covered tables.
   *
   * @returns whether anything changed (the view must then be reconciled)
   */
  apply(): boolean {
    if (this.pending.size === 0) return false
    for (const request of this.pending.values()) {
      if (request.kind === 'subscribe') {
        this.subs.set(request.sub.queryId, request.sub)
        this.acks.push({ kind: 'applied', requestId: request.requestId, queryId: request.sub.queryId })
      } else {
        this.subs.delete(request.queryId)
        this.acks.push({ kind: 'unsubscribed', requestId: request.requestId, queryId: request.queryId })
      }
    }
    this.pending.clear()
    this.wholeMask = 0
    this.areaMask = 0
    this.areaSubs = []
    for (const sub of this.subs.values()) {
      if (sub.area === null) this.wholeMask |= sub.tables
      else {
        this.areaMask |= sub.tables
        this.areaSubs.push(sub)
      }
    }
    return true
  }

  /** Whether an area moved since the last call. */
  takeAreaMoved(): boolean {
    const moved = this.areaMoved
    this.areaMoved = false
    return moved
  }

  /** Hands over the acknowledgements owed. */
  takeAcks(): readonly PendingAck[] {
    // Nearly every flush has none: no array is made for them.
    return this.acks.length === 0 ? NO_ACKS : this.acks.splice(0)
  }

  /** A request for `queryId` still waits: it is answered as superseded, and the new one replaces it. */
  private supersede(queryId: number): void {
    const previous = this.pending.get(queryId)
    if (previous === undefined) return
    this.pending.delete(queryId)
    this.acks.push({ kind: 'superseded', requestId: previous.requestId, queryId })
  }

  /** Distinct queryIds served or pending (a re-subscribe of a served query counts once). */
  private heldQueryIds(): number {
    let n = this.subs.size
    for (const queryId of this.pending.keys()) if (!this.subs.has(queryId)) n++
    return n
  }
}
