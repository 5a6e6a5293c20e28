import type { ChangeSet } from './change-set.js'
import type { Component } from './component.js'
import type { Entity } from './entity.js'
import type { Field } from './field.js'
import type { Query } from './query.js'
import type { Rng } from './rng.js'
import type { FieldValue, Row, Schema } from './schema.js'
import { WorldImpl } from './world-impl.js'

/** Options of {@link createWorld}. */
export interface WorldOptions {
  /** Components to register up front (others register on first use). */
  readonly components?: readonly Component[]
  /** Seed of `world.rng` (default 0). */
  readonly seed?: number
  /** Build change sets and require transactions for writes (default true). */
  readonly trackChanges?: boolean
  /** Entity indexes to allocate up front (default 1024; columns grow by doubling). */
  readonly initialCapacity?: number
}

/** A system: a function the host runs over the world, once per tick or on a schedule. */
export type System = (world: World) => void

/** Query options: components the matching entities must not have. */
export interface QueryOptions {
  readonly none?: readonly Component[]
}

/**
 * An ECS world that is also a transactional store: entities, component rows, queries,
 * indexes, a seeded RNG, and transactions that roll back on a throw and return change sets.
 * Every method throws {@link EcsError}; the codes are listed per method.
 *
 * @example
 * ```ts
 * const Body = defineComponent('Body', { x: 'f64', y: 'f64' })
 * const Velocity = defineComponent('Velocity', { x: 'f64', y: 'f64' })
 * const world = createWorld({ components: [Body, Velocity] })
 * const moving = world.query([Body, Velocity])
 * const [x, vx] = [world.field(Body, 'x'), world.field(Velocity, 'x')]
 * const move: System = () => {
 *   for (const e of moving.snapshot()) x.set(e, x.get(e) + vx.get(e))
 * }
 * const { changes } = world.transaction(() => move(world))
 * ```
 */
