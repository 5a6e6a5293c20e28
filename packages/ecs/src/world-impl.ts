import type { ChangeSet } from './change-set.js'
import type { Component } from './component.js'
import { type Entity, MAX_INDEX, MAX_VERSION, VERSION_STEP, entityVersion } from './entity.js'
import { EntityPool } from './entity-pool.js'
import { EcsError } from './errors.js'
import { type Field, NumericField, TrackedNumericField, ValueField } from './field.js'
import { findSorted, findUnique, spatialScan } from './index-queries.js'
import { SpatialField } from './spatial-field.js'
import { type Query, QueryImpl } from './query.js'
import { type Rng, createRng } from './rng.js'
import type { FieldType, FieldValue, Row, Schema } from './schema.js'
import { isTypedField } from './schema.js'
import { ComponentStore } from './store.js'
import { TransactionEngine } from './transactions.js'
import type { QueryOptions, World, WorldOptions } from './world.js'

// Hot paths use literals, not named constants: `e & 0x3fffff` is an entity's index (entity.ts
// INDEX_MASK), `>>> 6` / `<< 6` / 64 its undo-log page of 64 rows (store.ts PAGE_SHIFT, PAGE_SIZE).
// A bundler turns a module's top-level `const` into `var`, which V8 reloads on every use.

/** The largest entity id: index MAX_INDEX at version MAX_VERSION (2^31 - 1). */
const MAX_ENTITY = MAX_VERSION * VERSION_STEP + MAX_INDEX

/** The {@link World} implementation (see world.ts for the documented interface). */
export class WorldImpl implements World {
  // Properties are `declare`d and first written in the constructor with their final types (no
  // class-field definitions that would first set them to `undefined`), so V8 keeps precise field
  // types for the hot paths.
  declare readonly rng: Rng
  declare readonly trackChanges: boolean
  declare readonly stores: ComponentStore[]
  declare private readonly byComponent: Map<Component, ComponentStore>
  declare private readonly byName: Map<string, ComponentStore>
  declare private readonly queries: Map<string, QueryImpl>
  declare private readonly fieldCache: Map<ComponentStore, Map<string, Field<unknown>>>
  /** @internal The entity allocator (read by world-image.ts). */
  declare readonly pool: EntityPool
  declare private readonly tx: TransactionEngine
  declare private capacity: number
  declare private lastComponent: Component | undefined
  declare private lastStore: ComponentStore | undefined

  constructor(options: WorldOptions) {
    this.stores = []
    this.byComponent = new Map()
    this.byName = new Map()
    this.queries = new Map()
    this.fieldCache = new Map()
    this.lastComponent = undefined
    this.lastStore = undefined
    const wanted = Math.max(64, Math.min(options.initialCapacity ?? 1024, MAX_INDEX + 1))
    this.capacity = 2 ** Math.ceil(Math.log2(wanted))
    this.trackChanges = options.trackChanges ?? true
    this.rng = createRng(options.seed ?? 0)
    this.pool = new EntityPool(this.capacity)
    this.tx = new TransactionEngine(this.stores, this.pool, this.rng, this.trackChanges)
    for (const c of options.components ?? []) this.register(c)
  }

  get inTransaction(): boolean {
    return this.tx.depth > 0
  }

  get entityCount(): number {
    return this.pool.alive
  }

  register(c: Component): void {
    this.store(c)
  }

  /** The store of `c`, registering it on first use. */
  store(c: Component): ComponentStore {
    // Structural changes come in runs over one component: skip the map lookup for a repeat.
    // Small, so that V8 inlines it into `add` and `remove`; the rest is out of line.
    return c === this.lastComponent ? (this.lastStore as ComponentStore) : this.lookUpStore(c)
  }

  private lookUpStore(c: Component): ComponentStore {
    let s = this.byComponent.get(c)
    if (s === undefined) {
      if (this.byName.has(c.name)) {
        throw new EcsError('ERR_SCHEMA', `another component named ${JSON.stringify(c.name)} is registered`)
      }
      s = new ComponentStore(this.stores.length, c, this.capacity, this.trackChanges)
      this.stores.push(s)
      this.byComponent.set(c, s)
      this.byName.set(c.name, s)
    }
    this.lastComponent = c
    this.lastStore = s
    return s
  }

  private ensureCapacity(i: number): void {
    if (i < this.capacity) return
    let cap = this.capacity
    while (cap <= i) cap *= 2
    this.capacity = cap
    this.pool.grow(cap)
    for (const s of this.stores) s.grow(cap)
    for (const q of this.queries.values()) q.grow(cap)
  }

  private alive(e: Entity): number {
    const i = e & 0x3fffff
    if (typeof e !== 'number' || this.pool.ids[i] !== e) {
      throw new EcsError('ERR_DEAD_ENTITY', `entity ${String(e)} is not alive`)
    }
    return i
  }

  /** The store of `c` after checking that `e` has a row in it (the row is `e & 0x3fffff`). */
  private rowStore(e: Entity, c: Component): ComponentStore {
    const s = this.store(c)
    if (s.owner[e & 0x3fffff] !== e) {
      this.alive(e)
      throw new EcsError('ERR_MISSING_COMPONENT', `entity ${e} has no ${c.name}`)
    }
    return s
  }

