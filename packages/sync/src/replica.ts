import { type Component, createWorld, type Entity, type Schema, type World } from '@orrery/ecs'
import type { SchemaDescription, ServerMessage, SubscribeApplied, TransactionUpdate } from '@orrery/protocol'
import { type DeleteListener, type InsertListener, RowListeners, type UpdateListener } from './replica-listeners.js'
import { ReplicaStore } from './replica-store.js'
import { localTables, type ReplicaTable, replicaTables } from './replica-tables.js'
import { BaselineStore } from './baseline-store.js'
import { HandleEntities } from './handle-entities.js'
import { SyncError } from './sync-error.js'
import { type PlanState, planUpdate, type UpdatePlan } from './update-plan.js'

/**
 * Options of {@link createReplica}.
 *
 * @example
 * ```ts
 * import { defineComponent } from '@orrery/ecs'
 * import type { Welcome } from '@orrery/protocol'
 * const Body = defineComponent('Body', { x: 'f32', y: 'f32' })
 * const Player = defineComponent('Player', { name: 'string' })
 * declare const welcome: Welcome // the server's Welcome message
 * const options: ReplicaOptions = { components: [Body, Player], schema: welcome.schema }
 * ```
 */
export interface ReplicaOptions {
  /** The components the client knows; without a schema, a component's table id is its index here. */
  readonly components: readonly Component[]
  /** The server's schema (from Welcome): maps table ids to components by name, checks their fields, gives quantization steps. */
  readonly schema?: SchemaDescription
}

/**
 * Where a gap was seen: the replica's last applied seq (`expected`) and the `prevSeq` the update carried (`got`).
 *
 * @example
 * ```ts
 * declare const replica: Replica
 * replica.onGap(({ expected, got }: GapInfo) => console.warn(`missed ${expected} → ${got}, reconnecting`))
 * ```
 */
export interface GapInfo {
  readonly expected: number
  readonly got: number
}

/**
 * Where a session starts: its Welcome's `seq`, `tick` and `serverTime`.
 *
 * @example
 * ```ts
 * import type { Welcome } from '@orrery/protocol'
 * declare const replica: Replica
 * declare const welcome: Welcome // the server's Welcome message
 * replica.startSession({ seq: welcome.seq, tick: welcome.tick, serverTime: welcome.serverTime }, welcome.resumed)
 * ```
 */
export interface SessionStart {
  readonly seq: number
  readonly tick: number
  /** ms since the Unix epoch. */
  readonly serverTime: number
}

/**
 * The client half of sync: an ECS world that follows the server's TransactionUpdates, entities named by
 * the session's handles, quantized fields restored to `q × step`.
 *
 * @example
 * ```ts
 * import { defineComponent, type Entity } from '@orrery/ecs'
 * const Body = defineComponent('Body', { x: 'f32', y: 'f32' })
 * const sprites = new Map<Entity, unknown>()
 * const replica: Replica = createReplica({ components: [Body] })
 * replica.onDelete(Body, (e) => sprites.delete(e))
 * ```
 */
export interface Replica {
  /** The replica's world (change tracking off); entities carry the server's ids. */
  readonly world: World
  /** The seq of the last applied update or acknowledgement (0 before any). */
  readonly seq: number
  /** The server tick of the last applied update. */
  readonly tick: number
  /** The server time of the last applied update, ms since the Unix epoch. */
  readonly serverTime: number
  /** The latest acknowledged requestId (see `TransactionUpdate.ack`), or null before any. */
  readonly ack: number | null
  /**
   * Maps wire table ids to local components through the server's schema.
   *
   * @param schema - `welcome.schema`
   * @throws SyncError `ERR_SCHEMA_MISMATCH` when a component of the same name has other fields or types
   */
  setSchema(schema: SchemaDescription): void
  /**
   * Starts following a session from its Welcome. A fresh session (not resumed) forgets the handles and
   * marks every held row stale: rows the new session sends again are overwritten (announced as updates
   * when they changed), and {@link Replica.endResync} deletes the rows it did not send.
   *
   * @param start - the Welcome's seq, tick and serverTime (ignored when resumed: the replica keeps its own)
   * @param resumed - whether the server resumed the previous session (handles, rows, seq, tick and time stay valid)
   */
  startSession(start: SessionStart, resumed: boolean): void
  /** Deletes the rows a fresh session did not send again (call once its subscriptions are applied). */
  endResync(): void
  /**
   * Applies an update: deletes, releases, binds, inserts, then updates. `m.prevSeq !== seq` is a gap:
   * `onGap` listeners are told and nothing is applied.
   *
   * @param m - a TransactionUpdate message
   * @throws SyncError `ERR_INVALID_UPDATE` when the update is malformed (nothing is applied)
   * @throws SyncError `ERR_GAP` on a gap when no `onGap` listener is registered
   */
  applyUpdate(m: TransactionUpdate): void
  /**
   * Applies a SubscribeApplied: its rows came in the updates before it; its `seq` must be the replica's.
   *
   * @throws SyncError `ERR_GAP` (or `onGap`) when `m.seq` is not the replica's seq
   */
  applySubscribed(m: SubscribeApplied): void
  /**
   * Applies a server message if it is a TransactionUpdate or a SubscribeApplied.
   *
   * @param m - any server message
   * @returns true when the message was for the replica
   * @throws SyncError as {@link Replica.applyUpdate}
   */
  apply(m: ServerMessage): boolean
  /** Registers a listener for rows entering the replica; returns its removal. */
  onInsert<S extends Schema>(component: Component<S>, fn: InsertListener<S>): () => void
  /** Registers a listener for changed rows (`mask` bit i = `fields[i]`); returns its removal. */
  onUpdate<S extends Schema>(component: Component<S>, fn: UpdateListener<S>): () => void
  /** Registers a listener for rows leaving the replica, with their last values; returns its removal. */
  onDelete<S extends Schema>(component: Component<S>, fn: DeleteListener<S>): () => void
  /** Registers a listener for the events of each applied update; returns its removal. */
  onEvent(fn: (name: string, payload: unknown) => void): () => void
  /** Registers a listener for gaps (an update that does not follow `seq`); returns its removal. */
  onGap(fn: (info: GapInfo) => void): () => void
  /** Registers a listener called with the new `seq` after each applied update; returns its removal. */
  onApplied(fn: (seq: number) => void): () => void
  /** Registers a listener called with each update's `ack` (the latest requestId whose effects are applied); returns its removal. */
  onAck(fn: (requestId: number) => void): () => void
}

