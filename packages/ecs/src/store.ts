import type { Component } from './component.js'
import type { Entity } from './entity.js'
import { EcsError } from './errors.js'
import type { QueryImpl } from './query.js'
import {
  type Column,
  type FieldType,
  INVALID,
  type NumericColumn,
  allocateColumn,
  defaultStored,
  fromStored,
  growColumn,
  isTypedField,
  numericSpec,
  toStored,
} from './schema.js'
import { type SortKey, SortedIndex } from './sorted-index.js'
import { SpatialGrid } from './spatial-grid.js'
import { indexRow, unindexRow } from './store-indexes.js'
import { UniqueIndex } from './unique-index.js'


/** Rows per page of the undo log: a first write to a page copies its 64 rows once per transaction. */
export const PAGE_SHIFT = 6
/** Rows per page. */
export const PAGE_SIZE = 1 << PAGE_SHIFT

/** Something that must see a store's new arrays after it grows (field accessors). */
export interface GrowListener {
  refresh(): void
}

/**
 * The storage of one component in one world: one column per field indexed by entity
 * index (structure of arrays), an owner column (the entity holding each row, 0 = none),
 * the indexes, and the per-row and per-page marks the undo log and change tracking use.
 */
export class ComponentStore {
  // Properties are `declare`d and first written in the constructor with their final types (no
  // class-field definitions that would first set them to `undefined`), so V8 keeps precise field
  // types for the structural-change hot paths (an owner column known to be an `Int32Array`).
  declare readonly id: number
  declare readonly component: Component
  declare readonly names: readonly string[]
  declare readonly types: readonly FieldType[]
  declare readonly fieldIndex: ReadonlyMap<string, number>
  /** Field indexes whose column is a typed array. */
  declare readonly numFields: readonly number[]
  /** Field indexes whose column is a plain array. */
  declare readonly objFields: readonly number[]
  declare cols: Column[]
  /** owner[i] = the entity whose row i is, or 0; owner[0] = -1 so that 0 never matches. */
  declare owner: Int32Array
  /** Undo-log level that last copied each page (0 = none). */
  declare pageMark: Int32Array
  /** 1 when the row was added or removed in the current transaction. */
  declare structMark: Uint8Array
  /** The row's owner before its first structural change in the current transaction. */
  declare prevOwner: Int32Array
  /** Whether the world tracks changes (else `structMark` and `prevOwner` stay empty). */
  declare private readonly track: boolean
  declare structRows: number[]
  declare touched: boolean
  /**
   * Scratch lists of the change set being built at commit: updated entities and their masks.
   * Plain arrays kept packed (filled with zeros, never holey), so the change set's exact-size
   * arrays are one `slice` each (a block copy) instead of an element-by-element copy.
   */
  declare updatedEntities: number[]
  declare updatedMaskBits: number[]
  declare updatedCount: number
  declare count: number
  /** The queries that need a row of this component (`all`): gaining a row may add, losing one removes. */
  declare readonly requiredBy: QueryImpl[]
  /** The queries that exclude this component (`none`): gaining a row removes, losing one may add. */
  declare readonly excludedBy: QueryImpl[]
  declare readonly uniques: (UniqueIndex | undefined)[]
  declare readonly sorted: (SortedIndex | undefined)[]
  declare readonly spatial: SpatialGrid | undefined
  declare readonly spatialX: number
  declare readonly spatialY: number
  /** Per field: whether its column holds floating-point values (`f32`, `f64`: NaN is possible). */
  declare readonly floatField: readonly boolean[]
  /** Per field: whether any index reads it. */
  declare readonly indexedField: readonly boolean[]
  declare readonly hasIndexes: boolean
  /**
   * Every field lives in a typed-array column and no index reads the component: an added row is
   * validated straight into its columns (see {@link ComponentStore.writeFree}), with no staging.
   */
  declare readonly inPlace: boolean
  /** A mask with one bit per field. */
  declare private readonly allFields: number
  /** Field indexes with a unique or sorted index (the spatial grid is kept apart). */
  declare readonly keyedFields: readonly number[]
  declare readonly listeners: GrowListener[]
  declare private readonly staged: unknown[]
  /** Per field: the stored default. */
  declare private readonly defaults: readonly unknown[]
  /** Per field: the numeric range a number must lie in (NaN bounds for non-numeric fields). */
  declare private readonly numLo: Float64Array
  declare private readonly numHi: Float64Array
  /** Per field: 1 when a number must be an integer. */
  declare private readonly numInt: Uint8Array
  /**
   * Per field: the field's range cut to 32-bit integers (an empty range for non-numeric fields),
   * so that an integer in it is valid for the field whatever its type.
   */
  declare private readonly intLo: Int32Array
  declare private readonly intHi: Int32Array