  create(): Entity {
    const tx = this.tx
    if (tx.epoch < 0) tx.guard()
    const pool = this.pool
    const taken = pool.take()
    const i = taken < 0 ? -taken : taken
    if (i >= this.capacity) this.ensureCapacity(i)
    const e = pool.activate(i)
    if (tx.depth > 0) tx.logCreate(i, taken > 0)
    return e
  }

  createWithId(e: Entity): Entity {
    this.tx.guard()
    const i = e & 0x3fffff
    if (typeof e !== 'number' || !Number.isInteger(e) || e <= 0 || e > MAX_ENTITY || i === 0) {
      throw new EcsError('ERR_INVALID_VALUE', `${String(e)} is not an entity id`)
    }
    this.ensureCapacity(i)
    const pool = this.pool
    if ((pool.ids[i] as number) !== 0) throw new EcsError('ERR_ID_IN_USE', `entity index ${i} is alive`)
    const prevVersion = pool.versions[i] as number
    const prevNext = pool.nextIndex
    const prevFreeLen = pool.free.length
    for (let k = pool.nextIndex; k < i; k++) pool.free.push(k)
    if (i >= pool.nextIndex) pool.nextIndex = i + 1
    pool.versions[i] = entityVersion(e)
    pool.activate(i)
    this.tx.logCreateWithId(i, prevVersion, prevNext, prevFreeLen)
    return e
  }

  destroy(e: Entity): void {
    const i = e & 0x3fffff
    const pool = this.pool
    if (pool.ids[i] !== e) this.alive(e)
    const tx = this.tx
    if (tx.epoch < 0) tx.guard()
    const logged = tx.depth > 0
    const stores = this.stores
    for (let k = 0; k < stores.length; k++) {
      const s = stores[k] as ComponentStore
      if (s.owner[i] === e) {
        if (logged) tx.logRow(s, i, false)
        s.delete(i)
      }
    }
    const pushed = pool.release(i)
    if (logged) tx.logDestroy(i, e, pushed)
  }

  isAlive(e: Entity): boolean {
    return typeof e === 'number' && e > 0 && this.pool.ids[e & 0x3fffff] === e
  }

  add<S extends Schema>(e: Entity, c: Component<S>, values?: Partial<Row<S>>): void {
    const i = e & 0x3fffff
    if (this.pool.ids[i] !== e) this.alive(e)
    const s = this.store(c)
    if (s.owner[i] === e) this.duplicate(e, c)
    const tx = this.tx
    if (tx.epoch < 0) tx.guard()
    // Outside a transaction, a store without indexes or plain-array columns: values straight into
    // the row. Everything else (the undo log, staging for indexes) is out of line.
    if (tx.depth === 0 && s.inPlace) {
      s.writeFree(i, values)
      s.attach(i, e)
    } else {
      this.addLogged(s, i, e, values)
    }
  }

  private duplicate(e: Entity, c: Component): never {
    throw new EcsError('ERR_DUPLICATE_COMPONENT', `entity ${e} already has ${c.name}`)
  }

  /** `add` in a transaction, or into a store that stages its values (indexes, plain-array columns). */
  private addLogged(s: ComponentStore, i: number, e: Entity, values: object | undefined): void {
    const tx = this.tx
    if (s.inPlace) {
      // The page is copied before the values go in; the ADD entry is logged once they are valid.
      this.capturePage(s, i)
      s.writeFree(i, values)
      tx.logRow(s, i, true)
      s.attach(i, e)
    } else {
      s.stage(i, values)
      if (tx.depth > 0) {
        this.capturePage(s, i)
        tx.logRow(s, i, true)
      }
      s.insertStaged(i, e)
    }
  }

  /** Copies the page of row `i` of `s` into the log, unless this transaction level already did. */
  private capturePage(s: ComponentStore, i: number): void {
    const p = i >>> 6
    if (s.pageMark[p] !== this.tx.epoch) this.tx.capture(s, p)
  }

  remove<S extends Schema>(e: Entity, c: Component<S>): void {
    const s = this.rowStore(e, c)
    const i = e & 0x3fffff
    const tx = this.tx
    if (tx.epoch < 0) tx.guard()
    if (tx.depth > 0) tx.logRow(s, i, false)
    s.delete(i)
  }

  has(e: Entity, c: Component): boolean {
    return typeof e === 'number' && e > 0 && this.store(c).owner[e & 0x3fffff] === e
  }

  get<S extends Schema>(e: Entity, c: Component<S>): Row<S> | undefined {
    if (!this.has(e, c)) return undefined
    return this.store(c).row(e & 0x3fffff) as Row<S>
  }

  read<S extends Schema, K extends keyof S & string>(e: Entity, c: Component<S>, field: K): FieldValue<S[K]> {
    const s = this.rowStore(e, c)
    return s.value(s.field(field), e & 0x3fffff) as FieldValue<S[K]>
  }

