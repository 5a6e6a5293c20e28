import { ProtocolError } from './protocol-error.js'
import { DEFAULT_MAX_STRING_VALUE_LENGTH, isValidValue, isValueType, type ValueOf, type ValueType } from './value-type.js'

/**
 * The arguments of a reducer: name → {@link ValueType}; key order is the positional wire order.
 *
 * Use names that are not integer-like (`'0'`, `'12'`): JavaScript lists such keys first, which
 * would change the positional order.
 *
 * @example
 * ```ts
 * const updatePlayerInput = { dirX: 'f64', dirY: 'f64' } as const satisfies ArgsSchema
 * ```
 */
export type ArgsSchema = Readonly<Record<string, ValueType>>

/** The argument object of a reducer with schema `A`, e.g. `{ dirX: number; dirY: number }`. */
export type ArgsOf<A extends ArgsSchema> = { -readonly [K in keyof A]: ValueOf<A[K]> }

/** Options of {@link encodeArgs} and {@link decodeArgs}. */
export interface ArgsOptions {
  /** Maximum length of a `string` argument, in UTF-16 code units. Default 1024. */
  readonly maxStringLength?: number
}

function describe(value: unknown): string {
  if (typeof value === 'string') return `a string of length ${value.length}`
  if (typeof value === 'number') return String(value)
  if (value === null) return 'null'
  return Array.isArray(value) ? 'an array' : `a ${typeof value}`
}

function checkArg(name: string, type: ValueType, value: unknown, maxStringLength: number): void {
  if (!isValueType(type)) {
    throw new ProtocolError('ERR_INVALID_SCHEMA', `argument ${JSON.stringify(name)} has unknown type ${JSON.stringify(type)}`)
  }
  if (!isValidValue(type, value, maxStringLength)) {
    const limit = type === 'string' ? ` of at most ${maxStringLength} characters` : ''
    throw new ProtocolError('ERR_INVALID_ARGUMENTS', `argument ${JSON.stringify(name)}: expected ${type}${limit}, got ${describe(value)}`)
  }
}

/**
 * Turns an argument object into the positional array a CallReducer carries, checking each value.
 *
 * @param schema - the reducer's {@link ArgsSchema}
 * @param args - one value per schema key (numbers in range for their type, strings ≤ 1024 code units by default)
 * @param options - {@link ArgsOptions}
 * @returns the values in schema key order (`json` values are passed through; `undefined` becomes `null` on the wire)
 * @throws ProtocolError `ERR_INVALID_ARGUMENTS` when a value is missing, of the wrong type or out of range
 * @throws ProtocolError `ERR_INVALID_SCHEMA` when the schema names an unknown type
 * @example
 * ```ts
 * encodeArgs({ dirX: 'f64', dirY: 'f64' }, { dirX: 0.6, dirY: -0.8 }) // [0.6, -0.8]
 * ```
 */
export function encodeArgs<A extends ArgsSchema>(schema: A, args: ArgsOf<A>, options?: ArgsOptions): unknown[] {
  const maxStringLength = options?.maxStringLength ?? DEFAULT_MAX_STRING_VALUE_LENGTH
  const source = args as Record<string, unknown>
  const out: unknown[] = []
  for (const name of Object.keys(schema)) {
    const type = schema[name] as ValueType
    if (!Object.hasOwn(source, name) && type !== 'json') {
      throw new ProtocolError('ERR_INVALID_ARGUMENTS', `argument ${JSON.stringify(name)} is missing`)
    }
    const value = source[name]
    checkArg(name, type, value, maxStringLength)
    out.push(value === undefined ? null : value)
  }
  return out
}

/**
 * Turns the positional arguments of a decoded CallReducer into a checked argument object.
 *
 * @param schema - the reducer's {@link ArgsSchema}
 * @param raw - `CallReducer.args` (untrusted)
 * @param options - {@link ArgsOptions}
 * @returns an object with one property per schema key
 * @throws ProtocolError `ERR_INVALID_ARGUMENTS` when the count differs from the schema or a value has the wrong type or range
 * @throws ProtocolError `ERR_INVALID_SCHEMA` when the schema names an unknown type
 * @example
 * ```ts
 * decodeArgs({ name: 'string' }, ['Ada']) // { name: 'Ada' }
 * ```
 */
export function decodeArgs<A extends ArgsSchema>(schema: A, raw: readonly unknown[], options?: ArgsOptions): ArgsOf<A> {
  const maxStringLength = options?.maxStringLength ?? DEFAULT_MAX_STRING_VALUE_LENGTH
  const names = Object.keys(schema)
  if (!Array.isArray(raw) || raw.length !== names.length) {
    const got = Array.isArray(raw) ? `${raw.length}` : describe(raw)
    throw new ProtocolError('ERR_INVALID_ARGUMENTS', `expected ${names.length} arguments, got ${got}`)
  }
  const out: Record<string, unknown> = {}
  for (let i = 0; i < names.length; i++) {
    const name = names[i] as string
    const value = raw[i]
    checkArg(name, schema[name] as ValueType, value, maxStringLength)
    Object.defineProperty(out, name, { value, enumerable: true, writable: true, configurable: true })
  }
  return out as ArgsOf<A>
}