function listen<F>(set: Set<F>, fn: F): () => void {
  set.add(fn)
  return () => {
    set.delete(fn)
  }
}

/**
 * Creates a client replica: an ECS world kept equal to the server's view of this client.
 *
 * Listeners are called after a whole message is applied, so they see a consistent world:
 * row listeners first (deletes, inserts, updates), then events, then `onApplied`, then `onAck`.
 *
 * @param options - `components`: the client's components; `schema`: the server's schema from Welcome (optional)
 * @returns a {@link Replica}
 * @throws SyncError `ERR_SCHEMA_MISMATCH` when `schema` disagrees with `components`
 * @example
 * ```ts
 * import { defineComponent, type Entity } from '@orrery/ecs'
 * import type { ServerMessage, Welcome } from '@orrery/protocol'
 * const Body = defineComponent('Body', { x: 'f32', y: 'f32' })
 * const Player = defineComponent('Player', { name: 'string' })
 * declare const welcome: Welcome // the server's Welcome message
 * declare const connection: { on(event: 'message', listener: (m: ServerMessage) => void): void } // from @orrery/connection
 * declare function draw(e: Entity, x: number, y: number): void
 * const replica = createReplica({ components: [Body, Player], schema: welcome.schema })
 * replica.onInsert(Body, (e, body) => draw(e, body.x, body.y))
 * connection.on('message', (m) => replica.apply(m))
 * ```
 */