  set<S extends Schema, K extends keyof S & string>(e: Entity, c: Component<S>, field: K, value: FieldValue<S[K]>): void {
    const s = this.rowStore(e, c)
    const f = s.field(field)
    const stored = s.encode(f, value)
    this.writeStored(s, f, e & 0x3fffff, stored)
  }

  private writeStored(s: ComponentStore, f: number, i: number, stored: unknown): void {
    if ((s.cols[f] as unknown[])[i] === stored) return
    if (s.indexedField[f]) s.checkUnique(f, i, stored)
    const p = i >>> 6
    if (s.pageMark[p] !== this.tx.epoch) this.tx.capture(s, p)
    s.write(f, i, stored)
  }

  update<S extends Schema>(e: Entity, c: Component<S>, values: Partial<Row<S>>): void {
    const s = this.rowStore(e, c)
    const i = e & 0x3fffff
    const keys = Object.keys(values)
    const fs = keys.map((k) => s.field(k))
    const stored = keys.map((k, n) => s.encode(fs[n] as number, (values as Record<string, unknown>)[k]))
    for (let n = 0; n < keys.length; n++) this.writeStored(s, fs[n] as number, i, stored[n])
  }

  field<S extends Schema, K extends keyof S & string>(c: Component<S>, field: K): Field<FieldValue<S[K]>> {
    const s = this.store(c)
    let cache = this.fieldCache.get(s)
    if (cache === undefined) {
      cache = new Map()
      this.fieldCache.set(s, cache)
    }
    let acc = cache.get(field)
    if (acc === undefined) {
      const f = s.field(field)
      const type = s.types[f] as FieldType
      const gridOnly =
        (f === s.spatialX || f === s.spatialY) && s.spatialX !== s.spatialY && s.uniques[f] === undefined && s.sorted[f] === undefined
      acc = !isTypedField(type) || type === 'bool'
        ? new ValueField<unknown>(s, f, this.tx)
        : gridOnly
          ? (new SpatialField(s, f, this.tx) as Field<unknown>)
          : this.trackChanges
            ? (new TrackedNumericField(s, f, this.tx) as Field<unknown>)
            : (new NumericField(s, f, this.tx) as Field<unknown>)
      cache.set(field, acc)
    }
    return acc as Field<FieldValue<S[K]>>
  }

  query(all: readonly Component[], options?: QueryOptions): Query {
    const allStores = all.map((c) => this.store(c))
    const noneStores = (options?.none ?? []).map((c) => this.store(c))
    const ids = (list: ComponentStore[]): string => [...new Set(list.map((s) => s.id))].sort((a, b) => a - b).join(',')
    const key = `${ids(allStores)}|${ids(noneStores)}`
    let q = this.queries.get(key)
    if (q !== undefined) return q
    q = new QueryImpl(key, all.slice(), allStores, noneStores, this.capacity)
    for (const s of new Set(allStores)) s.requiredBy.push(q)
    for (const s of new Set(noneStores)) s.excludedBy.push(q)
    const ids2 = this.pool.ids
    for (let i = 1; i < this.pool.nextIndex; i++) {
      const e = ids2[i] as number
      if (e > 0 && q.matches(i)) q.refresh(i, e as Entity)
    }
    this.queries.set(key, q)
    return q
  }

  count(c: Component): number {
    return this.store(c).count
  }

  findUnique<S extends Schema>(c: Component<S>, field: keyof S & string, value: unknown): Entity | undefined {
    return findUnique(this.store(c), field, value)
  }

  findAll<S extends Schema>(c: Component<S>, field: keyof S & string, value: unknown): readonly Entity[] {
    return findSorted(this.store(c), field, value, value)
  }

  findRange<S extends Schema>(c: Component<S>, field: keyof S & string, min: number, max: number): Entity[] {
    return findSorted(this.store(c), field, min, max)
  }

  queryRect<S extends Schema>(c: Component<S>, minX: number, minY: number, maxX: number, maxY: number, out: Entity[] = []): Entity[] {
    return spatialScan(this.store(c), minX, minY, maxX, maxY, Number.POSITIVE_INFINITY, 0, 0, out)
  }

  queryRadius<S extends Schema>(c: Component<S>, x: number, y: number, radius: number, out: Entity[] = []): Entity[] {
    return spatialScan(this.store(c), x - radius, y - radius, x + radius, y + radius, radius * radius, x, y, out)
  }

  emit(name: string, payload: unknown): void {
    this.tx.emit(name, payload)
  }

  transaction<T>(fn: () => T): { result: T; changes: ChangeSet } {
    this.tx.begin()
    let result: T
    try {
      result = fn()
    } catch (err) {
      this.tx.rollback()
      throw err
    }
    return { result, changes: this.tx.commit() }
  }

  *entities(): IterableIterator<Entity> {
    // Reads the live arrays each step, so entities created or destroyed meanwhile are seen.
    for (let i = 1; i < this.pool.nextIndex; i++) {
      const e = this.pool.ids[i] as number
      if (e > 0) yield e as Entity
    }
  }
}
