import { EcsError } from './errors.js'
import { FIELD_TYPES, type FieldType, type Schema, isTypedField } from './schema.js'

/** Indexes a component keeps on its fields. */
export interface ComponentOptions<S extends Schema = Schema> {
  /** Fields with a unique hash index (`findUnique`); a duplicate value throws `ERR_UNIQUE_VIOLATION`. */
  readonly unique?: readonly (keyof S & string)[]
  /** Fields with a multi-value sorted index (`findAll`, `findRange`). */
  readonly index?: readonly (keyof S & string)[]
  /** A uniform grid over two numeric fields, cell size in world units (`queryRadius`, `queryRect`). */
  readonly spatial?: { readonly x: keyof S & string; readonly y: keyof S & string; readonly cellSize: number }
  /**
   * How numeric fields travel to clients: field → step in the field's unit. A quantized field goes on
   * the wire as the integer `round(value / step)` (deltas in updates), and replicas hold `q × step`.
   * An integer field (`i8`…`u32`) takes an integer step (1: exact values, sent as deltas, e.g. a mass
   * that grows by a few units at a time). The world itself stores full values; only replication reads this.
   */
  readonly quantize?: { readonly [K in keyof S & string]?: number }
  /**
   * Who may receive the rows when replicated: `'public'` (default) every subscriber, `'private'` nobody (the
   * server keeps the table to itself), `{ owner: field }` only the client whose identity is the value of
   * that `string` field. The world itself ignores it; the server and its replicator enforce it.
   */
  readonly visibility?: 'public' | 'private' | { readonly owner: keyof S & string }
}

/** A component descriptor: a named table schema, independent of any world. */
export interface Component<S extends Schema = Schema, N extends string = string> {
  /** Unique name (the table name on the wire), as a literal type. */
  readonly name: N
  /** Field name → type. */
  readonly schema: S
  /**
   * Field names in schema key order = wire order = mask bit order. Typed `string` (not
   * `keyof S`) so that every `Component<S>` is assignable to `Component`.
   */
  readonly fields: readonly string[]
  /** Index options (field names as plain strings, so any component fits `Component`). */
  readonly options: ComponentOptions
}

const MAX_FIELDS = 32
/** Field types a `quantize` step may name. */
const QUANTIZABLE: ReadonlySet<FieldType> = new Set<FieldType>(['f32', 'f64', 'i8', 'i16', 'i32', 'u8', 'u16', 'u32'])

function fail(name: string, message: string): never {
  throw new EcsError('ERR_SCHEMA', `component ${JSON.stringify(name)}: ${message}`)
}

function checkIndexed(name: string, schema: Schema, field: unknown, what: string): FieldType {
  if (typeof field !== 'string' || !Object.hasOwn(schema, field)) {
    fail(name, `${what} names unknown field ${JSON.stringify(field)}`)
  }
  return schema[field] as FieldType
}

/**
 * Defines a component: a named schema of typed fields, with optional unique, sorted and spatial indexes.
 *
 * @param name - the table name, unique within a world (non-empty); kept as a literal type
 * @param schema - field name → {@link FieldType}; at most 32 fields, key order is the wire order
 * @param options - `unique` and `index` field lists, `spatial` grid over two numeric fields, `quantize` steps and
 *   `visibility` for replication
 * @returns a world-independent {@link Component} descriptor
 * @throws {@link EcsError} `ERR_SCHEMA` on an empty name, too many fields, an unknown type, or an
 *   option naming a missing field (or an index on a `'json'` field, a non-numeric spatial field, or a
 *   quantize step that is not a positive finite number on a numeric field or not an integer on an integer
 *   field, or a visibility owner that is not a `string` field)
 * @example
 * ```ts
 * const Body = defineComponent('Body', { x: 'f64', y: 'f64', mass: 'u32' }, {
 *   spatial: { x: 'x', y: 'y', cellSize: 100 },
 * })
 * ```
 */
export function defineComponent<const N extends string, const S extends Schema>(
  name: N,
  schema: S,
  options: ComponentOptions<S> = {},
): Component<S, N> {
  if (typeof name !== 'string' || name.length === 0) fail(String(name), 'the name must be a non-empty string')
  if (schema === null || typeof schema !== 'object') fail(name, 'the schema must be an object')
  const fields = Object.keys(schema)
  if (fields.length > MAX_FIELDS) fail(name, `at most ${MAX_FIELDS} fields, got ${fields.length}`)
  for (const field of fields) {
    if (!FIELD_TYPES.includes(schema[field] as FieldType)) {
      fail(name, `field ${JSON.stringify(field)} has unknown type ${JSON.stringify(schema[field])}`)
    }
  }
  for (const field of options.unique ?? []) {
    if (checkIndexed(name, schema, field, 'unique') === 'json') fail(name, `unique index on json field ${field}`)
  }
  for (const field of options.index ?? []) {
    if (checkIndexed(name, schema, field, 'index') === 'json') fail(name, `sorted index on json field ${field}`)
  }
  const spatial = options.spatial
  if (spatial !== undefined) {
    for (const axis of [spatial.x, spatial.y]) {
      const type = checkIndexed(name, schema, axis, 'spatial')
      if (!isTypedField(type) || type === 'bool' || type === 'entity') {
        fail(name, `spatial field ${axis} must be numeric`)
      }
    }
    if (spatial.x === spatial.y) fail(name, 'spatial x and y must be different fields')
    if (!(spatial.cellSize > 0 && Number.isFinite(spatial.cellSize))) fail(name, 'spatial cellSize must be > 0')
  }
  const visibility = options.visibility
  if (visibility !== undefined && visibility !== 'public' && visibility !== 'private') {
    if (typeof visibility !== 'object' || visibility === null) fail(name, "visibility must be 'public', 'private' or { owner: field }")
    if (checkIndexed(name, schema, visibility.owner, 'visibility owner') !== 'string') fail(name, `visibility owner ${String(visibility.owner)} must be a string field`)
  }
  for (const [field, step] of Object.entries(options.quantize ?? {})) {
    const type = checkIndexed(name, schema, field, 'quantize')
    if (!QUANTIZABLE.has(type)) fail(name, `quantize names ${field}, which is not a numeric field`)
    if (typeof step !== 'number' || !(step > 0) || !Number.isFinite(step)) fail(name, `quantize step of ${field} must be a positive finite number`)
    if (type !== 'f32' && type !== 'f64' && !Number.isInteger(step)) fail(name, `quantize step of the integer field ${field} must be an integer`)
  }
  return { name, schema, fields, options: options as ComponentOptions }
}
