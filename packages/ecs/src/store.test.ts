import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { defineComponent } from './component.js'
import { EcsError } from './errors.js'
import { FIELD_TYPES, INVALID, toStored } from './schema.js'
import { createWorld } from './world.js'

const NUMERIC = FIELD_TYPES.filter((t) => t !== 'bool' && t !== 'string' && t !== 'json')
const Row = defineComponent(
  'Row',
  Object.fromEntries(NUMERIC.map((t) => [t, t])) as Record<(typeof NUMERIC)[number], (typeof NUMERIC)[number]>,
)

const edges = [0, -0, 1, -1, 0.5, -128, 127, 128, 255, 256, -32769, 65535, 65536, 2 ** 31 - 1, 2 ** 31, -(2 ** 31), -(2 ** 31) - 1]
const numbers = fc.oneof(
  fc.constantFrom(...edges, 2 ** 32 - 1, 2 ** 32, Number.MAX_SAFE_INTEGER, Number.NaN, Number.POSITIVE_INFINITY),
  fc.integer({ min: -(2 ** 33), max: 2 ** 33 }),
  fc.double(),
)

describe('numeric validation', () => {
  it('add and set accept a number exactly when toStored does, for every numeric type', () => {
    const w = createWorld({ trackChanges: false })
    fc.assert(
      fc.property(fc.constantFrom(...NUMERIC), numbers, (type, value) => {
        const valid = toStored(type, value) !== INVALID
        const e = w.create()
        let added = true
        try {
          w.add(e, Row, { [type]: value })
        } catch (err) {
          expect(err).toBeInstanceOf(EcsError)
          added = false
        }
        expect(added).toBe(valid)
        if (!added) w.add(e, Row)
        let set = true
        try {
          w.set(e, Row, type, value)
        } catch (err) {
          expect((err as EcsError).code).toBe('ERR_INVALID_VALUE')
          set = false
        }
        expect(set).toBe(valid)
        w.destroy(e)
      }),
      { numRuns: 2000 },
    )
  })
})
