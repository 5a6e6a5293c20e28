import { describe, expect, it } from 'vitest'
import { defineComponent } from './component.js'
import { EcsError } from './errors.js'
import type { Schema } from './schema.js'

function schemaError(fn: () => unknown): string {
  try {
    fn()
  } catch (err) {
    expect(err).toBeInstanceOf(EcsError)
    return (err as EcsError).code
  }
  throw new Error('expected a throw')
}

describe('defineComponent', () => {
  it('keeps schema key order as field order', () => {
    const C = defineComponent('C', { b: 'f64', a: 'string', c: 'bool' })
    expect(C.fields).toEqual(['b', 'a', 'c'])
    expect(C.name).toBe('C')
    expect(C.options).toEqual({})
  })

  it('rejects bad names, types, field counts and options with ERR_SCHEMA', () => {
    expect(schemaError(() => defineComponent('', { a: 'f64' }))).toBe('ERR_SCHEMA')
    expect(schemaError(() => defineComponent('X', { a: 'float' } as unknown as Schema))).toBe('ERR_SCHEMA')
    const wide: Schema = {}
    for (let i = 0; i < 33; i++) wide[`f${i}`] = 'u8'
    expect(schemaError(() => defineComponent('W', wide))).toBe('ERR_SCHEMA')
    expect(schemaError(() => defineComponent('X', { a: 'f64' }, { unique: ['b' as 'a'] }))).toBe('ERR_SCHEMA')
    expect(schemaError(() => defineComponent('Q', { a: 'string' }, { quantize: { a: 1 } }))).toBe('ERR_SCHEMA')
    expect(schemaError(() => defineComponent('Q', { a: 'u32' }, { quantize: { a: 0.5 } }))).toBe('ERR_SCHEMA')
    expect(schemaError(() => defineComponent('Q', { a: 'f32' }, { quantize: { a: 0 } }))).toBe('ERR_SCHEMA')
    expect(defineComponent('Q', { a: 'u32', b: 'f32' }, { quantize: { a: 1, b: 0.25 } }).options.quantize).toEqual({ a: 1, b: 0.25 })
    expect(schemaError(() => defineComponent('X', { a: 'json' }, { index: ['a'] }))).toBe('ERR_SCHEMA')
    expect(schemaError(() => defineComponent('X', { a: 'json' }, { unique: ['a'] }))).toBe('ERR_SCHEMA')
    expect(
      schemaError(() => defineComponent('X', { x: 'f64', y: 'string' }, { spatial: { x: 'x', y: 'y', cellSize: 1 } })),
    ).toBe('ERR_SCHEMA')
    expect(
      schemaError(() => defineComponent('X', { x: 'f64', y: 'f64' }, { spatial: { x: 'x', y: 'y', cellSize: 0 } })),
    ).toBe('ERR_SCHEMA')
    expect(
      schemaError(() => defineComponent('X', { x: 'f64', y: 'f64' }, { spatial: { x: 'x', y: 'x', cellSize: 5 } })),
    ).toBe('ERR_SCHEMA')
  })

  it('accepts 32 fields', () => {
    const wide: Schema = {}
    for (let i = 0; i < 32; i++) wide[`f${i}`] = 'u8'
    expect(defineComponent('W', wide).fields).toHaveLength(32)
  })
})
