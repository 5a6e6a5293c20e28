import type { Component } from './component.js'
import type { Entity } from './entity.js'
import { type Clock, setColumnLayer } from './column-layer.js'
import { type Column, type FieldType, type NumericColumn, fromStored } from './schema.js'
import type { ComponentStore, GrowListener } from './store.js'
import type { TransactionEngine } from './transactions.js'

// Hot paths use literals, not named constants: `e & 0x3fffff` is an entity's index (entity.ts
// INDEX_MASK), `>>> 6` / `<< 6` / 64 its undo-log page of 64 rows (store.ts PAGE_SHIFT, PAGE_SIZE).
// A bundler turns a module's top-level `const` into `var`, which V8 reloads on every use.

/**
 * A fast accessor for one field of one component in one world, for hot loops: `get` and `set`
 * by entity without looking up the component, the field, or checking the entity.
 *
 * Writes are logged for rollback, tracked for the change set and keep indexes, exactly like
 * `world.set`, and an equal value is not a change. What the accessor skips is the ownership check:
 * pass entities that have the component (entities from a query over it, or checked with
 * `world.has`). A stale or foreign entity reads and writes the row at its index. Numeric values
 * are stored with typed-array conversion (an `i32` field truncates 2.5 to 2); `world.set` is the
 * checked, validating write.
 *
 * @example
 * ```ts
 * const Body = defineComponent('Body', { x: 'f64', y: 'f64' })
 * const Velocity = defineComponent('Velocity', { x: 'f64', y: 'f64' })
 * const world = createWorld({ components: [Body, Velocity], trackChanges: false })
 * const dt = 0.05 // seconds
 * const x = world.field(Body, 'x')
 * const vx = world.field(Velocity, 'x')
 * for (const e of world.query([Body, Velocity])) x.set(e, x.get(e) + vx.get(e) * dt)
 * ```
 */
export interface Field<V> {
  /** The component. */
  readonly component: Component
  /** The field name. */
  readonly name: string
  /** The value of the field of `e` (which must have the component). */
  get(e: Entity): V
  /**
   * Writes the field of `e` (which must have the component).
   * @throws EcsError ERR_NO_TRANSACTION (tracking world, no transaction), ERR_UNIQUE_VIOLATION,
   *   ERR_INVALID_VALUE (bool, string and json fields are validated)
   */
  set(e: Entity, value: V): void
}

/**
 * Accessor of a numeric or entity field: one typed-array column.
 *
 * Its own properties are `declare`d and written once, in the constructor (no class-field
 * definitions that would first set them to `undefined`): V8 then treats them as constant for an
 * accessor held in a `const`, and a hot loop reads the column like a plain typed array. The
 * column and the page marks, which a growing world replaces, live on a prototype layer of their
 * own (see `setColumnLayer`), so they stay constants through growth too.
 */
export class NumericField implements Field<number>, GrowListener {
  declare readonly component: Component
  declare readonly name: string
  /** On the prototype layer. */
  declare protected readonly col: NumericColumn
  /** On the prototype layer. */
  declare protected readonly pageMark: Int32Array
  declare private readonly methods: object
  declare private readonly indexed: boolean
  /** On the prototype layer: the transaction engine, or a never-matching clock for indexed fields. */
  declare protected readonly clock: Clock
  declare private readonly ownClock: Clock
  declare private readonly store: ComponentStore
  declare private readonly f: number
  declare private readonly tx: TransactionEngine

  constructor(store: ComponentStore, f: number, tx: TransactionEngine) {
    this.store = store
    this.f = f
    this.tx = tx
    this.component = store.component
    this.name = store.names[f] as string
    this.indexed = store.indexedField[f] as boolean
    this.ownClock = this.indexed ? { epoch: Number.NaN } : tx
    this.methods = new.target.prototype
    this.refresh()
    store.listeners.push(this)
  }

  refresh(): void {
    setColumnLayer(this, this.methods, this.store.cols[this.f] as NumericColumn, this.store.pageMark, this.ownClock)
  }

  get(e: Entity): number {
    return this.col[e & 0x3fffff] as number
  }

  set(e: Entity, value: number): void {
    const i = e & 0x3fffff
    const epoch = this.clock.epoch
    // No log is kept (a world without tracking, outside a transaction; never for an indexed
    // field, whose clock is NaN): store at once. While no transaction has changed the level, V8
    // folds this compare away and the write is a plain store.
    if (epoch === 0) {
      this.col[i] = value
      return
    }
    const col = this.col
    // An equal value is not a change.
    if (col[i] === value) return
    // The page is already in the log at this level: store. Otherwise (first write to the page,
    // an indexed field) take the slow path.
    if (this.pageMark[i >>> 6] === epoch) col[i] = value
    else this.slowSet(i, value)
  }

  protected slowSet(i: number, value: number): void {
    const p = i >>> 6
    if (this.pageMark[p] !== this.tx.epoch) this.tx.capture(this.store, p)
    if (this.indexed) this.store.write(this.f, i, value)
    else this.col[i] = value
  }
}

/**
 * The numeric accessor of a world that tracks changes: the level is never 0 there (-1 outside a
 * transaction, 1.. inside), so a write starts with the equality compare, which shares its load
 * with a preceding `get` of the row, and a write of an equal value (a common case in systems
 * that clamp or recompute) reads nothing else.
 */
export class TrackedNumericField extends NumericField {
  override set(e: Entity, value: number): void {
    const i = e & 0x3fffff
    const col = this.col
    if (col[i] === value) return
    const epoch = this.clock.epoch
    // The page is already in the log at this level: store. Otherwise (first write to the page,
    // no open transaction, which throws, or an indexed field, whose clock is NaN) the slow path.
    if (this.pageMark[i >>> 6] === epoch) col[i] = value
    else this.slowSet(i, value)
  }
}

/** Accessor of a bool, string or json field (values validated). */
export class ValueField<V> implements Field<V>, GrowListener {
  readonly component: Component
  readonly name: string
  private col: Column
  private readonly type: FieldType

  constructor(
    private readonly store: ComponentStore,
    private readonly f: number,
    private readonly tx: TransactionEngine,
  ) {
    this.component = store.component
    this.name = store.names[f] as string
    this.col = store.cols[f] as Column
    this.type = store.types[f] as FieldType
    store.listeners.push(this)
  }

  refresh(): void {
    this.col = this.store.cols[this.f] as Column
  }

  get(e: Entity): V {
    return fromStored(this.type, this.col[e & 0x3fffff]) as V
  }

  set(e: Entity, value: V): void {
    const i = e & 0x3fffff
    const stored = this.store.encode(this.f, value)
    if (this.col[i] === stored) return
    const p = i >>> 6
    if (this.store.pageMark[p] !== this.tx.epoch) this.tx.capture(this.store, p)
    this.store.write(this.f, i, stored)
  }
}
