import type { Component, Entity } from '@orrery/ecs'
import { describe, expect, it } from 'vitest'
import { ChangeIndex } from './change-index.js'
import { fullMask } from './full-mask.js'
import { Body, changeSet, components, Food, Player } from './test-utils/fixtures.js'

type Step = 'ins' | 'del' | ['upd', number]

const e = 7 as Entity
const noScope = (): null => null

/** The net kind and mask of entity `e`'s row after some steps in one window, as the lists and lookups tell it. */
function netAfter(steps: readonly Step[], component: Component = Body): { kind: string; mask: number } | undefined {
  const index = new ChangeIndex(components)
  for (const step of steps) {
    if (step === 'ins') index.add(changeSet(component, { inserted: [e] }))
    else if (step === 'del') index.add(changeSet(component, { deleted: [e] }))
    else index.add(changeSet(component, { updated: [[e, step[1]]] }))
  }
  index.seal(noScope)
  const t = components.indexOf(component)
  const found: { kind: string; mask: number }[] = []
  for (const x of index.inserts[t] ?? []) if (x === e) found.push({ kind: 'insert', mask: 0 })
  for (const x of index.updates[t] ?? []) if (x === e) found.push({ kind: 'update', mask: index.updateMask(t, e) })
  for (const x of index.deletes[t] ?? []) if (x === e) found.push({ kind: 'delete', mask: 0 })
  expect(found.length).toBeLessThanOrEqual(1)
  const bit = 1 << t
  expect((index.insertedTables(e) & bit) !== 0).toBe(found[0]?.kind === 'insert')
  expect((index.changedTables(e) & bit) !== 0).toBe(found[0]?.kind === 'update')
  expect((index.deletedTables(e) & bit) !== 0).toBe(found[0]?.kind === 'delete')
  expect(index.touched[t]).toBe(found.length > 0)
  return found[0]
}

describe('ChangeIndex', () => {
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

  it('keeps tables apart, in first-touch order', () => {
    const index = new ChangeIndex(components)
    index.add(changeSet(Body, { inserted: [1, 2] }))
    index.add(changeSet(Player, { updated: [[1, 0b001]] }))
    index.seal(noScope)
    expect(index.inserts[0]).toEqual([1, 2])
    expect(index.updates[1]).toEqual([1])
    expect(index.updateMask(1, 1 as Entity)).toBe(1)
    expect(index.touched).toEqual([true, true, false])
  })

  it('keeps a deleted entity and a new one at the same index apart', () => {
    const index = new ChangeIndex(components)
    const old = 5 as Entity
    const reborn = ((1 << 22) | 5) as Entity
    index.add(changeSet(Body, { updated: [[old, 0b001]] }))
    index.add(changeSet(Body, { deleted: [old] }))
    index.add(changeSet(Body, { inserted: [reborn] }))
    index.seal(noScope)
    expect(index.deletes[0]).toEqual([old])
    expect(index.inserts[0]).toEqual([reborn])
    expect(index.updates[0]).toEqual([])
    expect(index.deletedTables(old)).toBe(1)
    expect(index.insertedTables(reborn)).toBe(1)
    expect(index.deletedTables(reborn)).toBe(0)
  })

  it('ignores components that are not replicated', () => {
    const index = new ChangeIndex([Body])
    index.add(changeSet(Player, { inserted: [1] }))
    index.seal(noScope)
    expect(index.touched).toEqual([false])
  })

  it('keeps events in commit order and starts a new window after a seal', () => {
    const index = new ChangeIndex(components)
    index.add(changeSet(Body, { inserted: [1] }, [{ name: 'a', payload: 1 }]))
    index.add(changeSet(Body, {}, [{ name: 'b', payload: { x: 2 } }]))
    index.seal((event) => (event.name === 'a' ? (1 as Entity) : null))
    expect(index.events).toEqual([
      { name: 'a', payload: 1, scope: [1], bytes: null },
      { name: 'b', payload: { x: 2 }, scope: null, bytes: null },
    ])
    index.seal(noScope)
    expect(index.events).toEqual([])
    expect(index.inserts[0]).toEqual([])
    expect(index.insertedTables(1 as Entity)).toBe(0)
  })

  it('builds unsigned full masks up to 32 fields', () => {
    expect(fullMask(0)).toBe(0)
    expect(fullMask(3)).toBe(0b111)
    expect(fullMask(31)).toBe(0x7fffffff)
    expect(fullMask(32)).toBe(0xffffffff)
  })
})
