import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { ProtocolError } from './protocol-error.js'
import { argsSchemaOf, describeSchema, tableIdOf, validateSchemaDescription } from './schema-description.js'
import { schemaDescription } from './test-utils/arbitraries.js'

const Body = { name: 'Body', schema: { x: 'f32', y: 'f32', mass: 'u32' }, fields: ['x', 'y', 'mass'] } as const
const Food = { name: 'Food', schema: {} } as const

function codeOf(fn: () => unknown): string {
  try {
    fn()
    return 'no error'
  } catch (error) {
    expect(error).toBeInstanceOf(ProtocolError)
    return (error as ProtocolError).code
  }
}

describe('describeSchema', () => {
  it('lists components in table-id order and fields in field order', () => {
    const schema = describeSchema({
      components: [Body, Food],
      reducers: { enterGame: { name: 'string' }, updatePlayerInput: { dirX: 'f64', dirY: 'f64' } },
    })
    expect(schema).toEqual({
      components: [
        ['Body', [['x', 'f32'], ['y', 'f32'], ['mass', 'u32']]],
        ['Food', []],
      ],
      reducers: [
        ['enterGame', [['name', 'string']]],
        ['updatePlayerInput', [['dirX', 'f64'], ['dirY', 'f64']]],
      ],
    })
    expect(tableIdOf(schema, 'Food')).toBe(1)
    expect(tableIdOf(schema, 'Nope')).toBeUndefined()
    expect(argsSchemaOf(schema, 'updatePlayerInput')).toEqual({ dirX: 'f64', dirY: 'f64' })
    expect(argsSchemaOf(schema, 'nope')).toBeUndefined()
  })

  it('refuses duplicates, unknown types and more than 32 fields', () => {
    expect(codeOf(() => describeSchema({ components: [Body, Body] }))).toBe('ERR_INVALID_SCHEMA')
    expect(codeOf(() => describeSchema({ components: [{ name: 'A', schema: { x: 'u64' as 'u32' } }] }))).toBe('ERR_INVALID_SCHEMA')
    const wide = Object.fromEntries(Array.from({ length: 33 }, (_, i) => [`f${i}`, 'u8' as const]))
    expect(codeOf(() => describeSchema({ components: [{ name: 'Wide', schema: wide }] }))).toBe('ERR_INVALID_SCHEMA')
    const ok = Object.fromEntries(Array.from({ length: 32 }, (_, i) => [`f${i}`, 'u8' as const]))
    expect(codeOf(() => describeSchema({ components: [{ name: 'Wide', schema: ok }] }))).toBe('no error')
    expect(codeOf(() => describeSchema({ components: [{ name: '', schema: {} }] }))).toBe('ERR_INVALID_SCHEMA')
  })
})

describe('validateSchemaDescription', () => {
  it('accepts every well-formed description', () => {
    fc.assert(
      fc.property(schemaDescription, (schema) => {
        expect(validateSchemaDescription(schema)).toBe(schema)
      }),
      { numRuns: 100 },
    )
  })

  it.each([
    null,
    [],
    { components: [] },
    { components: {}, reducers: [] },
    { components: [['A']], reducers: [] },
    { components: [['A', [['x']]]], reducers: [] },
    { components: [['A', [['x', 'f32'], ['x', 'f64']]]], reducers: [] },
    { components: [[1, []]], reducers: [] },
    { components: [], reducers: [['r', [['a', 'date']]]] },
  ])('refuses %j', (value) => {
    expect(codeOf(() => validateSchemaDescription(value))).toBe('ERR_INVALID_SCHEMA')
  })
})
