import type { Component, Entity, Field } from '@orrery/ecs'
import { describeSchema, encodeServerMessage, type ServerMessage } from '@orrery/protocol'
import type { ServedSubscription } from './area-subscription.js'
import { ChangeIndex } from './change-index.js'
import { captureClientView, type ClientState, restoreClientView } from './client-state.js'
import { ClientView, type FlushContext, type PendingAck } from './client-view.js'
import { SyncError } from './sync-error.js'
import { UpdateDraft } from './update-draft.js'
import { encodeUpdate } from './update-encoder.js'
import type { Replicator, ReplicatorOptions } from './replicator-types.js'
import { accessorsOf, type WirePlan, wirePlans } from './wire-plan.js'

export type { ClientSink, Replicator, ReplicatorOptions, ReplicatorStats } from './replicator-types.js'

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
 * Creates the server-side replicator.
 *
 * @param options - see {@link ReplicatorOptions}
 * @returns a {@link Replicator}
 * @throws ProtocolError `ERR_INVALID_SCHEMA` when the components cannot be described (duplicate names, more than 32 fields, a bad step)
 * @throws SyncError `ERR_TOO_MANY_TABLES` with more than 32 replicated components; `ERR_PRIVATE_COMPONENT` when one
 *   of them has `visibility: 'private'`; `ERR_INVALID_OPTIONS` when `initialSeq`, `initialTick` or
 *   `predictionTolerance` is not a non-negative safe integer
 * @example
 * ```ts
 * import { createWorld, defineComponent } from '@orrery/ecs'
 * const Body = defineComponent('Body', { x: 'f32', y: 'f32' }, { spatial: { x: 'x', y: 'y', cellSize: 50 } })
 * const Player = defineComponent('Player', { name: 'string' })
 * const world = createWorld({ components: [Body, Player] })
 * declare const socket: WebSocket
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
  let budgetBytes = options.updateBudgetBytes ?? 16_384
  let hysteresis = options.hysteresis ?? null
  const schema = describeSchema({ components }).components
  const tableIdByName = new Map<string, number>(components.map((c, i) => [c.name, i]))
  const plans: WirePlan[] = wirePlans(components)
  const qOffsets: number[] = []
  let qSlots = 0
  for (const plan of plans) {
    qOffsets.push(qSlots)
    qSlots += plan.quantized
  }
  const changes = new ChangeIndex(components)
  const draft = new UpdateDraft(components.length)
  const clients = new Map<string, ClientView>()
  const afterUpdate = new Map<string, ServerMessage[]>()
  const stats = { bytesSent: 0, framesSent: 0, updates: 0, deferredFlushes: 0, collectMs: 0, encodeMs: 0 }
  const scope = options.eventScope ?? (() => null)
  const frequentComponents = options.frequent ?? []
  const tolerance = options.predictionTolerance ?? 0
  if (!Number.isSafeInteger(tolerance) || tolerance < 0) {
    throw new SyncError('ERR_INVALID_OPTIONS', `predictionTolerance must be a non-negative integer, got ${tolerance}`)
  }
  const frequent = (e: Entity): boolean => {
    for (let k = 0; k < frequentComponents.length; k++) if (world.has(e, frequentComponents[k] as Component)) return true
    return false
  }
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
      }, ctx.changes, tolerance)
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
    retune(settings) {
      if (settings.updateBudgetBytes !== undefined) budgetBytes = settings.updateBudgetBytes
      if (settings.hysteresis !== undefined) hysteresis = settings.hysteresis
    },
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
      changes.add(changeSet)
      seq++
      return seq
    },
    addClient(clientId, sink, state?: ClientState) {
      if (clients.has(clientId)) {
        throw new SyncError('ERR_DUPLICATE_CLIENT', `client ${JSON.stringify(clientId)} is already added`)
      }
      const canSend = sink.canSend ?? (() => true)
      const view = new ClientView(
        sink.send,
        canSend,
        sink.identity ?? null,
        components.length,
        maxSubscriptions,
        qSlots,
        { seq, tick: flushedTick, time: flushedTime },
        frequentComponents.length > 0,
      )
      if (state !== undefined) {
        const queued = restoreClientView(view, state, { seq, tick: flushedTick })
        if (queued.length > 0) afterUpdate.set(clientId, queued)
      }
      clients.set(clientId, view)
    },
    captureClient(clientId) {
      const view = clients.get(clientId)
      return view === undefined ? undefined : captureClientView(view, afterUpdate.get(clientId) ?? [], { seq, tick: flushedTick })
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
      changes.seal(scope)
      const ctx: FlushContext = { world, plans, accessors, changes, budgetBytes, hysteresis, frequent }
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
