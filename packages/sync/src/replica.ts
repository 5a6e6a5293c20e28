import { type Component, createWorld, type Entity, type Schema, type World } from '@orrery/ecs'
import type { SchemaDescription, ServerMessage, SubscribeApplied, TransactionUpdate, Unsubscribed } from '@orrery/protocol'
import { type DeleteListener, type InsertListener, RowListeners, type UpdateListener } from './replica-listeners.js'
import { ReplicaStore } from './replica-store.js'
import { mapSchema } from './schema-map.js'
import { SyncError } from './sync-error.js'
import { validateSnapshotTables, validateUpdateTables } from './validate-tables.js'

/**
 * Options of {@link createReplica}.
 *
 * @example
 * ```ts
 * const options: ReplicaOptions = { components: [Body, Player], schema: welcome.schema }
 * ```
 */
export interface ReplicaOptions {
  /** The components the client knows; without a schema, a component's table id is its index here. */
  readonly components: readonly Component[]
  /** The server's schema (from Welcome): maps table ids to components by name and checks their fields. */
  readonly schema?: SchemaDescription
}

/**
 * Where a gap was seen: the replica's last applied seq (`expected`) and the `prevSeq` the update carried (`got`).
 *
 * @example
 * ```ts
 * replica.onGap(({ expected, got }: GapInfo) => console.warn(`missed ${expected} → ${got}, resubscribing`))
 * ```
 */
export interface GapInfo {
  readonly expected: number
  readonly got: number
}

/**
 * The client half of sync: an ECS world that follows the server through snapshots and updates.
 *
 * @example
 * ```ts
 * const replica: Replica = createReplica({ components: [Body] })
 * replica.onDelete(Body, (e) => sprites.delete(e))
 * ```
 */
export interface Replica {
  /** The replica's world (change tracking off); entities carry the server's ids. */
  readonly world: World
  /** The seq of the last applied snapshot or update (0 before any). */
  readonly seq: number
  /**
   * Maps wire table ids to local components through the server's schema.
   *
   * @param schema - `welcome.schema`
   * @throws SyncError `ERR_SCHEMA_MISMATCH` when a component of the same name has other fields or types
   */
  setSchema(schema: SchemaDescription): void
  /**
   * Replaces the rows of the snapshot's tables, announcing the difference (insert, update, delete), and sets `seq` to `m.seq`.
   *
   * @param m - a SubscribeApplied message
   * @throws SyncError `ERR_INVALID_UPDATE` when the snapshot is malformed (nothing is applied)
   */
  applySnapshot(m: SubscribeApplied): void
  /**
   * Applies an update in seq order: deletes, then inserts, then updates. `m.seq <= seq` is ignored;
   * `m.prevSeq !== seq` is a gap: `onGap` listeners are told and nothing is applied. The very first
   * message a fresh (or {@link Replica.reset}) replica receives sets its baseline.
   *
   * @param m - a TransactionUpdate message
   * @throws SyncError `ERR_INVALID_UPDATE` when the update is malformed (nothing is applied)
   * @throws SyncError `ERR_GAP` on a gap when no `onGap` listener is registered
   */
  applyUpdate(m: TransactionUpdate): void
  /**
   * Ends a subscription: rows of tables no other subscription covers are removed (announced as deletes).
   *
   * @param m - an Unsubscribed message
   */
  applyUnsubscribed(m: Unsubscribed): void
  /**
   * Applies a server message if it is one of SubscribeApplied, TransactionUpdate or Unsubscribed.
   *
   * @param m - any server message
   * @returns true when the message was for the replica
   * @throws SyncError as {@link Replica.applySnapshot} and {@link Replica.applyUpdate}
   */
  apply(m: ServerMessage): boolean
  /**
   * Forgets the seq baseline and the subscriptions (e.g. on a fresh session); rows stay until fresh snapshots replace them.
   */
  reset(): void
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
  /** Registers a listener called with the new `seq` after each applied snapshot or update; returns its removal. */
  onApplied(fn: (seq: number) => void): () => void
}

function listen<F>(set: Set<F>, fn: F): () => void {
  set.add(fn)
  return () => {
    set.delete(fn)
  }
}

