/**
 * The type names of reducer arguments and component fields (the same names as the ECS field types).
 *
 * @example
 * ```ts
 * VALUE_TYPES.includes('f32') // true
 * ```
 */
export const VALUE_TYPES = ['f32', 'f64', 'i8', 'i16', 'i32', 'u8', 'u16', 'u32', 'bool', 'string', 'entity', 'json'] as const

/** A value type name: sized numbers, `bool`, `string`, `entity` (non-negative safe integer) or `json` (any msgpack value). */
export type ValueType = (typeof VALUE_TYPES)[number]

/** The TypeScript type of a value of type `T`. */
export type ValueOf<T extends ValueType> = T extends 'bool'
  ? boolean
  : T extends 'string'
    ? string
    : T extends 'json'
      ? unknown
      : number

const VALUE_TYPE_SET: ReadonlySet<string> = new Set(VALUE_TYPES)

/**
 * Tells whether a string names a {@link ValueType}.
 *
 * @param name - a type name, e.g. from a decoded `SchemaDescription`
 * @returns `true` for the names in {@link VALUE_TYPES}
 * @example
 * ```ts
 * isValueType('u16') // true
 * isValueType('u64') // false
 * ```
 */
export function isValueType(name: unknown): name is ValueType {
  return typeof name === 'string' && VALUE_TYPE_SET.has(name)
}

/** Largest finite float32 magnitude. */
const F32_MAX = 3.4028234663852886e38

/** Default maximum length of a `string` value, in UTF-16 code units. */
export const DEFAULT_MAX_STRING_VALUE_LENGTH = 1024

/**
 * Tells whether `value` is a valid value of `type`.
 *
 * Integers must be whole and in range (`i8` −128..127 … `u32` 0..4294967295), floats finite
 * (`f32` also within ±3.4028234663852886e38), `entity` a non-negative safe integer,
 * `string` at most `maxStringLength` code units, `json` anything.
 *
 * @param type - the expected {@link ValueType}
 * @param value - the candidate value
 * @param maxStringLength - limit for `string`, in UTF-16 code units (default 1024)
 * @returns `true` when the value fits
 * @example
 * ```ts
 * isValidValue('u8', 255) // true
 * isValidValue('u8', 256) // false
 * ```
 */
export function isValidValue(type: ValueType, value: unknown, maxStringLength = DEFAULT_MAX_STRING_VALUE_LENGTH): boolean {
  switch (type) {
    case 'f64':
      return typeof value === 'number' && Number.isFinite(value)
    case 'f32':
      return typeof value === 'number' && Number.isFinite(value) && Math.abs(value) <= F32_MAX
    case 'i8':
      return Number.isInteger(value) && (value as number) >= -128 && (value as number) <= 127
    case 'i16':
      return Number.isInteger(value) && (value as number) >= -32768 && (value as number) <= 32767
    case 'i32':
      return Number.isInteger(value) && (value as number) >= -2147483648 && (value as number) <= 2147483647
    case 'u8':
      return Number.isInteger(value) && (value as number) >= 0 && (value as number) <= 255
    case 'u16':
      return Number.isInteger(value) && (value as number) >= 0 && (value as number) <= 65535
    case 'u32':
      return Number.isInteger(value) && (value as number) >= 0 && (value as number) <= 4294967295
    case 'bool':
      return typeof value === 'boolean'
    case 'string':
      return typeof value === 'string' && value.length <= maxStringLength
    case 'entity':
      return Number.isSafeInteger(value) && (value as number) >= 0
    case 'json':
      return true
  }
}
