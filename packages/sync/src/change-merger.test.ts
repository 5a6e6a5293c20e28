import type { Component, Entity } from '@orrery/ecs'
import { describe, expect, it } from 'vitest'
import { ChangeMerger, fullMask } from './change-merger.js'
import { Body, changeSet, components, Food, Player } from './test-utils/fixtures.js'

type Step = 'ins' | 'del' | ['upd', number]

const e = 7 as Entity

function netAfter(steps: readonly Step[], component: Component = Body): { kind: string; mask: number } | undefined {
  const merger = new ChangeMerger(components)
  for (const step of steps) {
    if (step === 'ins') merger.add(changeSet(component, { inserted: [e] }))
    else if (step === 'del') merger.add(changeSet(component, { deleted: [e] }))
    else merger.add(changeSet(component, { updated: [[e, step[1]]] }))
  }
  const tableId = components.indexOf(component)
  const change = merger.take().tables[tableId]?.get(e)
  return change === undefined ? undefined : { kind: change.kind, mask: change.mask }
}

describe('ChangeMerger', () => {
  it.each<[string, Step[], { kind: string; mask: number } | undefined]>([
    ['insert', ['ins'], { kind: 'insert', mask: 0 }],
    ['update', [['upd', 0b010]], { kind: 'update', mask: 0b010 }],
    ['delete', ['del'], { kind: 'delete', mask: 0 }],
    ['insert then update = insert', ['ins', ['upd', 0b001]], { kind: 'insert', mask: 0 }],
    ['insert then delete = nothing', ['ins', 'del'], undefined],
    ['update then update = OR-ed masks', [['upd', 0b001], ['upd', 0b100]], { kind: 'update', mask: 0b101 }],
    ['update then delete = delete', [['upd', 0b001], 'del'], { kind: 'delete', mask: 0 }],
    ['delete then insert = update of every field', ['del', 'ins'], { kind: 'update', mask: 0b111 }],
    ['insert, update, delete = nothing', ['ins', ['upd', 0b010], 'del'], undefined],
    ['delete, insert, update = update of every field', ['del', 'ins', ['upd', 0b001]], { kind: 'update', mask: 0b111 }],
    ['delete, insert, delete = delete', ['del', 'ins', 'del'], { kind: 'delete', mask: 0 }],
    ['update, delete, insert = update of every field', [['upd', 0b001], 'del', 'ins'], { kind: 'update', mask: 0b111 }],
    ['insert, delete, insert = insert', ['ins', 'del', 'ins'], { kind: 'insert', mask: 0 }],
    ['update with an empty mask = nothing', [['upd', 0]], undefined],
  ])('%s', (_name, steps, expected) => {
    expect(netAfter(steps)).toEqual(expected)
  })

  it('drops delete then insert of a component without fields (nothing can differ)', () => {
    expect(netAfter(['del', 'ins'], Food)).toBeUndefined()
    expect(netAfter(['del'], Food)).toEqual({ kind: 'delete', mask: 0 })
  })

  it('keeps tables apart and leaves untouched tables undefined', () => {
    const merger = new ChangeMerger(components)
    merger.add(changeSet(Body, { inserted: [1, 2] }))
    merger.add(changeSet(Player, { updated: [[1, 0b001]] }))
    const { tables } = merger.take()
    expect([...(tables[0]?.keys() ?? [])]).toEqual([1, 2])
    expect(tables[1]?.get(1 as Entity)).toEqual({ kind: 'update', mask: 1 })
    expect(tables[2]).toBeUndefined()
  })

  it('leaves a table whose rows all cancelled out undefined', () => {
    const merger = new ChangeMerger(components)
    merger.add(changeSet(Body, { inserted: [1] }))
    merger.add(changeSet(Body, { deleted: [1] }))
    expect(merger.take().tables[0]).toBeUndefined()
  })

  it('ignores components that are not replicated', () => {
    const merger = new ChangeMerger([Body])
    merger.add(changeSet(Player, { inserted: [1] }))
    expect(merger.isEmpty).toBe(true)
    expect(merger.take().tables).toHaveLength(1)
  })

  it('keeps events in commit order and starts a new window on take', () => {
    const merger = new ChangeMerger(components)
    merger.add(changeSet(Body, { inserted: [1] }, [{ name: 'a', payload: 1 }]))
    merger.add(changeSet(Body, {}, [{ name: 'b', payload: { x: 2 } }]))
    expect(merger.isEmpty).toBe(false)
    expect(merger.take().events).toEqual([
      { name: 'a', payload: 1 },
      { name: 'b', payload: { x: 2 } },
    ])
    expect(merger.isEmpty).toBe(true)
    const next = merger.take()
    expect(next.events).toEqual([])
    expect(next.tables.every((t) => t === undefined)).toBe(true)
  })

  it('builds unsigned full masks up to 32 fields', () => {
    expect(fullMask(0)).toBe(0)
    expect(fullMask(3)).toBe(0b111)
    expect(fullMask(31)).toBe(0x7fffffff)
    expect(fullMask(32)).toBe(0xffffffff)
  })
})
