import type { ChangeSet, Component, Field, World } from '@orrery/ecs'
import { type Area, type ComponentDescription, describeSchema, encodeServerMessage, type ProtocolEvent, type ServerMessage } from '@orrery/protocol'
import type { ServedSubscription } from './area-subscription.js'
import { ChangeIndex, type EventScope } from './change-index.js'
import { ChangeMerger } from './change-merger.js'
import { ClientView, type FlushContext, type PendingAck } from './client-view.js'
import { SyncError } from './sync-error.js'
import { UpdateDraft } from './update-draft.js'
import { encodeUpdate } from './update-encoder.js'
import { accessorsOf, type WirePlan, wirePlans } from './wire-plan.js'

/** Flushes a client's ack and call results may wait for rows the byte budget keeps back (0.5 s at 20 Hz). */
const MAX_HELD_ACKS = 10

function ackMessage(ack: PendingAck, seq: number): ServerMessage {
  switch (ack.kind) {
    case 'applied':
      return { type: 'SubscribeApplied', requestId: ack.requestId, queryId: ack.queryId, seq }
    case 'unsubscribed':
      return { type: 'Unsubscribed', requestId: ack.requestId, queryId: ack.queryId }
    case 'superseded':
      return {
        type: 'Error',
        code: 'ERR_SUPERSEDED',
        message: 'superseded',
        requestId: ack.requestId,
      }
  }
}

/**
 * Options of {@link createReplicator}.
 *
 * @example
 * ```ts
 * const options: ReplicatorOptions = { world, components: [Body, Player], maxSubscriptionsPerClient: 8, updateBudgetBytes: 8192 }
 * ```
 */
export interface ReplicatorOptions {
  /** The authoritative world whose committed change sets are replicated. */
  readonly world: World
  /** The replicated components; a component's table id is its index. Components not listed stay server-private. */
  readonly components: readonly Component[]
  /** The most subscriptions one client may hold at once (pending ones count); default 16. */
  readonly maxSubscriptionsPerClient?: number
  /**
   * Estimated bytes one client's update may carry per flush; rows beyond it wait for later ticks, the
   * nearest and longest-waiting first. Default 16,384 (≈ 320 KB/s at 20 Hz).
   */
  readonly updateBudgetBytes?: number
  /** World units beyond an area's margin before an entity leaves the view; default a tenth of the area's larger side. */
  readonly hysteresis?: number
  /**
   * The entity or entities an event concerns: such an event reaches only the clients that see one of them
   * (before the window's deletes); `null` or no function: every client hears it.
   */
  readonly eventScope?: (event: ProtocolEvent) => EventScope
  /**
   * The seq of the world as it is handed over (default 0): a server that recovered its world from a commit
   * log passes the recovered seq, so that the seqs the replicator gives out continue the log's.
   */
  readonly initialSeq?: number
  /** The tick of the world as it is handed over (default 0): the tick a Welcome carries before the first flush. */
  readonly initialTick?: number
}

/**
 * How a client receives frames.
 *
 * @example
 * ```ts
 * const sink: ClientSink = { send: (frame) => ws.send(frame), canSend: () => ws.bufferedAmount < 256 * 1024 }
 * ```
 */
export interface ClientSink {
  /** Called with each encoded frame for that client; it should not throw. */
  readonly send: (frame: Uint8Array) => void
  /**
   * False while the client's socket is too far behind: its changes then wait, collapsed to the newest
   * value per field, and go out in one update once it catches up. Default: always true.
   */
  readonly canSend?: () => boolean
  /** The client's identity: it receives the rows of owner-only components whose owner field holds it. Default: none (no owner-only rows). */
  readonly identity?: string
}

/**
 * Counters of what a replicator sent, since it was created.
 *
 * @example
 * ```ts
 * const { bytesSent, framesSent, updatesSkipped }: ReplicatorStats = replicator.stats
 * ```
 */
export interface ReplicatorStats {
  /** Bytes handed to `send`, summed over every client. */
  readonly bytesSent: number
  /** Frames handed to `send`, summed over every client. */
  readonly framesSent: number
  /** Updates encoded (one per client per flush with something to say). */
  readonly updates: number
  /** Client flushes folded without sending because the client's socket was behind. */
  readonly deferredFlushes: number
  /** Time spent in {@link Replicator.flush}: collecting views (ms, summed). */
  readonly collectMs: number
  /** Time spent in {@link Replicator.flush}: encoding frames (ms, summed). */
  readonly encodeMs: number
}

