import type { Component } from './component.js'
import type { Entity } from './entity.js'
import { EcsError } from './errors.js'
import { type Column, type FieldType, isTypedField, type NumericColumn } from './schema.js'
import { indexRow } from './store-indexes.js'
import type { World } from './world.js'
import { WorldImpl } from './world-impl.js'

/**
 * The rows of one component in a {@link WorldImage}: its schema as stored, the owner column and
 * one column per field, each cut to the world's `nextIndex` rows. Numeric, bool and entity
 * columns are typed arrays (write them as blobs); string and json columns are plain arrays.
 */
export interface TableImage {
  /** The component name. */
  readonly component: string
  /** Field names and types, in schema order. */
  readonly fields: readonly (readonly [name: string, type: FieldType])[]
  /** `owner[i]` = the entity whose row is at index i, or 0 (index 0 holds 0). */
  readonly owner: Int32Array
  /** One column per field, `nextIndex` rows each; rows whose owner is 0 hold leftovers. */
  readonly columns: readonly Column[]
}

/**
 * The whole state of a world at a moment: the entity allocator (live ids, the version each index
 * gives next, the free list), the rng state and every component's rows as columns. Restoring it
 * gives a world whose next `create()` and next random number are the ones the original would give.
 */
export interface WorldImage {
  /** Indexes ever used are `1 .. nextIndex - 1`. */
  readonly nextIndex: number
  /** `ids[i]` = the live entity at index i, or 0; length `nextIndex`. */
  readonly ids: Int32Array
  /** `versions[i]` = the version the next entity at index i gets; length `nextIndex`. */
  readonly versions: Int32Array
  /** The allocator's free list, bottom first (the last one is reused first). */
  readonly free: readonly number[]
  /** `world.rng.getState()`. */
  readonly rngState: number
  /** The seed the rng started from. */
  readonly seed: number
  /** Every registered component, in registration order. */
  readonly tables: readonly TableImage[]
}

function impl(world: World): WorldImpl {
  if (!(world instanceof WorldImpl)) throw new EcsError('ERR_INVALID_VALUE', 'not a world made by createWorld')
  return world
}

/**
 * Copies the whole state of a world (outside a transaction) into a {@link WorldImage}.
 *
 * @param world - a world from `createWorld`, with no open transaction
 * @returns an image that shares no memory with the world
 * @throws {@link EcsError} `ERR_INVALID_VALUE` when a transaction is open or `world` is not from `createWorld`
 * @example
 * ```ts
 * const Body = defineComponent('Body', { x: 'f64', y: 'f64' })
 * const world = createWorld({ components: [Body] })
 * const image = captureWorld(world)
 * const copy = restoreWorld(image, { components: [Body] })
 * ```
 */
export function captureWorld(world: World): WorldImage {
  const w = impl(world)
  if (w.inTransaction) throw new EcsError('ERR_INVALID_VALUE', 'captureWorld needs a world with no open transaction')
  const pool = w.pool
  const n = pool.nextIndex
  const tables: TableImage[] = w.stores.map((s) => {
    const owner = s.owner.slice(0, n)
    owner[0] = 0
    return {
      component: s.component.name,
      fields: s.names.map((name, f) => [name, s.types[f] as FieldType] as const),
      owner,
      columns: s.cols.map((col) => col.slice(0, n) as Column),
    }
  })
  const ids = pool.ids.slice(0, n)
  ids[0] = 0
  return {
    nextIndex: n,
    ids,
    versions: pool.versions.slice(0, n),
    free: pool.free.slice(),
    rngState: w.rng.getState(),
    seed: w.rng.seed,
    tables,
  }
}

/** Options of {@link restoreWorld}. */
export interface RestoreWorldOptions {
  /** Components by name: every table of the image must have one with the same fields and types. */
  readonly components: readonly Component[]
}

/**
 * Builds a world from a {@link WorldImage}: same entities (versions and free list included), same
 * rows, same rng state; indexes and queries are rebuilt from the rows.
 *
 * @param image - from {@link captureWorld} (or decoded from storage)
 * @param options - `components`: the component definitions, matched by name
 * @returns a new tracking world
 * @throws {@link EcsError} `ERR_SCHEMA` naming the component (and field) when a table has no matching
 *   component or its fields differ; `ERR_INVALID_VALUE` when the image is inconsistent
 * @example
 * ```ts
 * const Body = defineComponent('Body', { x: 'f64', y: 'f64' })
 * const Player = defineComponent('Player', { name: 'string' })
 * const world = createWorld({ components: [Body, Player] })
 * const copy = restoreWorld(captureWorld(world), { components: [Body, Player] })
 * ```
 */
