import { SyncError } from './sync-error.js'

/** A subscription request waiting for the next flush. */
export type PendingRequest =
  | { readonly kind: 'subscribe'; readonly requestId: number; readonly queryId: number; readonly tableIds: readonly number[] }
  | { readonly kind: 'unsubscribe'; readonly requestId: number; readonly queryId: number }

/**
 * The subscriptions of one client on the server: the requests waiting for the next flush, the ones
 * served, and the view they add up to (the set of table ids whose changes the client receives).
 */
export class ClientSubscriptions {
  /** The table ids of every served subscription. */
  view: ReadonlySet<number> = new Set()
  /** The view as a canonical string (sorted ids), for grouping clients of the same view. */
  viewKey = ''
  private readonly active = new Map<number, readonly number[]>()
  /** Served and unserved subscriptions, for the limit. */
  private readonly declared = new Set<number>()
  private pending: PendingRequest[] = []

  /**
   * @param send - the client's frame sink
   * @param maxSubscriptions - the most subscriptions it may hold, pending ones included
   */
  constructor(
    readonly send: (frame: Uint8Array) => void,
    private readonly maxSubscriptions: number,
  ) {}

  /** Whether requests wait for the next flush. */
  get hasPending(): boolean {
    return this.pending.length > 0
  }

  /**
   * Queues a subscription (replacing the one with the same queryId).
   *
   * @throws SyncError `ERR_TOO_MANY_SUBSCRIPTIONS` when the client is at its limit
   */
  requestSubscribe(requestId: number, queryId: number, tableIds: readonly number[]): void {
    if (!this.declared.has(queryId) && this.declared.size >= this.maxSubscriptions) {
      throw new SyncError('ERR_TOO_MANY_SUBSCRIPTIONS', `a client may hold at most ${this.maxSubscriptions} subscriptions`)
    }
    this.declared.add(queryId)
    this.pending.push({ kind: 'subscribe', requestId, queryId, tableIds })
  }

  /** Queues the end of a subscription. */
  requestUnsubscribe(requestId: number, queryId: number): void {
    this.declared.delete(queryId)
    this.pending.push({ kind: 'unsubscribe', requestId, queryId })
  }

  /** Hands over the queued requests, oldest first. */
  takePending(): PendingRequest[] {
    const pending = this.pending
    this.pending = []
    return pending
  }

  /** Makes a served request part of the view. */
  serve(request: PendingRequest): void {
    if (request.kind === 'subscribe') this.active.set(request.queryId, request.tableIds)
    else this.active.delete(request.queryId)
    const view = new Set<number>()
    for (const tableIds of this.active.values()) for (const id of tableIds) view.add(id)
    this.view = view
    this.viewKey = [...view].sort((a, b) => a - b).join(',')
  }
}
