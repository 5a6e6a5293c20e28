import type { FieldType } from '@orrery/ecs'

const INTEGER_RANGES: Readonly<Partial<Record<FieldType, readonly [number, number]>>> = {
  i8: [-0x80, 0x7f],
  i16: [-0x8000, 0x7fff],
  i32: [-0x80000000, 0x7fffffff],
  u8: [0, 0xff],
  u16: [0, 0xffff],
  u32: [0, 0xffffffff],
}

/**
 * Whether a value received from the wire fits a field of the given type.
 *
 * Integer types must hold an integer in range, floats any number but NaN, `bool` a
 * boolean, `string` a string, `entity` a non-negative safe integer (0 = none);
 * `json` anything msgpack decoded but `undefined` (the same rules the ECS store enforces on writes).
 *
 * @param type - the field's type
 * @param value - the untrusted value
 * @returns true when the replica can store it as is
 * @example
 * ```ts
 * isFieldValue('u8', 300) // false
 * ```
 */
export function isFieldValue(type: FieldType, value: unknown): boolean {
  switch (type) {
    case 'f32':
    case 'f64':
      return typeof value === 'number' && !Number.isNaN(value)
    case 'bool':
      return typeof value === 'boolean'
    case 'string':
      return typeof value === 'string'
    case 'entity':
      return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0
    case 'json':
      return value !== undefined
    default: {
      const range = INTEGER_RANGES[type]
      return (
        range !== undefined && typeof value === 'number' && Number.isInteger(value) && value >= range[0] && value <= range[1]
      )
    }
  }
}

/**
 * Whether two stored values of a field are the same (`Object.is` for scalars, structural for `json`).
 *
 * @param type - the field's type
 * @param a - one value
 * @param b - the other value
 * @returns true when replacing `a` by `b` changes nothing
 * @example
 * ```ts
 * fieldValuesEqual('json', { hp: 3 }, { hp: 3 }) // true
 * ```
 */
export function fieldValuesEqual(type: FieldType, a: unknown, b: unknown): boolean {
  return type === 'json' ? deepEqual(a, b) : Object.is(a, b)
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false
  if (Array.isArray(a) !== Array.isArray(b)) return false
  if (a instanceof Uint8Array || b instanceof Uint8Array) {
    if (!(a instanceof Uint8Array && b instanceof Uint8Array) || a.length !== b.length) return false
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
    return true
  }
  const keysA = Object.keys(a)
  const keysB = Object.keys(b)
  if (keysA.length !== keysB.length) return false
  for (const key of keysA) {
    if (!Object.hasOwn(b, key)) return false
    if (!deepEqual((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key])) return false
  }
  return true
}

/**
 * Whether a wire value can be an entity id of a row (a positive safe integer).
 *
 * @param value - the untrusted value
 * @returns true for a positive safe integer
 * @example
 * ```ts
 * isEntityId(0) // false: 0 means "no entity"
 * ```
 */
export function isEntityId(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value > 0
}