export interface World {
  /** Seeded RNG; its state is restored on rollback. */
  readonly rng: Rng
  /** Whether transactions build change sets (and writes outside a transaction throw). */
  readonly trackChanges: boolean
  /** Whether a transaction is open. */
  readonly inTransaction: boolean
  /** Number of live entities. */
  readonly entityCount: number
  /** Registers a component (idempotent). @throws ERR_SCHEMA when another component has the same name */
  register(c: Component): void
  /** Creates an entity. @throws ERR_NO_TRANSACTION */
  create(): Entity
  /** Creates an entity with a given id (replicas). @throws ERR_ID_IN_USE, ERR_INVALID_VALUE, ERR_NO_TRANSACTION */
  createWithId(e: Entity): Entity
  /** Destroys an entity and all its rows. @throws ERR_DEAD_ENTITY, ERR_NO_TRANSACTION */
  destroy(e: Entity): void
  /** Whether `e` is alive (stale versions are not). */
  isAlive(e: Entity): boolean
  /** Adds a row; missing fields get 0/false/''/null. @throws ERR_DEAD_ENTITY, ERR_DUPLICATE_COMPONENT, ERR_UNKNOWN_FIELD, ERR_INVALID_VALUE, ERR_UNIQUE_VIOLATION, ERR_NO_TRANSACTION */
  add<S extends Schema>(e: Entity, c: Component<S>, values?: Partial<Row<S>>): void
  /** Removes a row. @throws ERR_DEAD_ENTITY, ERR_MISSING_COMPONENT, ERR_NO_TRANSACTION */
  remove<S extends Schema>(e: Entity, c: Component<S>): void
  /** Whether `e` is alive and has `c`. */
  has(e: Entity, c: Component): boolean
  /** A fresh copy of the row, or undefined when `e` is dead or lacks `c`. */
  get<S extends Schema>(e: Entity, c: Component<S>): Row<S> | undefined
  /** One field of a row. @throws ERR_DEAD_ENTITY, ERR_MISSING_COMPONENT, ERR_UNKNOWN_FIELD */
  read<S extends Schema, K extends keyof S & string>(e: Entity, c: Component<S>, field: K): FieldValue<S[K]>
  /** Writes one field (an equal value is not a change). @throws ERR_DEAD_ENTITY, ERR_MISSING_COMPONENT, ERR_UNKNOWN_FIELD, ERR_INVALID_VALUE, ERR_UNIQUE_VIOLATION, ERR_NO_TRANSACTION */
  set<S extends Schema, K extends keyof S & string>(e: Entity, c: Component<S>, field: K, value: FieldValue<S[K]>): void
  /** Writes several fields (all validated first). @throws like {@link World.set} */
  update<S extends Schema>(e: Entity, c: Component<S>, values: Partial<Row<S>>): void
  /** A fast accessor for one field (see {@link Field}). @throws ERR_UNKNOWN_FIELD */
  field<S extends Schema, K extends keyof S & string>(c: Component<S>, field: K): Field<FieldValue<S[K]>>
  /** The cached query of entities with every `all` component and no `none` component. */
  query(all: readonly Component[], options?: QueryOptions): Query
  /** Number of rows of `c`. */
  count(c: Component): number
  /** The entity whose unique-indexed field equals `value`. @throws ERR_UNKNOWN_FIELD, ERR_NO_INDEX */
  findUnique<S extends Schema>(c: Component<S>, field: keyof S & string, value: unknown): Entity | undefined
  /** Entities whose sorted-indexed field equals `value`, by entity index. @throws ERR_UNKNOWN_FIELD, ERR_NO_INDEX */
  findAll<S extends Schema>(c: Component<S>, field: keyof S & string, value: unknown): readonly Entity[]
  /** Entities with `min <= field <= max`, in field order. @throws ERR_UNKNOWN_FIELD, ERR_NO_INDEX */
  findRange<S extends Schema>(c: Component<S>, field: keyof S & string, min: number, max: number): Entity[]
  /** Entities of `c` whose spatial (x, y) lies within `radius` of (x, y) (world units). @throws ERR_NO_INDEX */
  queryRadius<S extends Schema>(c: Component<S>, x: number, y: number, radius: number, out?: Entity[]): Entity[]
  /** Entities of `c` whose spatial (x, y) lies in the rectangle (inclusive). @throws ERR_NO_INDEX */
  queryRect<S extends Schema>(c: Component<S>, minX: number, minY: number, maxX: number, maxY: number, out?: Entity[]): Entity[]
  /** Adds an event to the current transaction's change set. @throws ERR_NO_TRANSACTION */
  emit(name: string, payload: unknown): void
  /**
   * Runs `fn` as one transaction: all its writes apply or none do. A throw rolls back rows,
   * fields, indexes, entity ids, rng state and events, then rethrows. Nested calls are
   * savepoints and return an empty change set; the outermost returns the net change set.
   * `fn` must be synchronous.
   */
  transaction<T>(fn: () => T): { result: T; changes: ChangeSet }
  /** Iterates over the live entities, by index. */
  entities(): IterableIterator<Entity>
}

/**
 * Creates a world.
 *
 * @param options - `components` to register, `seed` of the rng, `trackChanges` (default true:
 *   writes need a transaction and transactions return change sets), `initialCapacity`
 * @returns a new {@link World}
 * @throws {@link EcsError} `ERR_SCHEMA` when two components share a name
 * @example
 * ```ts
 * const Body = defineComponent('Body', { x: 'f64', y: 'f64' })
 * const world = createWorld({ components: [Body], seed: 1 })
 * const { result: e, changes } = world.transaction(() => {
 *   const e = world.create()
 *   world.add(e, Body, { x: 10, y: 20 })
 *   return e
 * })
 * changes.components[0]?.inserted // [e]
 * ```
 */
export function createWorld(options: WorldOptions = {}): World {
  return new WorldImpl(options)
}