/**
 * The server half of sync: turns committed change sets into one TransactionUpdate per client and flush,
 * holding only what that client's subscriptions and areas of interest cover.
 *
 * @example
 * ```ts
 * const replicator: Replicator = createReplicator({ world, components: [Body] })
 * replicator.addClient('c1', { send: (frame) => socket.send(frame) })
 * replicator.commit(world.transaction(() => world.add(world.create(), Body)).changes)
 * replicator.flush(1, Date.now())
 * ```
 */
export interface Replicator {
  /** The seq of the last committed non-empty change set (0 before any). */
  readonly seq: number
  /** The tick and time of the last flush (what a new client's Welcome carries). */
  readonly flushedTick: number
  readonly flushedTime: number
  /** The replicated tables as `[name, [[field, type, step?], ...]]`, index = table id; the `components` of a Welcome schema. */
  readonly schema: readonly ComponentDescription[]
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
   * Starts following a client; its first update's `prevSeq` is {@link Replicator.seq} now (send that in Welcome).
   *
   * @param clientId - a unique id of the connection
   * @param sink - how frames reach it
   * @throws SyncError `ERR_DUPLICATE_CLIENT` when the id is already added
   */
  addClient(clientId: string, sink: ClientSink): void
  /**
   * Forgets a client, its subscriptions, handles and requests; unknown ids are ignored.
   *
   * @param clientId - the id given to {@link Replicator.addClient}
   */
  removeClient(clientId: string): void
  /**
   * Subscribes a client to rows of some components: every row, or with `area` the rows of the entities
   * whose position lies in the area. The rows go out as inserts in the next updates, then SubscribeApplied.
   * A request for a queryId that already waits replaces it (the last one wins).
   *
   * @param clientId - an added client
   * @param requestId - u32 echoed in SubscribeApplied
   * @param queryId - u32 naming the subscription; subscribing an existing queryId replaces it
   * @param componentNames - component names, as in {@link Replicator.schema}
   * @param area - the area of interest (world units), or null for whole tables
   * @throws SyncError `ERR_UNKNOWN_CLIENT`, `ERR_UNKNOWN_COMPONENT`, `ERR_NO_POSITION` (an area without a
   *   component that has a spatial index) or `ERR_TOO_MANY_SUBSCRIPTIONS`
   */
  subscribe(clientId: string, requestId: number, queryId: number, componentNames: readonly string[], area?: Area | null): void
  /**
   * Moves the area of an area subscription; entities entering and leaving go out in the next update.
   *
   * @throws SyncError `ERR_UNKNOWN_CLIENT` or `ERR_UNKNOWN_SUBSCRIPTION`
   */
  setArea(clientId: string, queryId: number, area: Area): void
  /**
   * Ends a subscription; the rows no other subscription covers go out as deletes, then Unsubscribed.
   *
   * @throws SyncError `ERR_UNKNOWN_CLIENT`
   */
  unsubscribe(clientId: string, requestId: number, queryId: number): void
  /**
   * Records that a client's reducer call ran (its effects are in the next update, whose `ack` names it).
   *
   * @param clientId - an added client (unknown ids are ignored)
   * @param requestId - the call's requestId
   */
  acknowledge(clientId: string, requestId: number): void
  /**
   * Sends a frame to a client after its next update (e.g. a ReducerResult, so that the call's effects are
   * applied when the result arrives).
   *
   * @param clientId - an added client (unknown ids are ignored)
   * @param message - the message to send
   */
  sendAfterUpdate(clientId: string, message: ServerMessage): void
  /**
   * Sends a frame to a client after the update that carries its latest acknowledged call: at once when that
   * update is already out, else after the client's next update (as {@link Replicator.sendAfterUpdate}). For a
   * ReducerResult that waited for something else (e.g. its transaction's durability) after the call ran.
   *
   * @param clientId - an added client (unknown ids are ignored)
   * @param message - the message to send
   * @throws the error encoding the message or `send` threw, when it is sent at once
   */
  sendAfterAck(clientId: string, message: ServerMessage): void
  /**
   * Ends a tick: for each client, one TransactionUpdate with what changed in its view (none when nothing
   * did), then its acknowledgements and queued messages.
   *
   * @param tick - the server tick number
   * @param serverTime - wall-clock time, ms since the Unix epoch
   * @throws the error a `send` call threw (the first one; `AggregateError` when several), after every other client was served
   */
  flush(tick: number, serverTime: number): void
}

