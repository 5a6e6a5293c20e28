import type { Component } from './component.js'
import type { Entity } from './entity.js'
import type { Field } from './field.js'
import { type Clock, setColumnLayer } from './column-layer.js'
import type { NumericColumn } from './schema.js'
import type { SpatialGrid } from './spatial-grid.js'
import type { ComponentStore, GrowListener } from './store.js'
import type { TransactionEngine } from './transactions.js'

// Hot paths use literals, not named constants: `e & 0x3fffff` is an entity's index (entity.ts
// INDEX_MASK), `>>> 6` / `<< 6` / 64 its undo-log page of 64 rows (store.ts PAGE_SHIFT, PAGE_SIZE).
// A bundler turns a module's top-level `const` into `var`, which V8 reloads on every use.

/**
 * Accessor of the x or y field of a spatial grid (a field no other index reads): a write is the
 * plain numeric write plus one cell-coordinate compare; the row is re-bucketed only when its cell
 * changes. Same contract as {@link Field}. Properties are written once, in the constructor (see
 * `NumericField`).
 */
export class SpatialField implements Field<number>, GrowListener {
  declare readonly component: Component
  declare readonly name: string
  /** On the prototype layer (see `setColumnLayer`). */
  declare private readonly col: NumericColumn
  /** On the prototype layer. */
  declare private readonly pageMark: Int32Array
  /** On the prototype layer: the transaction engine. */
  declare private readonly clock: Clock
  declare private readonly isX: boolean
  declare private readonly grid: SpatialGrid
  declare private readonly store: ComponentStore
  declare private readonly f: number
  declare private readonly tx: TransactionEngine

  constructor(store: ComponentStore, f: number, tx: TransactionEngine) {
    this.store = store
    this.f = f
    this.tx = tx
    this.component = store.component
    this.name = store.names[f] as string
    this.isX = f === store.spatialX
    this.grid = store.spatial as SpatialGrid
    this.refresh()
    store.listeners.push(this)
  }

  refresh(): void {
    setColumnLayer(this, SpatialField.prototype, this.store.cols[this.f] as NumericColumn, this.store.pageMark, this.tx)
  }

  get(e: Entity): number {
    return this.col[e & 0x3fffff] as number
  }

  set(e: Entity, value: number): void {
    const i = e & 0x3fffff
    const col = this.col
    if (col[i] === value) return
    const epoch = this.clock.epoch
    // First write to the page at this level (or a tracking world outside a transaction, which throws).
    if (epoch !== 0 && this.pageMark[i >>> 6] !== epoch) this.tx.capture(this.store, i >>> 6)
    col[i] = value
    // The stored value (typed-array conversion) decides the cell.
    if (this.isX) this.grid.moveX(i, col[i] as number)
    else this.grid.moveY(i, col[i] as number)
  }
}
