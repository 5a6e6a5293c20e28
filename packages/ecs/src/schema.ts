import type { Entity } from './entity.js'

/**
 * The type of one component field. Numeric types live in typed-array columns, `'bool'` is
 * 0/1 in a `Uint8Array` read as a boolean, `'entity'` is an {@link Entity} in a `Float64Array`
 * (0 = none), `'string'` and `'json'` (any msgpack-able value) live in plain arrays.
 */
export type FieldType =
  | 'f32'
  | 'f64'
  | 'i8'
  | 'i16'
  | 'i32'
  | 'u8'
  | 'u16'
  | 'u32'
  | 'bool'
  | 'string'
  | 'entity'
  | 'json'

/** A component schema: field name → {@link FieldType}, at most 32 fields, key order = wire order. */
export type Schema = Record<string, FieldType>

/** The TypeScript type of a value stored in a field of type `T`. */
export type FieldValue<T extends FieldType> = T extends 'bool'
  ? boolean
  : T extends 'string'
    ? string
    : T extends 'entity'
      ? Entity
      : T extends 'json'
        ? unknown
        : number

/** One row of a component: every field with its value. */
export type Row<S extends Schema> = { [K in keyof S]: FieldValue<S[K]> }

/** All field types, in a fixed order. */
export const FIELD_TYPES: readonly FieldType[] = [
  'f32',
  'f64',
  'i8',
  'i16',
  'i32',
  'u8',
  'u16',
  'u32',
  'bool',
  'string',
  'entity',
  'json',
]

/** A typed-array column. */
export type NumericColumn =
  | Float32Array
  | Float64Array
  | Int8Array
  | Int16Array
  | Int32Array
  | Uint8Array
  | Uint16Array
  | Uint32Array

/** A column: typed array for numeric, bool and entity fields; plain array otherwise. */
export type Column = NumericColumn | unknown[]

/** Range and integrality of a numeric field type, used to validate writes. */
export interface NumericSpec {
  readonly lo: number
  readonly hi: number
  readonly integer: boolean
}

const NUMERIC: Record<string, NumericSpec> = {
  f32: { lo: Number.NEGATIVE_INFINITY, hi: Number.POSITIVE_INFINITY, integer: false },
  f64: { lo: Number.NEGATIVE_INFINITY, hi: Number.POSITIVE_INFINITY, integer: false },
  i8: { lo: -128, hi: 127, integer: true },
  i16: { lo: -32768, hi: 32767, integer: true },
  i32: { lo: -2147483648, hi: 2147483647, integer: true },
  u8: { lo: 0, hi: 255, integer: true },
  u16: { lo: 0, hi: 65535, integer: true },
  u32: { lo: 0, hi: 4294967295, integer: true },
  entity: { lo: 0, hi: Number.MAX_SAFE_INTEGER, integer: true },
}

/** The numeric spec of a type, or undefined for bool/string/json. */
export function numericSpec(type: FieldType): NumericSpec | undefined {
  return NUMERIC[type]
}

/** Whether a field of this type lives in a typed array (numeric, bool, entity). */
export function isTypedField(type: FieldType): boolean {
  return type !== 'string' && type !== 'json'
}

/** Allocates a column of `capacity` rows holding the type's default. */
export function allocateColumn(type: FieldType, capacity: number): Column {
  switch (type) {
    case 'f32':
      return new Float32Array(capacity)
    case 'f64':
    case 'entity':
      return new Float64Array(capacity)
    case 'i8':
      return new Int8Array(capacity)
    case 'i16':
      return new Int16Array(capacity)
    case 'i32':
      return new Int32Array(capacity)
    case 'u8':
    case 'bool':
      return new Uint8Array(capacity)
    case 'u16':
      return new Uint16Array(capacity)
    case 'u32':
      return new Uint32Array(capacity)
    case 'string':
      return new Array<unknown>(capacity).fill('')
    case 'json':
      return new Array<unknown>(capacity).fill(null)
  }
}

/** Copies `old` into a new column of `capacity` rows. */
export function growColumn(type: FieldType, old: Column, capacity: number): Column {
  const next = allocateColumn(type, capacity)
  if (Array.isArray(next)) {
    const src = old as unknown[]
    for (let i = 0; i < src.length; i++) next[i] = src[i]
  } else {
    next.set(old as NumericColumn)
  }
  return next
}

/** The stored default of a type (what `add` writes for a missing value). */
export function defaultStored(type: FieldType): unknown {
  if (type === 'string') return ''
  if (type === 'json') return null
  return 0
}

/**
 * Validates a value for a field and converts it to its stored form (booleans to 0/1).
 * Returns `INVALID` when the value does not fit the type.
 */
export function toStored(type: FieldType, value: unknown): unknown {
  switch (type) {
    case 'bool':
      return typeof value === 'boolean' ? (value ? 1 : 0) : INVALID
    case 'string':
      return typeof value === 'string' ? value : INVALID
    case 'json':
      return value === undefined ? INVALID : value
    default: {
      const spec = NUMERIC[type] as NumericSpec
      if (typeof value !== 'number' || !(value >= spec.lo && value <= spec.hi)) return INVALID
      if (spec.integer && Math.floor(value) !== value) return INVALID
      return value
    }
  }
}

/** Converts a stored value back to its public form (0/1 to booleans). */
export function fromStored(type: FieldType, stored: unknown): unknown {
  return type === 'bool' ? stored === 1 : stored
}

/** Marker returned by {@link toStored} for a value of the wrong type or range. */
export const INVALID: unique symbol = Symbol('invalid')
