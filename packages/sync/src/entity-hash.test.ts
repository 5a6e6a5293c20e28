import type { Entity } from '@orrery/ecs'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { entityHash, hashDelete, hashGet, hashSet } from './entity-hash.js'

// Few distinct keys, so sets, deletes and lookups of one key meet often; ids up to 2^31 − 1 as entities go.
const key = fc.oneof(fc.integer({ min: 1, max: 40 }), fc.integer({ min: 1, max: 0x7fffffff }))
const op = fc.oneof(
  fc.record({ kind: fc.constant('set' as const), e: key, v: fc.nat(1 << 22) }),
  fc.record({ kind: fc.constant('delete' as const), e: key }),
  fc.record({ kind: fc.constant('get' as const), e: key }),
)

describe('entity hash', () => {
  it('behaves as a Map through any sequence of sets, deletes and lookups, across growth', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 400 }), (ops) => {
        const map = entityHash(4)
        const model = new Map<number, number>()
        for (const o of ops) {
          if (o.kind === 'set') {
            hashSet(map, o.e as Entity, o.v)
            model.set(o.e, o.v)
          } else if (o.kind === 'delete') {
            hashDelete(map, o.e as Entity)
            model.delete(o.e)
          }
          expect(hashGet(map, o.e as Entity)).toBe(model.get(o.e))
          expect(map.size).toBe(model.size)
        }
        for (const [e, v] of model) expect(hashGet(map, e as Entity)).toBe(v)
      }),
      { numRuns: 300 },
    )
  })

  it('never finds 0 (no entity), even in a slot a deleted entry left its value in', () => {
    const map = entityHash(4)
    for (let e = 1; e <= 64; e++) hashSet(map, e as Entity, 1)
    for (let e = 1; e <= 64; e++) hashDelete(map, e as Entity)
    expect(map.values).toContain(1)
    expect(hashGet(map, 0 as Entity)).toBeUndefined()
  })

  it('survives the structured-clone algorithm (a saved client state)', () => {
    const map = entityHash()
    for (let e = 1; e <= 100; e++) hashSet(map, (e * 7919) as Entity, e)
    const copy = structuredClone(map)
    for (let e = 1; e <= 100; e++) expect(hashGet(copy, (e * 7919) as Entity)).toBe(e)
  })
})