  /**
   * @param id - the store's index in its world
   * @param component - the component it stores
   * @param capacity - rows it holds before it grows
   * @param track - whether the world tracks changes; an untracked world never reads the marks of
   *   structural changes, so they are not allocated
   */
  constructor(id: number, component: Component, capacity: number, track = true) {
    this.track = track
    this.structRows = []
    this.updatedEntities = new Array<number>(PAGE_SIZE * 4).fill(0)
    this.updatedMaskBits = new Array<number>(PAGE_SIZE * 4).fill(0)
    this.requiredBy = []
    this.excludedBy = []
    this.listeners = []
    this.touched = false
    this.updatedCount = 0
    this.count = 0
    this.id = id
    this.component = component
    this.names = component.fields
    this.types = component.fields.map((f) => component.schema[f] as FieldType)
    this.fieldIndex = new Map(component.fields.map((f, i) => [f, i]))
    this.floatField = this.types.map((t) => t === 'f32' || t === 'f64')
    this.numFields = this.types.flatMap((t, i) => (isTypedField(t) ? [i] : []))
    this.objFields = this.types.flatMap((t, i) => (isTypedField(t) ? [] : [i]))
    this.cols = this.types.map((t) => allocateColumn(t, capacity))
    this.owner = new Int32Array(capacity)
    this.owner[0] = -1
    this.pageMark = new Int32Array(capacity >>> PAGE_SHIFT)
    this.structMark = new Uint8Array(track ? capacity : 0)
    this.prevOwner = new Int32Array(track ? capacity : 0)
    this.staged = this.types.map(defaultStored)
    this.defaults = this.types.map(defaultStored)
    this.numLo = Float64Array.from(this.types, (t) => numericSpec(t)?.lo ?? Number.NaN)
    this.numHi = Float64Array.from(this.types, (t) => numericSpec(t)?.hi ?? Number.NaN)
    this.numInt = Uint8Array.from(this.types, (t) => (numericSpec(t)?.integer === true ? 1 : 0))
    this.intLo = Int32Array.from(this.types, (t) => Math.max(numericSpec(t)?.lo ?? 1, -(2 ** 31)))
    this.intHi = Int32Array.from(this.types, (t) => Math.min(numericSpec(t)?.hi ?? 0, 2 ** 31 - 1))
    const opts = component.options
    const at = (f: string): number => this.fieldIndex.get(f) as number
    this.uniques = this.names.map(() => undefined)
    this.sorted = this.names.map(() => undefined)
    for (const f of opts.unique ?? []) this.uniques[at(f)] = new UniqueIndex()
    for (const f of opts.index ?? []) this.sorted[at(f)] = new SortedIndex()
    if (opts.spatial !== undefined) {
      this.spatial = new SpatialGrid(opts.spatial.cellSize, capacity)
      this.spatialX = at(opts.spatial.x)
      this.spatialY = at(opts.spatial.y)
    } else {
      this.spatial = undefined
      this.spatialX = -1
      this.spatialY = -1
    }
    this.indexedField = this.names.map(
      (_, f) => this.uniques[f] !== undefined || this.sorted[f] !== undefined || f === this.spatialX || f === this.spatialY,
    )
    this.hasIndexes = this.indexedField.includes(true)
    this.inPlace = !this.hasIndexes && this.objFields.length === 0
    this.allFields = this.names.length === 32 ? -1 : (1 << this.names.length) - 1
    this.keyedFields = this.names.flatMap((_, f) =>
      this.uniques[f] !== undefined || this.sorted[f] !== undefined ? [f] : [],
    )
  }

  /** Grows every per-row array to `capacity` rows (a multiple of {@link PAGE_SIZE}). */
  grow(capacity: number): void {
    this.cols = this.cols.map((col, f) => growColumn(this.types[f] as FieldType, col, capacity))
    const owner = new Int32Array(capacity)
    owner.set(this.owner)
    this.owner = owner
    const pageMark = new Int32Array(capacity >>> PAGE_SHIFT)
    pageMark.set(this.pageMark)
    this.pageMark = pageMark
    if (this.track) {
      const structMark = new Uint8Array(capacity)
      structMark.set(this.structMark)
      this.structMark = structMark
      const prevOwner = new Int32Array(capacity)
      prevOwner.set(this.prevOwner)
      this.prevOwner = prevOwner
    }
    this.spatial?.grow(capacity)
    for (const l of this.listeners) l.refresh()
  }

