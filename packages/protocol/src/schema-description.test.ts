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

describe('quantization steps', () => {
  const Circle = { name: 'Circle', schema: { x: 'f32', y: 'f64', radius: 'f32', mass: 'u32' }, options: { quantize: { x: 0.0625, y: 0.01 } } } as const

  it('describeSchema adds the step as a third element of quantized fields only', () => {
    const schema = describeSchema({ components: [Circle], reducers: { move: { dx: 'f32' } } })
    expect(schema.components[0]).toEqual([
      'Circle',
      [
        ['x', 'f32', 0.0625],
        ['y', 'f64', 0.01],
        ['radius', 'f32'],
        ['mass', 'u32'],
      ],
    ])
    expect(schema.reducers[0]).toEqual(['move', [['dx', 'f32']]])
    expect(argsSchemaOf(schema, 'move')).toEqual({ dx: 'f32' })
  })

  it('describeSchema skips steps that are undefined and refuses bad ones', () => {
    const noStep = { name: 'A', schema: { x: 'f32' }, options: { quantize: { x: undefined } } } as const
    expect(describeSchema({ components: [noStep] }).components[0]).toEqual(['A', [['x', 'f32']]])
    const onInteger = { name: 'A', schema: { n: 'u32' }, options: { quantize: { n: 1 } } } as const
    expect(describeSchema({ components: [onInteger] }).components[0]).toEqual(['A', [['n', 'u32', 1]]])
    const fractionOnInteger = { name: 'A', schema: { n: 'u32' }, options: { quantize: { n: 0.5 } } } as const
    expect(codeOf(() => describeSchema({ components: [fractionOnInteger] }))).toBe('ERR_INVALID_SCHEMA')
    for (const step of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
      const bad = { name: 'A', schema: { x: 'f32' }, options: { quantize: { x: step } } } as const
      expect(codeOf(() => describeSchema({ components: [bad] }))).toBe('ERR_INVALID_SCHEMA')
    }
  })

  it.each([
    ['a fractional step on an integer field', [['A', [['n', 'u32', 0.5]]]], []],
    ['a step on an entity field', [['A', [['e', 'entity', 1]]]], []],
    ['a predicted field without a step', [['A', [['x', 'f32', null, true]]]], []],
    ['a predicted flag that is not true', [['A', [['x', 'f32', 0.5, 1]]]], []],
    ['a step on a string field', [['A', [['s', 'string', 1]]]], []],
    ['a step on a json field', [['A', [['j', 'json', 1]]]], []],
    ['a zero step', [['A', [['x', 'f32', 0]]]], []],
    ['a negative step', [['A', [['x', 'f64', -0.5]]]], []],
    ['an infinite step', [['A', [['x', 'f64', Number.POSITIVE_INFINITY]]]], []],
    ['a NaN step', [['A', [['x', 'f32', Number.NaN]]]], []],
    ['a string step', [['A', [['x', 'f32', '0.1']]]], []],
    ['a step on a reducer argument', [], [['go', [['dx', 'f32', 0.1]]]]],
  ])('validateSchemaDescription refuses %s', (_name, components, reducers) => {
    expect(codeOf(() => validateSchemaDescription({ components, reducers }))).toBe('ERR_INVALID_SCHEMA')
  })

  it('validateSchemaDescription accepts positive finite steps on f32 and f64 fields, and nil as no step', () => {
    for (const step of [2 ** -20, 0.0625, 1, 1e6]) {
      expect(codeOf(() => validateSchemaDescription({ components: [['A', [['x', 'f32', step], ['y', 'f64', step]]]], reducers: [] }))).toBe(
        'no error',
      )
    }
    expect(codeOf(() => validateSchemaDescription({ components: [['A', [['x', 'f32', null]]]], reducers: [] }))).toBe('no error')
  })

  it('validateSchemaDescription accepts integer steps on integer fields and predicted quantized fields', () => {
    const components = [['A', [['x', 'f32', 0.0625, true], ['y', 'f64', 0.0625, false], ['mass', 'u32', 1], ['hp', 'i16', 4]]]]
    expect(codeOf(() => validateSchemaDescription({ components, reducers: [] }))).toBe('no error')
  })

  it('describeSchema marks the quantized fields of a spatial index as predicted', () => {
    const body = {
      name: 'Body',
      schema: { x: 'f32', y: 'f32', z: 'f32', mass: 'u32' },
      options: { spatial: { x: 'x', y: 'y' }, quantize: { x: 0.0625, y: 0.0625, z: 0.0625, mass: 1 } },
    } as const
    expect(describeSchema({ components: [body] }).components[0]).toEqual([
      'Body',
      [
        ['x', 'f32', 0.0625, true],
        ['y', 'f32', 0.0625, true],
        ['z', 'f32', 0.0625],
        ['mass', 'u32', 1],
      ],
    ])
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