/**
 * Creates a client replica: an ECS world kept equal to the server's subscribed tables.
 *
 * Listeners are called after a whole message is applied, so they see a consistent world:
 * row listeners first (deletes, inserts, updates), then events, then `onApplied`.
 *
 * @param options - `components`: the client's components; `schema`: the server's schema from Welcome (optional)
 * @returns a {@link Replica}
 * @throws SyncError `ERR_SCHEMA_MISMATCH` when `schema` disagrees with `components`
 * @example
 * ```ts
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
  /** queryId → names of the components it covers. */
  const subscriptions = new Map<number, ReadonlySet<string>>()
  const byName = new Map<string, Component>(components.map((c) => [c.name, c]))
  let tables: readonly (Component | undefined)[] = components
  let seq = 0
  let anchored = false
  const resolve = (tableId: number): Component | undefined => tables[tableId]

  /** Components among `candidates` that no remaining subscription covers. */
  const uncovered = (candidates: Iterable<string>): Component[] => {
    const out: Component[] = []
    for (const name of candidates) {
      let covered = false
      for (const names of subscriptions.values()) if (names.has(name)) covered = true
      const component = byName.get(name)
      if (!covered && component !== undefined) out.push(component)
    }
    return out
  }

  const announce = (events: TransactionUpdate['events'] | null): void => {
    listeners.dispatch(store.takeNotices())
    if (events !== null) for (const event of events) for (const fn of eventListeners) fn(event.name, event.payload)
    for (const fn of appliedListeners) fn(seq)
  }

  const replica: Replica = {
    world,
    get seq() {
      return seq
    },
    setSchema(schema) {
      tables = mapSchema(schema, components)
    },
    applySnapshot(m) {
      validateSnapshotTables(m.tables, resolve)
      const snapshotComponents = m.tables.map((table) => resolve(table.tableId) as Component)
      const previous = subscriptions.get(m.queryId)
      subscriptions.set(m.queryId, new Set(snapshotComponents.map((c) => c.name)))
      // Deletes first (rows missing from the snapshot, tables the replaced subscription dropped), so recycled
      // entity indexes are free before inserts.
      for (const component of previous === undefined ? [] : uncovered(previous)) store.clearTable(component)
      const incoming = m.tables.map((table, i) => {
        const component = snapshotComponents[i] as Component
        const stride = 1 + component.fields.length
        const keep = new Set<Entity>()
        for (let at = 0; at < table.rows.length; at += stride) keep.add(table.rows[at] as Entity)
        for (const e of store.entitiesOf(component)) if (!keep.has(e)) store.removeRow(e, component)
        return { component, rows: table.rows }
      })
      store.destroyOrphans()
      // Inserts first, then overwrites of rows already held, so listeners hear inserts before updates.
      const held = incoming.map(({ component }) => store.entitiesOf(component))
      for (const pass of [false, true]) {
        incoming.forEach(({ component, rows }, i) => {
          const stride = 1 + component.fields.length
          const existing = held[i] as Set<Entity>
          for (let at = 0; at < rows.length; at += stride) {
            if (existing.has(rows[at] as Entity) === pass) store.putRow(component, rows, at)
          }
        })
      }
      seq = m.seq
      anchored = true
      announce(null)
    },
    applyUpdate(m) {
      if (anchored && m.seq <= seq) return
      if (anchored && m.prevSeq !== seq) {
        const info: GapInfo = { expected: seq, got: m.prevSeq }
        if (gapListeners.size === 0) {
          throw new SyncError('ERR_GAP', `update ${m.prevSeq} → ${m.seq} does not follow seq ${seq}`)
        }
        for (const fn of gapListeners) fn(info)
        return
      }
      if (m.seq <= m.prevSeq) {
        throw new SyncError('ERR_INVALID_UPDATE', `update seq ${m.seq} does not follow prevSeq ${m.prevSeq}`)
      }
      validateUpdateTables(m.tables, resolve)
      for (const table of m.tables) {
        const component = resolve(table.tableId) as Component
        for (const e of table.deletes) store.removeRow(e as Entity, component)
      }
      store.destroyOrphans()
      for (const table of m.tables) {
        const component = resolve(table.tableId) as Component
        for (let at = 0; at < table.inserts.length; ) at = store.putRow(component, table.inserts, at)
      }
      for (const table of m.tables) {
        const component = resolve(table.tableId) as Component
        for (let at = 0; at < table.updates.length; ) at = store.updateRow(component, table.updates, at)
      }
      seq = m.seq
      anchored = true
      announce(m.events)
    },
    applyUnsubscribed(m) {
      const names = subscriptions.get(m.queryId)
      if (names === undefined) return
      subscriptions.delete(m.queryId)
      for (const component of uncovered(names)) store.clearTable(component)
      store.destroyOrphans()
      listeners.dispatch(store.takeNotices())
    },
    apply(m) {
      if (m.type === 'TransactionUpdate') replica.applyUpdate(m)
      else if (m.type === 'SubscribeApplied') replica.applySnapshot(m)
      else if (m.type === 'Unsubscribed') replica.applyUnsubscribed(m)
      else return false
      return true
    },
    reset() {
      anchored = false
      subscriptions.clear()
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
  }
  if (options.schema !== undefined) replica.setSchema(options.schema)
  return replica
}
