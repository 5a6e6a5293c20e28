import type { Component } from './component.js'
import type { Entity } from './entity.js'
import { type Column, type FieldType, type NumericColumn, fromStored } from './schema.js'
import type { ComponentStore, GrowListener } from './store.js'
import type { TransactionEngine } from './transactions.js'

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

// Module-local literals: V8 folds these into the hot loops, imported bindings it reloads.
/** = entity.ts INDEX_MASK */
const INDEX_MASK = 0x3fffff
/** = store.ts PAGE_SHIFT */
const PAGE_SHIFT = 6

/** Accessor of a numeric or entity field: one typed-array column. */
export class NumericField implements Field<number>, GrowListener {
  readonly component: Component
  readonly name: string
  private col: NumericColumn
  private pageMark: Int32Array
  private readonly indexed: boolean
  /** The transaction engine, or a never-matching clock for indexed fields. */
  private readonly clock: { readonly epoch: number }

  constructor(
    private readonly store: ComponentStore,
    private readonly f: number,
    private readonly tx: TransactionEngine,
  ) {
    this.component = store.component
    this.name = store.names[f] as string
    this.col = store.cols[f] as NumericColumn
    this.pageMark = store.pageMark
    this.indexed = store.indexedField[f] as boolean
    this.clock = this.indexed ? { epoch: Number.NaN } : tx
    store.listeners.push(this)
  }

  refresh(): void {
    this.col = this.store.cols[this.f] as NumericColumn
    this.pageMark = this.store.pageMark
  }

  get(e: Entity): number {
    return this.col[e & INDEX_MASK] as number
  }

  set(e: Entity, value: number): void {
    const i = e & INDEX_MASK
    const col = this.col
    // An equal value is not a change (and after a `get` of the same row this load is shared).
    if (col[i] === value) return
    const epoch = this.clock.epoch
    // Write at once when no log is kept (no transaction, no tracking) or the page is already in
    // the log at this level. Otherwise (first write to the page, a tracking world outside a
    // transaction, or an indexed field, whose clock is NaN) take the slow path.
    if (epoch === 0 || this.pageMark[i >>> PAGE_SHIFT] === epoch) col[i] = value
    else this.slowSet(i, value)
  }

  private slowSet(i: number, value: number): void {
    const p = i >>> PAGE_SHIFT
    if (this.pageMark[p] !== this.tx.epoch) this.tx.capture(this.store, p)
    if (this.indexed) this.store.write(this.f, i, value)
    else this.col[i] = value
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
    return fromStored(this.type, this.col[e & INDEX_MASK]) as V
  }

  set(e: Entity, value: V): void {
    const i = e & INDEX_MASK
    const stored = this.store.encode(this.f, value)
    if (this.col[i] === stored) return
    const p = i >>> PAGE_SHIFT
    if (this.store.pageMark[p] !== this.tx.epoch) this.tx.capture(this.store, p)
    this.store.write(this.f, i, stored)
  }
}