/**
 * Creates the server-side replicator.
 *
 * @param options - see {@link ReplicatorOptions}
 * @returns a {@link Replicator}
 * @throws ProtocolError `ERR_INVALID_SCHEMA` when the components cannot be described (duplicate names, more than 32 fields, a bad step)
 * @throws SyncError `ERR_TOO_MANY_TABLES` with more than 32 replicated components; `ERR_PRIVATE_COMPONENT` when one
 *   of them has `visibility: 'private'`; `ERR_INVALID_OPTIONS` when `initialSeq` or `initialTick` is not a
 *   non-negative safe integer
 * @example
 * ```ts
 * const replicator = createReplicator({ world, components: [Body, Player] })
 * replicator.addClient('c1', { send: (frame) => socket.send(frame) })
 * replicator.subscribe('c1', 1, 1, ['Body'], { minX: 0, minY: 0, maxX: 100, maxY: 100, margin: 10 })
 * replicator.flush(1, Date.now()) // TransactionUpdate with the rows in the area, then SubscribeApplied
 * ```
 */
export function createReplicator(options: ReplicatorOptions): Replicator {
  const { world, components } = options
  if (components.length > 32) throw new SyncError('ERR_TOO_MANY_TABLES', 'at most 32 replicated components')
  for (const c of components) {
    if ((c.options as { visibility?: unknown }).visibility === 'private') {
      throw new SyncError('ERR_PRIVATE_COMPONENT', `component ${c.name} is private: leave it out of the replicated components`)
    }
  }
  const maxSubscriptions = options.maxSubscriptionsPerClient ?? 16
  const budgetBytes = options.updateBudgetBytes ?? 16_384
  const schema = describeSchema({ components }).components
  const tableIdByName = new Map<string, number>(components.map((c, i) => [c.name, i]))
  const plans: WirePlan[] = wirePlans(components)
  const qOffsets: number[] = []
  let qSlots = 0
  for (const plan of plans) {
    qOffsets.push(qSlots)
    qSlots += plan.quantized
  }
  const merger = new ChangeMerger(components)
  const changes = new ChangeIndex(components.length)
  const draft = new UpdateDraft(components.length)
  const clients = new Map<string, ClientView>()
  const afterUpdate = new Map<string, ServerMessage[]>()
  const stats = { bytesSent: 0, framesSent: 0, updates: 0, deferredFlushes: 0, collectMs: 0, encodeMs: 0 }
  const scope = options.eventScope ?? (() => null)
  let accessors: (readonly Field<unknown>[])[] | null = null
  let seq = startValue(options.initialSeq, 'initialSeq')
  let flushedTick = startValue(options.initialTick, 'initialTick')
  let flushedTime = Date.now()

  const deliver = (client: ClientView, frame: Uint8Array, errors: unknown[]): void => {
    try {
      client.send(frame)
      stats.bytesSent += frame.byteLength
      stats.framesSent++
    } catch (error) {
      errors.push(error)
    }
  }

  const queueAfterUpdate = (clientId: string, message: ServerMessage): void => {
    const queued = afterUpdate.get(clientId)
    if (queued === undefined) afterUpdate.set(clientId, [message])
    else queued.push(message)
  }

  const clientOf = (clientId: string): ClientView => {
    const client = clients.get(clientId)
    if (client === undefined) throw new SyncError('ERR_UNKNOWN_CLIENT', `no client ${JSON.stringify(clientId)}`)
    return client
  }

  const flushClient = (clientId: string, client: ClientView, ctx: FlushContext, tick: number, time: number, errors: unknown[]): void => {
    if (!client.canSend()) {
      client.fold(ctx)
      stats.deferredFlushes++
      return
    }
    const t0 = performance.now()
    draft.clear()
    client.collect(ctx, draft)
    const t1 = performance.now()
    // Call results follow the update that holds every effect of the call: while the budget keeps rows back,
    // the ack and the results wait too, for at most MAX_HELD_ACKS flushes.
    const hold = (client.deferred || client.updatesDeferred) && client.heldAcks < MAX_HELD_ACKS
    client.heldAcks = hold ? client.heldAcks + 1 : 0
    let frame: Uint8Array | null = null
    try {
      frame = encodeUpdate(client.handles, draft, plans, ctx.accessors, qOffsets, {
        seq,
        prevSeq: client.lastSeq,
        tickDelta: tick - client.lastTick,
        timeDelta: Math.max(0, time - client.lastTime),
        ack: hold ? null : client.ack,
      })
    } catch (error) {
      errors.push(error)
    }
    stats.collectMs += t1 - t0
    stats.encodeMs += performance.now() - t1
    if (frame !== null) {
      stats.updates++
      client.lastSeq = seq
      client.lastTick = tick
      client.lastTime = time
      if (!hold) client.ack = null
      deliver(client, frame, errors)
    }
    for (const ack of client.takeReadyAcks()) deliver(client, encodeServerMessage(ackMessage(ack, client.lastSeq)), errors)
    if (hold) return
    const queued = afterUpdate.get(clientId)
    if (queued !== undefined) {
      afterUpdate.delete(clientId)
      for (const message of queued) {
        try {
          deliver(client, encodeServerMessage(message), errors)
        } catch (error) {
          errors.push(error)
        }
      }
    }
  }

  return {
    get seq() {
      return seq
    },
    get flushedTick() {
      return flushedTick
    },
    get flushedTime() {
      return flushedTime
    },
    schema,
    stats,
    commit(changeSet) {
      if (changeSet.isEmpty) return seq
      merger.add(changeSet)
      seq++
      return seq
    },
    addClient(clientId, sink) {
      if (clients.has(clientId)) {
        throw new SyncError('ERR_DUPLICATE_CLIENT', `client ${JSON.stringify(clientId)} is already added`)
      }
      const canSend = sink.canSend ?? (() => true)
      clients.set(
        clientId,
        new ClientView(sink.send, canSend, sink.identity ?? null, components.length, maxSubscriptions, qSlots, { seq, tick: flushedTick, time: flushedTime }),
      )
    },
    removeClient(clientId) {
      clients.delete(clientId)
      afterUpdate.delete(clientId)
    },
    subscribe(clientId, requestId, queryId, componentNames, area = null) {
      const client = clientOf(clientId)
      let tables = 0
      let positionTable = -1
      for (const name of componentNames) {
        const tableId = tableIdByName.get(name)
        if (tableId === undefined) {
          throw new SyncError('ERR_UNKNOWN_COMPONENT', `no replicated component ${JSON.stringify(name)}`)
        }
        tables = (tables | (1 << tableId)) >>> 0
        if (positionTable === -1 && (plans[tableId] as WirePlan).spatialX >= 0) positionTable = tableId
      }
      if (area !== null && positionTable === -1) {
        throw new SyncError('ERR_NO_POSITION', 'an area subscription needs a component with a spatial index')
      }
      const sub: ServedSubscription = { queryId, tables, area, positionTable: area === null ? -1 : positionTable }
      client.requestSubscribe(requestId, sub)
    },
    setArea(clientId, queryId, area) {
      clientOf(clientId).setArea(queryId, area)
    },
    unsubscribe(clientId, requestId, queryId) {
      clientOf(clientId).requestUnsubscribe(requestId, queryId)
    },
    acknowledge(clientId, requestId) {
      const client = clients.get(clientId)
      if (client !== undefined) client.ack = requestId
    },
    sendAfterUpdate(clientId, message) {
      if (clients.has(clientId)) queueAfterUpdate(clientId, message)
    },
    sendAfterAck(clientId, message) {
      const client = clients.get(clientId)
      if (client === undefined) return
      if (client.ack !== null || afterUpdate.has(clientId)) {
        queueAfterUpdate(clientId, message)
        return
      }
      const errors: unknown[] = []
      deliver(client, encodeServerMessage(message), errors)
      if (errors.length > 0) throw errors[0]
    },
    flush(tick, serverTime) {
      const errors: unknown[] = []
      accessors ??= plans.map((plan) => accessorsOf(world, plan))
      changes.load(merger.take(), scope)
      const ctx: FlushContext = { world, plans, accessors, changes, budgetBytes, hysteresis: options.hysteresis ?? null }
      // Every flush, so that each position table's grid knows where every touched entity was at the last one.
      for (const plan of plans) if (plan.spatialX >= 0) changes.touchedGrid(world, plan, accessors[plan.tableId] as readonly Field<unknown>[])
      for (const [clientId, client] of clients) flushClient(clientId, client, ctx, tick, serverTime, errors)
      flushedTick = tick
      flushedTime = serverTime
      if (errors.length === 1) throw errors[0]
      if (errors.length > 1) throw new AggregateError(errors, `${errors.length} frames could not be sent`)
    },
  }
}

function startValue(value: number | undefined, name: string): number {
  if (value === undefined) return 0
  if (!Number.isSafeInteger(value) || value < 0) throw new SyncError('ERR_INVALID_OPTIONS', `${name} must be a non-negative safe integer, got ${value}`)
  return value
}
