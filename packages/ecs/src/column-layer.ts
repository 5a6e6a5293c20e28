import type { NumericColumn } from './schema.js'

/** The transaction level an accessor compares with its page marks (see `TransactionEngine.epoch`). */
export interface Clock {
  readonly epoch: number
}

/** Each accessor's own first prototype (see {@link setColumnLayer}). */
const bases = new WeakMap<object, object>()

/** Reads `col` through `o` (see {@link fastChain}). */
function probe(o: { readonly col?: unknown }): unknown {
  return o.col
}

/**
 * Turns an accessor's `base` and `layer`, just made prototypes, back into fast-mode objects. V8
 * puts an object that becomes a prototype in dictionary mode, and makes it fast again only when a
 * property load with feedback first looks up a chain through it, starting at the receiver's
 * prototype and stopping at the first prototype already made fast. Left to the accessor's own
 * loads, a layer swapped in under an older `base` would stay in dictionary mode for good (that
 * lookup stops at `base`), and the first ones would turn fast or not depending on which loads ran
 * before V8 compiled a system: every `get` through a dictionary-mode object is a lookup
 * (`entity_cycle` ran about 20 % slower once its world had grown). A load through a fresh object
 * whose prototype is the layer, then one whose prototype is `base`, reaches both; `probe` gets
 * its feedback after a few calls, hence the loop (two dozen `Object.create`s per growth).
 */
function fastChain(base: object, layer: object): void {
  for (let k = 0; k < 12; k++) {
    probe(Object.create(layer) as { readonly col?: unknown })
    probe(Object.create(base) as { readonly col?: unknown })
  }
}

/**
 * Puts what a numeric accessor's hot path reads (its column, the component's page marks and the
 * transaction clock) on a fresh object, the layer, in the accessor's prototype chain:
 * `accessor → base → layer → methods`, where `base` is an empty object of the accessor's own,
 * made on the first call, and each later call puts a new layer under it.
 *
 * Why a prototype and not two fields: V8 compiles `acc.get(e)` on an accessor held in a `const`
 * to a load at a fixed address only while the accessor's column property has never been
 * rewritten. Rewriting a field once marks it mutable for every object of that shape, for good:
 * every accessor of every world then reloads its column and the column's length and data pointer
 * on each access (about 2× slower loops). A prototype object is unique to its accessor, so
 * swapping in a new layer drops the code compiled with the old column once, and V8 recompiles it
 * with the new column as a constant. Code compiled where the accessor is not a known constant (a
 * loop compiled by on-stack replacement, a system created by a factory) still gets the column, the
 * page marks and the clock as constants after one shape check.
 *
 * Why the fixed `base`: the layer is swapped under it, so the accessor itself keeps one shape for
 * its whole life. Were the layer the accessor's own prototype, each growth of the world would give
 * the accessor a new shape, and a system's `acc.get(e)` call site, which V8 optimizes for up to
 * four shapes, would turn megamorphic (a lookup per call) after the world had grown four times.
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
  let base = bases.get(accessor)
  if (base !== undefined) {
    Object.setPrototypeOf(base, layer)
  } else {
    base = Object.create(layer) as object
    bases.set(accessor, base)
    Object.setPrototypeOf(accessor, base)
  }
  fastChain(base, layer)
}