  /** Doubles the change-set scratch lists, keeping their contents (and keeping them packed). */
  growUpdated(): void {
    const n = this.updatedEntities.length
    for (let k = 0; k < n; k++) {
      this.updatedEntities.push(0)
      this.updatedMaskBits.push(0)
    }
  }

  /** The field index of `name`. @throws EcsError ERR_UNKNOWN_FIELD */
  field(name: unknown): number {
    // Most components have a few fields: comparing interned names beats a map lookup.
    const names = this.names
    if (names.length <= 8) {
      for (let f = 0; f < names.length; f++) if (names[f] === name) return f
    }
    const f = this.fieldIndex.get(name as string)
    if (f === undefined) {
      throw new EcsError('ERR_UNKNOWN_FIELD', `component ${this.component.name} has no field ${String(name)}`)
    }
    return f
  }

  /** Validates `value` for field `f` and returns its stored form. @throws EcsError ERR_INVALID_VALUE */
  encode(f: number, value: unknown): unknown {
    // A 32-bit integer within the field's range, valid for any numeric type: one integer test and
    // two integer compares (no float conversion, no floor). Small, so that it inlines into `add`,
    // `stage` and `set`; other numbers are `encodeNumber`, everything else `encodeOther`.
    if (
      typeof value === 'number' &&
      (value | 0) === value &&
      (this.intLo[f] as number) <= value &&
      value <= (this.intHi[f] as number)
    ) {
      return value
    }
    return this.encodeNumber(f, value)
  }

  /** `encode` of any number: the range and integer checks of toStored, without its lookups. */
  private encodeNumber(f: number, value: unknown): unknown {
    if (typeof value === 'number' && (this.numLo[f] as number) <= value && value <= (this.numHi[f] as number)) {
      if (this.numInt[f] === 0 || Math.floor(value) === value) return value
    }
    return this.encodeOther(f, value)
  }

  private encodeOther(f: number, value: unknown): unknown {
    const stored = toStored(this.types[f] as FieldType, value)
    if (stored === INVALID) {
      throw new EcsError(
        'ERR_INVALID_VALUE',
        `${this.component.name}.${this.names[f]} (${this.types[f]}) cannot hold ${String(value)}`,
      )
    }
    return stored
  }

  /** The public value of field `f` in row `i`. */
  value(f: number, i: number): unknown {
    return fromStored(this.types[f] as FieldType, (this.cols[f] as Column)[i])
  }

  /** A fresh object with every field of row `i`. */
  row(i: number): Record<string, unknown> {
    const out: Record<string, unknown> = {}
    const names = this.names
    for (let f = 0; f < names.length; f++) out[names[f] as string] = this.value(f, i)
    return out
  }

  /**
   * Validates `values` (defaults for missing fields) into the staging row and checks unique
   * indexes, without changing anything.
   * @throws EcsError ERR_UNKNOWN_FIELD, ERR_INVALID_VALUE, ERR_UNIQUE_VIOLATION
   */
  stage(i: number, values: object | undefined): void {
    const staged = this.staged
    const defaults = this.defaults
    for (let f = 0; f < staged.length; f++) staged[f] = defaults[f]
    if (values !== undefined) {
      // for...in walks the keys without allocating an array; the own-key test keeps Object.keys
      // semantics. V8 folds `Object.prototype.hasOwnProperty.call(values, key)` on the loop's own
      // object and key to a constant for objects with an enum cache (plain objects), so it costs
      // nothing there. Written out in full, not through a module-level alias: a bundler turns the
      // alias into a `var`, which V8 cannot fold (about 9 % of `entity_cycle` bundled by esbuild);
      // `Object.hasOwn` is not folded either (about 10 % slower there).
      for (const key in values) {
        // biome-ignore lint/suspicious/noPrototypeBuiltins: V8 11.3 folds this form in a for...in, not Object.hasOwn
        if (!Object.prototype.hasOwnProperty.call(values, key)) continue
        const v = (values as Record<string, unknown>)[key]
        const f = this.field(key)
        if (v !== undefined) staged[f] = this.encode(f, v)
      }
    }
    if (this.hasIndexes) {
      for (let f = 0; f < staged.length; f++) this.checkUnique(f, i, staged[f])
    }
  }

