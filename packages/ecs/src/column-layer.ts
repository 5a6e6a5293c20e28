import type { NumericColumn } from './schema.js'

/** The transaction level an accessor compares with its page marks (see `TransactionEngine.epoch`). */
export interface Clock {
  readonly epoch: number
}

/**
 * Puts what a numeric accessor's hot path reads (its column, the component's page marks and the
 * transaction clock) on a fresh object between `accessor` and `methods` in its prototype chain,
 * in place of the layer it had.
 *
 * Why a prototype and not two fields: V8 compiles `acc.get(e)` on an accessor held in a `const`
 * to a load at a fixed address only while the accessor's column property has never been
 * rewritten. Rewriting a field once marks it mutable for every object of that shape, for good:
 * every accessor of every world then reloads its column and the column's length and data pointer
 * on each access (about 2× slower loops). A prototype object is unique to its accessor, so
 * swapping in a new layer changes the accessor's shape instead: code compiled for the old shape
 * is dropped once and recompiled with the new column as a constant. Code compiled where the
 * accessor is not a known constant (a loop compiled by on-stack replacement, a system created by
 * a factory) still knows the layer from the accessor's shape: one shape check gives it the column,
 * the page marks and the clock as constants.
 *
 * @param accessor - the accessor (its own properties are left alone)
 * @param methods - the prototype holding the accessor's methods (its class prototype)
 * @param col - the field's column
 * @param pageMark - the component's page marks
 * @param clock - the transaction engine, or a never-matching clock
 */
export function setColumnLayer(
  accessor: object,
  methods: object,
  col: NumericColumn,
  pageMark: Int32Array,
  clock: Clock,
): void {
  const layer = Object.create(methods) as { col: NumericColumn; pageMark: Int32Array; clock: Clock }
  layer.col = col
  layer.pageMark = pageMark
  layer.clock = clock
  Object.setPrototypeOf(accessor, layer)
}
