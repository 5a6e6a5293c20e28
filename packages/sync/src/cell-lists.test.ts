import type { Entity } from '@orrery/ecs'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { CellLists } from './cell-lists.js'

const key = fc.oneof(fc.integer({ min: 0, max: 40 }), fc.integer({ min: 0, max: 2 ** 30 }), fc.integer({ min: 2 ** 30, max: 2 ** 42 }))

describe('CellLists', () => {
  it('holds what a map of lists holds, across clears and growth', () => {
    fc.assert(
      fc.property(fc.array(fc.array(fc.tuple(key, fc.nat(1000)), { maxLength: 300 }), { minLength: 1, maxLength: 4 }), (rounds) => {
        const cells = new CellLists()
        for (const adds of rounds) {
          cells.clear()
          const model = new Map<number, number[]>()
          for (const [k, e] of adds) {
            cells.add(k, e as Entity)
            model.set(k, [...(model.get(k) ?? []), e])
          }
          expect(cells.cellCount).toBe(model.size)
          expect(cells.size).toBe(adds.length)
          for (const [k, list] of model) {
            const out: Entity[] = []
            cells.appendCell(k, out)
            expect([...out].sort((a, b) => a - b)).toEqual([...list].sort((a, b) => a - b))
          }
          const missing: Entity[] = []
          cells.appendCell(2 ** 42 + 1, missing)
          expect(missing).toEqual([])
          const all: Entity[] = []
          cells.appendAll(all)
          expect(all).toEqual(adds.map(([, e]) => e))
        }
      }),
    )
  })
})