  /**
   * Writes `values` (0 for missing fields) into row `i`, which has no owner, validating each value
   * as it goes; only for {@link ComponentStore.inPlace} stores. A throw leaves some of the values
   * in the row, like the leftovers of a removed row: nothing reads a row without an owner, and a
   * transaction restores the row's page on rollback (capture the page before calling this).
   * @throws EcsError ERR_UNKNOWN_FIELD, ERR_INVALID_VALUE
   */
  writeFree(i: number, values: object | undefined): void {
    const cols = this.cols
    // Fields given a value are marked in `seen`; only the others are zeroed, afterwards, so a row
    // whose values name every field is written once (not zeroed first).
    let seen = 0
    if (values !== undefined) {
      for (const key in values) {
        // biome-ignore lint/suspicious/noPrototypeBuiltins: V8 11.3 folds this form in a for...in, not Object.hasOwn
        if (!Object.prototype.hasOwnProperty.call(values, key)) continue
        const f = this.field(key)
        const v = (values as Record<string, unknown>)[key]
        if (v !== undefined) {
          ;(cols[f] as NumericColumn)[i] = this.encode(f, v) as number
          seen |= 1 << f
        }
      }
    }
    if (seen !== this.allFields) this.zeroUnseen(i, seen)
  }

  /** Writes 0 into the fields of row `i` whose bit is not in `seen`. */
  private zeroUnseen(i: number, seen: number): void {
    const cols = this.cols
    for (let f = 0; f < cols.length; f++) if ((seen & (1 << f)) === 0) (cols[f] as NumericColumn)[i] = 0
  }

  /** Throws when writing `stored` into field `f` of row `i` would break a unique index. */
  checkUnique(f: number, i: number, stored: unknown): void {
    const u = this.uniques[f]
    if (u?.conflicts(i, stored)) {
      throw new EcsError(
        'ERR_UNIQUE_VIOLATION',
        `${this.component.name}.${this.names[f]} = ${String(stored)} is already used by another entity`,
      )
    }
  }

  /** Writes the staged row into row `i`, gives it to `e`, indexes it and updates queries. */
  insertStaged(i: number, e: Entity): void {
    const staged = this.staged
    const cols = this.cols
    for (let f = 0; f < staged.length; f++) (cols[f] as unknown[])[i] = staged[f]
    this.attach(i, e)
    if (this.hasIndexes) indexRow(this, i)
  }

  /** Un-indexes row `i`, frees it and updates queries (values stay for the undo log). */
  delete(i: number): void {
    if (this.hasIndexes) unindexRow(this, i)
    this.detach(i)
  }

  /** Gives row `i` to `e` and updates queries (no values, no indexes). */
  attach(i: number, e: Entity): void {
    this.owner[i] = e
    this.count++
    const req = this.requiredBy
    for (let k = 0; k < req.length; k++) (req[k] as QueryImpl).requiredAdded(i, e)
    const exc = this.excludedBy
    for (let k = 0; k < exc.length; k++) (exc[k] as QueryImpl).excludedAdded(i)
  }

  /** Frees row `i` and updates queries (no values, no indexes). */
  detach(i: number): void {
    const e = this.owner[i] as Entity
    this.owner[i] = 0
    this.count--
    const req = this.requiredBy
    for (let k = 0; k < req.length; k++) (req[k] as QueryImpl).requiredRemoved(i)
    const exc = this.excludedBy
    for (let k = 0; k < exc.length; k++) (exc[k] as QueryImpl).excludedRemoved(i, e)
  }

  /** Writes a stored value into field `f` of row `i`, keeping indexes (the page must be captured). */
  write(f: number, i: number, stored: unknown): void {
    if (this.indexedField[f]) {
      this.checkUnique(f, i, stored)
      ;(this.cols[f] as unknown[])[i] = stored
      this.uniques[f]?.update(i, stored)
      this.sorted[f]?.update(i, stored as SortKey)
      if (f === this.spatialX || f === this.spatialY) this.spatialMove(i)
    } else {
      ;(this.cols[f] as unknown[])[i] = stored
    }
  }

  private spatialMove(i: number): void {
    const x = (this.cols[this.spatialX] as NumericColumn)[i] as number
    const y = (this.cols[this.spatialY] as NumericColumn)[i] as number
    ;(this.spatial as SpatialGrid).move(i, x, y)
  }
}
