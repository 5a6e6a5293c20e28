import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { type ArgsSchema, decodeArgs, encodeArgs } from './args.js'
import { ProtocolError } from './protocol-error.js'
import { VALUE_TYPES, type ValueType } from './value-type.js'

const valueArb: Record<ValueType, fc.Arbitrary<unknown>> = {
  f32: fc.float({ noNaN: true, noDefaultInfinity: true }).map((v) => (v === 0 ? 0 : v)),
  f64: fc.double({ noNaN: true, noDefaultInfinity: true }).map((v) => (v === 0 ? 0 : v)),
  i8: fc.integer({ min: -128, max: 127 }),
  i16: fc.integer({ min: -32768, max: 32767 }),
  i32: fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
  u8: fc.integer({ min: 0, max: 255 }),
  u16: fc.integer({ min: 0, max: 65535 }),
  u32: fc.integer({ min: 0, max: 2 ** 32 - 1 }),
  bool: fc.boolean(),
  string: fc.string({ maxLength: 20 }),
  entity: fc.maxSafeNat(),
  json: fc.jsonValue().map((v) => JSON.parse(JSON.stringify(v)) as unknown),
}

const schemaAndArgs = fc
  .uniqueArray(fc.tuple(fc.stringMatching(/^[a-z][a-zA-Z0-9_]{0,7}$/), fc.constantFrom(...VALUE_TYPES)), {
    maxLength: 6,
    selector: (e) => e[0],
  })
  .chain((entries) =>
    fc.tuple(fc.constant(Object.fromEntries(entries) as ArgsSchema), fc.tuple(...entries.map(([, type]) => valueArb[type]))),
  )

function codeOf(fn: () => unknown): string {
  try {
    fn()
    return 'no error'
  } catch (error) {
    expect(error).toBeInstanceOf(ProtocolError)
    return (error as ProtocolError).code
  }
}

describe('encodeArgs / decodeArgs', () => {
  it('round-trips positional arguments in schema key order', () => {
    fc.assert(
      fc.property(schemaAndArgs, ([schema, values]) => {
        const names = Object.keys(schema)
        const args = Object.fromEntries(names.map((n, i) => [n, values[i]]))
        const positional = encodeArgs(schema, args)
        expect(positional).toEqual(values)
        expect(decodeArgs(schema, positional)).toEqual(args)
      }),
      { numRuns: 150 },
    )
  })

  it('refuses a wrong argument count', () => {
    const schema = { dirX: 'f64', dirY: 'f64' } as const
    expect(codeOf(() => decodeArgs(schema, [1]))).toBe('ERR_INVALID_ARGUMENTS')
    expect(codeOf(() => decodeArgs(schema, [1, 2, 3]))).toBe('ERR_INVALID_ARGUMENTS')
    expect(codeOf(() => decodeArgs(schema, 'x' as unknown as unknown[]))).toBe('ERR_INVALID_ARGUMENTS')
    expect(decodeArgs(schema, [0.5, -1])).toEqual({ dirX: 0.5, dirY: -1 })
  })

  it.each([
    ['i8', [-128, 127], [-129, 128, 1.5]],
    ['i16', [-32768, 32767], [-32769, 32768]],
    ['i32', [-(2 ** 31), 2 ** 31 - 1], [-(2 ** 31) - 1, 2 ** 31]],
    ['u8', [0, 255], [-1, 256, 0.1]],
    ['u16', [0, 65535], [-1, 65536]],
    ['u32', [0, 2 ** 32 - 1], [-1, 2 ** 32]],
    ['f32', [0, 3.4e38, -1.5], [Number.NaN, Number.POSITIVE_INFINITY, 3.5e38, '1']],
    ['f64', [0, Number.MAX_VALUE, -1e-300], [Number.NaN, Number.NEGATIVE_INFINITY, '1', null]],
    ['bool', [true, false], [0, 1, 'true', null]],
    ['string', ['', 'x'.repeat(1024)], ['x'.repeat(1025), 1, null]],
    ['entity', [0, Number.MAX_SAFE_INTEGER], [-1, 1.5, 2 ** 53, '1']],
    ['json', [null, { a: [1] }, 'x'], []],
  ] as [ValueType, unknown[], unknown[]][])('%s accepts its range and refuses the rest', (type, good, bad) => {
    for (const value of good) {
      expect(codeOf(() => decodeArgs({ v: type }, [value]))).toBe('no error')
      expect(codeOf(() => encodeArgs({ v: type }, { v: value } as never))).toBe('no error')
    }
    for (const value of bad) {
      expect(codeOf(() => decodeArgs({ v: type }, [value]))).toBe('ERR_INVALID_ARGUMENTS')
      expect(codeOf(() => encodeArgs({ v: type }, { v: value } as never))).toBe('ERR_INVALID_ARGUMENTS')
    }
  })

  it('honours maxStringLength', () => {
    expect(codeOf(() => decodeArgs({ s: 'string' }, ['abcd'], { maxStringLength: 3 }))).toBe('ERR_INVALID_ARGUMENTS')
    expect(codeOf(() => decodeArgs({ s: 'string' }, ['abc'], { maxStringLength: 3 }))).toBe('no error')
  })

  it('refuses a missing argument on encode, except json which becomes null', () => {
    expect(codeOf(() => encodeArgs({ a: 'u8' }, {} as never))).toBe('ERR_INVALID_ARGUMENTS')
    expect(encodeArgs({ a: 'json' }, {} as never)).toEqual([null])
  })

  it('refuses a schema with an unknown type', () => {
    expect(codeOf(() => decodeArgs({ a: 'u64' } as unknown as ArgsSchema, [1]))).toBe('ERR_INVALID_SCHEMA')
  })

  it('decodes an argument named __proto__ as an own property', () => {
    const args = decodeArgs(JSON.parse('{"__proto__":"u8"}') as ArgsSchema, [7]) as Record<string, unknown>
    expect(Object.getOwnPropertyDescriptor(args, '__proto__')?.value).toBe(7)
    expect(Object.getPrototypeOf(args)).toBe(Object.prototype)
  })

  it('types the argument object from the schema', () => {
    const reducers = { enterGame: { name: 'string' }, updatePlayerInput: { dirX: 'f64', dirY: 'f64' } } as const satisfies Record<
      string,
      ArgsSchema
    >
    const args = decodeArgs(reducers.updatePlayerInput, [1, 0])
    const sum: number = args.dirX + args.dirY
    expect(sum).toBe(1)
  })
})
