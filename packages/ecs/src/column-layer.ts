import type { NumericColumn } from './schema.js'

/**
 * The arrays of a numeric accessor that a world replaces when it grows: the field's column and
 * the component's page marks.
 */
export interface ColumnArrays {
  readonly col: NumericColumn
  readonly pageMark: Int32Array
}

/**
 * Puts `col` and `pageMark` on a fresh object between `accessor` and `methods` in its prototype
 * chain, in place of the layer it had.
 *
 * Why a prototype and not two fields: V8 compiles `acc.get(e)` on an accessor held in a `const`
 * to a load at a fixed address only while the accessor's column property has never been
 * rewritten. Rewriting a field once marks it mutable for every object of that shape, for good:
 * every accessor of every world then reloads its column and the column's length and data pointer
 * on each access (about 2× slower loops). A prototype object is unique to its accessor, so
 * swapping in a new layer changes the accessor's shape instead: code compiled for the old shape
 * is dropped once and recompiled with the new column as a constant.
 *
 * @param accessor - the accessor (its own properties are left alone)
 * @param methods - the prototype holding the accessor's methods (its class prototype)
 * @param col - the field's column
 * @param pageMark - the component's page marks
 */
export function setColumnLayer(accessor: object, methods: object, col: NumericColumn, pageMark: Int32Array): void {
  const layer = Object.create(methods) as { col: NumericColumn; pageMark: Int32Array }
  layer.col = col
  layer.pageMark = pageMark
  Object.setPrototypeOf(accessor, layer)
}
