import { ProtocolError } from './protocol-error.js'

/** Largest u32. */
export const U32_MAX = 4294967295

function invalid(path: string, expected: string, value: unknown): never {
  let got: string
  if (value === null) got = 'null'
  else if (Array.isArray(value)) got = `an array of ${value.length}`
  else if (value instanceof Uint8Array) got = `${value.length} bytes`
  else if (typeof value === 'number') got = String(value)
  else if (typeof value === 'string') got = `a string of length ${value.length}`
  else got = typeof value
  throw new ProtocolError('ERR_INVALID_FIELD', `${path}: expected ${expected}, got ${got}`)
}

/** Checks that a frame carries at least `count` elements (tag included); extra trailing fields are ignored. */
export function expectLength(frame: readonly unknown[], count: number, name: string): void {
  if (frame.length < count) {
    throw new ProtocolError('ERR_INVALID_FIELD', `${name}: expected ${count - 1} fields, got ${frame.length - 1}`)
  }
}

/** An unsigned 32-bit integer (request ids, query ids, table ids, masks). */
export function u32(value: unknown, path: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > U32_MAX) invalid(path, 'u32', value)
  return value
}

/** A non-negative safe integer (seq, tick, entity). */
export function uint(value: unknown, path: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) invalid(path, 'a non-negative safe integer', value)
  return value
}

/** A finite number (times in milliseconds, rates). */
export function finite(value: unknown, path: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) invalid(path, 'a finite number', value)
  return value
}

/** A string. */
export function str(value: unknown, path: string): string {
  if (typeof value !== 'string') invalid(path, 'a string', value)
  return value
}

/** A string or nil. */
export function strOrNull(value: unknown, path: string): string | null {
  if (value !== null && typeof value !== 'string') invalid(path, 'a string or nil', value)
  return value
}

/** A boolean. */
export function bool(value: unknown, path: string): boolean {
  if (typeof value !== 'boolean') invalid(path, 'a boolean', value)
  return value
}

/** An array (elements unchecked). */
export function array(value: unknown, path: string): unknown[] {
  if (!Array.isArray(value)) invalid(path, 'an array', value)
  return value
}

/** An array of strings. */
export function stringArray(value: unknown, path: string): string[] {
  const items = array(value, path)
  for (let i = 0; i < items.length; i++) {
    if (typeof items[i] !== 'string') invalid(`${path}[${i}]`, 'a string', items[i])
  }
  return items as string[]
}

/** An array of non-negative safe integers (entities). */
export function uintArray(value: unknown, path: string): number[] {
  const items = array(value, path)
  for (let i = 0; i < items.length; i++) {
    const v = items[i]
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) invalid(`${path}[${i}]`, 'a non-negative safe integer', v)
  }
  return items as number[]
}

/** Binary data, returned as a plain Uint8Array view. */
export function binary(value: unknown, path: string): Uint8Array {
  if (!(value instanceof Uint8Array)) invalid(path, 'binary data', value)
  return value.constructor === Uint8Array ? value : new Uint8Array(value.buffer, value.byteOffset, value.byteLength)
}

/** A string, binary data or nil. */
export function credential(value: unknown, path: string): string | Uint8Array | null {
  if (value === null || typeof value === 'string') return value
  return binary(value, path)
}

/** Renders a tag for an error message. */
export function describeTag(tag: unknown): string {
  if (typeof tag === 'number') return Number.isInteger(tag) && tag >= 0 ? `0x${tag.toString(16)}` : String(tag)
  return typeof tag === 'string' ? JSON.stringify(tag.slice(0, 32)) : typeof tag
}
