import type { ChangeSet, Component, World } from '@orrery/ecs'
import {
  type ComponentDescription,
  describeSchema,
  encodeServerMessage,
  type SubscribeApplied,
  type TableSnapshot,
} from '@orrery/protocol'
import { ChangeMerger } from './change-merger.js'
import { ClientSubscriptions } from './client-subscriptions.js'
import { filterToView, HistoryRing } from './history-ring.js'
import { SyncError } from './sync-error.js'
import { buildTableSnapshot, buildTableUpdates } from './table-updates.js'

/**
 * Options of {@link createReplicator}.
 *
 * @example
 * ```ts
 * const options: ReplicatorOptions = { world, components: [Body, Player], historySize: 512, maxSubscriptionsPerClient: 8 }
 * ```
 */
export interface ReplicatorOptions {
  /** The authoritative world whose committed change sets are replicated. */
  readonly world: World
  /** The replicated components; a component's table id is its index. Components not listed stay server-private. */
  readonly components: readonly Component[]
  /** How many flushed updates the history ring keeps (ticks with changes); default 256. */
  readonly historySize?: number
  /** The most subscriptions one client may hold at once (pending ones count); default 16. */
  readonly maxSubscriptionsPerClient?: number
}

/**
 * Counters of what a replicator sent, since it was created.
 *
 * @example
 * ```ts
 * const { bytesSent, framesSent, encodes }: ReplicatorStats = replicator.stats
 * ```
 */
export interface ReplicatorStats {
  /** Bytes handed to `send`, summed over every client. */
  readonly bytesSent: number
  /** Frames handed to `send`, summed over every client. */
  readonly framesSent: number
  /** Calls of `encodeServerMessage` (one per distinct view per flush, plus one per snapshot or Unsubscribed). */
  readonly encodes: number
}

/**
 * The server half of sync: turns committed change sets into per-view TransactionUpdate frames.
 *
 * @example
 * ```ts
 * const replicator: Replicator = createReplicator({ world, components: [Body] })
 * const { changes } = world.transaction(() => world.add(world.create(), Body))
 * replicator.commit(changes)
 * replicator.flush(tick, Date.now())
 * ```
 */
export interface Replicator {
  /** The seq of the last committed non-empty change set (0 before any). */
  readonly seq: number
  /** The seq the last flush sent (the `prevSeq` of the next TransactionUpdate); put it in Welcome. */
  readonly flushedSeq: number
  /** The replicated tables as `[name, [[field, type], ...]]`, index = table id; the `components` of a Welcome schema. */
  readonly schema: readonly ComponentDescription[]
  /** The flushed updates kept for clients that come back (resume). */
  readonly history: HistoryRing
  /** What was sent so far. */
  readonly stats: ReplicatorStats
  /**
   * Records a committed change set; non-empty ones get the next seq.
   *
   * @param changes - the `changes` of `world.transaction(...)`, in commit order
   * @returns the seq of this change set, or the current seq when it is empty
   */
  commit(changes: ChangeSet): number
  /**
   * Starts sending updates to a client from the next flush on (its first update has `prevSeq` = {@link Replicator.flushedSeq}).
   *
   * @param clientId - a unique id of the connection
   * @param send - called with each encoded frame for that client; it should not throw
   * @throws SyncError `ERR_DUPLICATE_CLIENT` when the id is already added
   */
  addClient(clientId: string, send: (frame: Uint8Array) => void): void
  /**
   * Forgets a client, its subscriptions and its unserved requests; unknown ids are ignored.
   *
   * @param clientId - the id given to {@link Replicator.addClient}
   */
  removeClient(clientId: string): void
  /**
   * Subscribes a client to every row of some components; SubscribeApplied is sent at the next flush, after that tick's update.
   *
   * @param clientId - an added client
   * @param requestId - u32 echoed in SubscribeApplied
   * @param queryId - u32 naming the subscription; subscribing an existing queryId replaces it
   * @param componentNames - component names, as in {@link Replicator.schema}
   * @throws SyncError `ERR_UNKNOWN_CLIENT`, `ERR_UNKNOWN_COMPONENT` or `ERR_TOO_MANY_SUBSCRIPTIONS`
   */
  subscribe(clientId: string, requestId: number, queryId: number, componentNames: readonly string[]): void
  /**
   * Ends a subscription; Unsubscribed is sent at the next flush, after that tick's update (also for an unknown queryId).
   *
   * @param clientId - an added client
   * @param requestId - u32 echoed in Unsubscribed
   * @param queryId - the subscription to end
   * @throws SyncError `ERR_UNKNOWN_CLIENT`
   */
  unsubscribe(clientId: string, requestId: number, queryId: number): void
  /**
   * Ends a tick: sends the merged update of every change set committed since the last flush (if seq advanced),
   * encoded once per distinct view, records it in the history, then serves pending subscribes and unsubscribes.
   *
   * @param tick - the server tick number
   * @param serverTime - wall-clock time, ms since the Unix epoch
   * @throws the error a `send` call or an encode threw (the first one; `AggregateError` when several), after every other client was served
   */
  flush(tick: number, serverTime: number): void
}