export function restoreWorld(image: WorldImage, options: RestoreWorldOptions): World {
  const byName = new Map(options.components.map((c) => [c.name, c]))
  const n = image.nextIndex
  if (!(Number.isInteger(n) && n >= 1 && image.ids.length === n && image.versions.length === n)) {
    throw new EcsError('ERR_INVALID_VALUE', 'world image: allocator arrays do not match nextIndex')
  }
  const w = new WorldImpl({ components: options.components, seed: image.seed, initialCapacity: n })
  for (const table of image.tables) {
    const c = byName.get(table.component)
    if (c === undefined) throw new EcsError('ERR_SCHEMA', `component ${table.component} is stored but not defined`)
    checkFields(c, table)
    w.register(c)
  }
  const pool = w.pool
  pool.ids.set(image.ids)
  pool.ids[0] = -1
  pool.versions.set(image.versions)
  pool.free.length = 0
  for (const i of image.free) pool.free.push(i)
  pool.nextIndex = n
  let alive = 0
  for (let i = 1; i < n; i++) if ((image.ids[i] as number) !== 0) alive++
  pool.alive = alive
  w.rng.setState(image.rngState)
  for (const table of image.tables) {
    const s = w.store(byName.get(table.component) as Component)
    if (table.owner.length !== n || table.columns.length !== s.cols.length) {
      throw new EcsError('ERR_INVALID_VALUE', `world image: table ${table.component} has the wrong shape`)
    }
    for (let f = 0; f < s.cols.length; f++) {
      const src = table.columns[f] as Column
      const dst = s.cols[f] as Column
      if (src.length !== n) throw new EcsError('ERR_INVALID_VALUE', `world image: column ${table.component}.${s.names[f]} has the wrong length`)
      if (isTypedField(s.types[f] as FieldType)) (dst as NumericColumn).set(src as NumericColumn)
      else for (let i = 0; i < n; i++) (dst as unknown[])[i] = (src as unknown[])[i]
    }
    for (let i = 1; i < n; i++) {
      const e = table.owner[i] as number
      if (e === 0) continue
      if (image.ids[i] !== e) throw new EcsError('ERR_INVALID_VALUE', `world image: ${table.component} row ${i} belongs to a dead entity`)
      s.attach(i, e as Entity)
      if (s.hasIndexes) indexRow(s, i)
    }
  }
  return w
}

function checkFields(c: Component, table: TableImage): void {
  const want = c.fields
  for (let f = 0; f < Math.max(want.length, table.fields.length); f++) {
    const stored = table.fields[f]
    const name = want[f]
    if (stored === undefined) throw new EcsError('ERR_SCHEMA', `component ${c.name}: field ${name} is not stored`)
    if (name === undefined) throw new EcsError('ERR_SCHEMA', `component ${c.name}: stored field ${stored[0]} is not defined`)
    const type = c.schema[name]
    if (stored[0] !== name || stored[1] !== type) {
      throw new EcsError('ERR_SCHEMA', `component ${c.name}: field ${name} (${type}) does not match stored field ${stored[0]} (${stored[1]})`)
    }
  }
}

/**
 * Takes the indexes of entities that were re-created with `createWithId` off the allocator's free
 * list (the topmost occurrence of each), as `create()` would have popped them. Call it outside a
 * transaction, after replaying a transaction's creations, so the free list — and with it the ids
 * the next `create()` calls return — matches the world the transaction was recorded in.
 *
 * @param world - a world from `createWorld`, with no open transaction
 * @param created - entities created by the replayed transaction, in any order
 * @throws {@link EcsError} `ERR_INVALID_VALUE` when a transaction is open or `world` is not from `createWorld`
 * @example
 * ```ts
 * declare const world: World // a replica replaying a recorded transaction
 * declare const e: Entity // an entity that transaction created
 * world.transaction(() => world.createWithId(e))
 * settleFreeList(world, [e])
 * ```
 */
export function settleFreeList(world: World, created: readonly Entity[]): void {
  const w = impl(world)
  if (w.inTransaction) throw new EcsError('ERR_INVALID_VALUE', 'settleFreeList needs a world with no open transaction')
  const free = w.pool.free
  for (const e of created) {
    const i = e & 0x3fffff
    const at = free.lastIndexOf(i)
    if (at >= 0) free.splice(at, 1)
  }
}