export function createReplica(options: ReplicaOptions): Replica {
  const components = options.components
  const world = createWorld({ components, trackChanges: false })
  const listeners = new RowListeners()
  const store = new ReplicaStore(world, components, listeners)
  const eventListeners = new Set<(name: string, payload: unknown) => void>()
  const gapListeners = new Set<(info: GapInfo) => void>()
  const appliedListeners = new Set<(seq: number) => void>()
  const ackListeners = new Set<(requestId: number) => void>()
  let tables: readonly (ReplicaTable | undefined)[] = localTables(components)
  const handleEntity = new HandleEntities()
  /** Per table component with quantized fields: each handle's quantized values and last steps. */
  const baselines = new Map<Component, BaselineStore>()
  let stale: Map<Component, Set<Entity>> | null = null
  let seq = 0
  let tick = 0
  let serverTime = 0
  let ack: number | null = null

  const state: PlanState = {
    entityOf: (h) => handleEntity.get(h),
    handleOf: (e) => handleEntity.handleOf(e),
    baselineOf: (table) => baselineOf(table),
    hasRow: (e, table) => store.hasRow(e, table.component),
    isStale: (e, table) => stale?.get(table.component)?.has(e) ?? false,
  }

  const gap = (expected: number, got: number): boolean => {
    const info: GapInfo = { expected, got }
    if (gapListeners.size === 0) throw new SyncError('ERR_GAP', `update after ${got} does not follow seq ${expected}`)
    for (const fn of gapListeners) fn(info)
    return true
  }

  const commit = (plan: UpdatePlan): void => {
    const d = plan.deletes
    for (let k = 0; k < d.count; k++) {
      const component = (d.tables[k] as ReplicaTable).component
      store.removeRow(d.entities[k] as Entity, component)
      baselines.get(component)?.clear(d.handles[k] as number)
    }
    for (const h of plan.releases) {
      handleEntity.delete(h)
      for (const b of baselines.values()) b.clear(h)
    }
    store.destroyOrphans()
    for (let k = 0; k < plan.binds.length; k += 2) {
      handleEntity.set(plan.binds[k] as number, plan.binds[k + 1] as Entity)
    }
    const ins = plan.inserts
    for (let k = 0; k < ins.count; k++) {
      const table = ins.tables[k] as ReplicaTable
      const e = ins.entities[k] as Entity
      stale?.get(table.component)?.delete(e)
      store.putRow(table.component, e, ins.values, ins.starts[k] as number)
      const qAt = ins.qAts[k] as number
      if (qAt >= 0) baselineOf(table).write(ins.handles[k] as number, plan.qs, qAt)
    }
    const u = plan.updates
    let k = 0
    while (k < u.count) {
      // Rows of one table are consecutive: one lookup of its store and baselines per run of them.
      const table = u.tables[k] as ReplicaTable
      let end = k + 1
      while (end < u.count && u.tables[end] === table) end++
      store.updateRows(table.component, u, k, end)
      if (table.quantized > 0) {
        const b = baselineOf(table)
        for (let j = k; j < end; j++) b.write(u.handles[j] as number, plan.qs, u.qAts[j] as number)
      }
      k = end
    }
  }

  // The last table asked for and its store (an update's rows come in runs of one table).
  let lastTable: ReplicaTable | null = null
  let lastBaseline: BaselineStore | null = null
  /** Calls the row listeners of what the store changed. */
  const announce = (): void => {
    if (!store.hasNotices) return
    const notices = store.takeNotices()
    listeners.dispatch(notices)
    store.recycle(notices)
  }

  const baselineOf = (table: ReplicaTable): BaselineStore => {
    if (table === lastTable) return lastBaseline as BaselineStore
    let store = baselines.get(table.component)
    if (store === undefined || store.width !== 2 * table.quantized) baselines.set(table.component, (store = new BaselineStore(2 * table.quantized)))
    lastTable = table
    lastBaseline = store
    return store
  }

  const replica: Replica = {
    world,
    get seq() {
      return seq
    },
    get tick() {
      return tick
    },
    get serverTime() {
      return serverTime
    },
    get ack() {
      return ack
    },
    setSchema(schema) {
      tables = replicaTables(schema, components)
    },
    startSession(start, resumed) {
      // A resumed session replays the frames after the replica's own seq: it keeps its seq, tick and time.
      if (resumed) return
      seq = start.seq
      tick = start.tick
      serverTime = start.serverTime
      handleEntity.clear()
      for (const b of baselines.values()) b.clearAll()
      const held = new Map<Component, Set<Entity>>()
      for (const component of components) {
        const rows = store.entitiesOf(component)
        if (rows.length > 0) held.set(component, new Set(rows))
      }
      stale = held.size > 0 ? held : null
    },
    endResync() {
      if (stale === null) return
      const left = stale
      stale = null
      for (const [component, entities] of left) for (const e of entities) store.removeRow(e, component)
      store.destroyOrphans()
      announce()
    },
    applyUpdate(m) {
      if (m.prevSeq !== seq) {
        gap(seq, m.prevSeq)
        return
      }
      const plan = planUpdate(m, tables, state)
      commit(plan)
      seq = m.seq
      tick += m.tickDelta
      serverTime += m.timeDelta
      if (m.ack !== null) ack = m.ack
      announce()
      for (const event of m.events) for (const fn of eventListeners) fn(event.name, event.payload)
      for (const fn of appliedListeners) fn(seq)
      if (m.ack !== null) for (const fn of ackListeners) fn(m.ack)
    },
    applySubscribed(m) {
      if (m.seq !== seq) gap(seq, m.seq)
    },
    apply(m) {
      if (m.type === 'TransactionUpdate') replica.applyUpdate(m)
      else if (m.type === 'SubscribeApplied') replica.applySubscribed(m)
      else return false
      return true
    },
    onInsert(component, fn) {
      return listeners.onInsert(component as Component, fn as unknown as InsertListener)
    },
    onUpdate(component, fn) {
      return listeners.onUpdate(component as Component, fn as unknown as UpdateListener)
    },
    onDelete(component, fn) {
      return listeners.onDelete(component as Component, fn as unknown as DeleteListener)
    },
    onEvent: (fn) => listen(eventListeners, fn),
    onGap: (fn) => listen(gapListeners, fn),
    onApplied: (fn) => listen(appliedListeners, fn),
    onAck: (fn) => listen(ackListeners, fn),
  }
  if (options.schema !== undefined) replica.setSchema(options.schema)
  return replica
}