/**
 * Creates the server-side replicator: the bridge from committed change sets to the TransactionUpdate frames each client needs.
 *
 * @param options - `world`: the authoritative world; `components`: replicated components (table id = index);
 *   `historySize`: flushed updates kept (default 256); `maxSubscriptionsPerClient`: default 16
 * @returns a {@link Replicator}
 * @throws ProtocolError `ERR_INVALID_SCHEMA` when the components cannot be described (duplicate names, more than 32 fields)
 * @throws RangeError when `historySize` is not a positive integer
 * @example
 * ```ts
 * const replicator = createReplicator({ world, components: [Body, Player] })
 * replicator.addClient('c1', (frame) => socket.send(frame))
 * replicator.subscribe('c1', 1, 1, ['Body'])
 * replicator.commit(world.transaction(() => world.add(world.create(), Body, { x: 1 })).changes)
 * replicator.flush(1, Date.now()) // TransactionUpdate, then SubscribeApplied
 * ```
 */
export function createReplicator(options: ReplicatorOptions): Replicator {
  const { world, components } = options
  const maxSubscriptions = options.maxSubscriptionsPerClient ?? 16
  const schema = describeSchema({ components }).components
  const tableIdByName = new Map<string, number>(components.map((c, i) => [c.name, i]))
  const merger = new ChangeMerger(components)
  const history = new HistoryRing(options.historySize ?? 256)
  const clients = new Map<string, ClientSubscriptions>()
  const stats = { bytesSent: 0, framesSent: 0, encodes: 0 }
  let seq = 0
  let flushedSeq = 0

  const encode = (message: Parameters<typeof encodeServerMessage>[0]): Uint8Array => {
    stats.encodes++
    return encodeServerMessage(message)
  }

  const deliver = (client: ClientSubscriptions, frame: Uint8Array, errors: unknown[]): void => {
    try {
      client.send(frame)
      stats.bytesSent += frame.byteLength
      stats.framesSent++
    } catch (error) {
      errors.push(error)
    }
  }

  const sendUpdate = (tick: number, serverTime: number, errors: unknown[]): void => {
    const merged = merger.take()
    const entry = {
      prevSeq: flushedSeq,
      seq,
      tick,
      serverTime,
      tables: buildTableUpdates(world, components, merged),
      events: merged.events,
    }
    history.push(entry)
    flushedSeq = seq
    const views = new Map<string, ClientSubscriptions[]>()
    for (const client of clients.values()) {
      const group = views.get(client.viewKey)
      if (group === undefined) views.set(client.viewKey, [client])
      else group.push(client)
    }
    for (const group of views.values()) {
      let frame: Uint8Array
      try {
        frame = encode(filterToView(entry, (group[0] as ClientSubscriptions).view))
      } catch (error) {
        errors.push(error)
        continue
      }
      for (const client of group) deliver(client, frame, errors)
    }
  }

  const serveRequests = (errors: unknown[]): void => {
    const snapshots = new Map<number, TableSnapshot>()
    const snapshotOf = (tableId: number): TableSnapshot => {
      let snapshot = snapshots.get(tableId)
      if (snapshot === undefined) {
        snapshot = buildTableSnapshot(world, components[tableId] as Component, tableId)
        snapshots.set(tableId, snapshot)
      }
      return snapshot
    }
    for (const client of clients.values()) {
      if (!client.hasPending) continue
      for (const request of client.takePending()) {
        client.serve(request)
        let frame: Uint8Array
        try {
          if (request.kind === 'subscribe') {
            const message: SubscribeApplied = {
              type: 'SubscribeApplied',
              requestId: request.requestId,
              queryId: request.queryId,
              seq: flushedSeq,
              tables: request.tableIds.map(snapshotOf),
            }
            frame = encode(message)
          } else {
            frame = encode({ type: 'Unsubscribed', requestId: request.requestId, queryId: request.queryId })
          }
        } catch (error) {
          errors.push(error)
          continue
        }
        deliver(client, frame, errors)
      }
    }
  }

  const clientOf = (clientId: string): ClientSubscriptions => {
    const client = clients.get(clientId)
    if (client === undefined) throw new SyncError('ERR_UNKNOWN_CLIENT', `no client ${JSON.stringify(clientId)}`)
    return client
  }

  return {
    get seq() {
      return seq
    },
    get flushedSeq() {
      return flushedSeq
    },
    schema,
    history,
    stats,
    commit(changes) {
      if (changes.isEmpty) return seq
      merger.add(changes)
      seq++
      return seq
    },
    addClient(clientId, send) {
      if (clients.has(clientId)) {
        throw new SyncError('ERR_DUPLICATE_CLIENT', `client ${JSON.stringify(clientId)} is already added`)
      }
      clients.set(clientId, new ClientSubscriptions(send, maxSubscriptions))
    },
    removeClient(clientId) {
      clients.delete(clientId)
    },
    subscribe(clientId, requestId, queryId, componentNames) {
      const client = clientOf(clientId)
      const tableIds: number[] = []
      for (const name of componentNames) {
        const tableId = tableIdByName.get(name)
        if (tableId === undefined) {
          throw new SyncError('ERR_UNKNOWN_COMPONENT', `no replicated component ${JSON.stringify(name)}`)
        }
        if (!tableIds.includes(tableId)) tableIds.push(tableId)
      }
      client.requestSubscribe(requestId, queryId, tableIds)
    },
    unsubscribe(clientId, requestId, queryId) {
      const client = clientOf(clientId)
      client.requestUnsubscribe(requestId, queryId)
    },
    flush(tick, serverTime) {
      const errors: unknown[] = []
      if (seq !== flushedSeq) sendUpdate(tick, serverTime, errors)
      serveRequests(errors)
      if (errors.length === 1) throw errors[0]
      if (errors.length > 1) throw new AggregateError(errors, `${errors.length} frames could not be sent`)
    },
  }
}
