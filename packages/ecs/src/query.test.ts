import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { defineComponent } from './component.js'
import type { Entity } from './entity.js'
import { createWorld } from './world.js'

const A = defineComponent('A', { v: 'i32' })
const B = defineComponent('B', { v: 'i32' })
const C = defineComponent('C', {})

function world() {
  const w = createWorld({ trackChanges: false })
  const es = Array.from({ length: 10 }, (_, i) => {
    const e = w.create()
    w.add(e, A, { v: i })
    if (i % 2 === 0) w.add(e, B)
    if (i % 3 === 0) w.add(e, C)
    return e
  })
  return { w, es }
}

describe('query', () => {
  it('matches all and none, is cached per signature, and follows changes', () => {
    const { w, es } = world()
    const q = w.query([A, B], { none: [C] })
    expect(w.query([B, A], { none: [C] })).toBe(q)
    expect(q.components).toEqual([A, B])
    const expected = es.filter((_, i) => i % 2 === 0 && i % 3 !== 0)
    expect(new Set(q.toArray())).toEqual(new Set(expected))
    expect(q.count).toBe(expected.length)
    const e0 = es[0] as Entity
    w.remove(e0, C)
    expect(q.toArray()).toContain(e0)
    w.remove(e0, B)
    expect(q.toArray()).not.toContain(e0)
    w.destroy(es[2] as Entity)
    expect(q.toArray()).not.toContain(es[2])
    expect([...q].sort()).toEqual(q.toArray().sort())
  })

  it('forEach skips entities removed during the loop and does not visit entities added during it', () => {
    const { w, es } = world()
    const q = w.query([A])
    const seen: Entity[] = []
    q.forEach((e) => {
      seen.push(e)
      if (e === es[0]) {
        w.destroy(es[5] as Entity)
        w.remove(es[7] as Entity, A)
        w.add(w.create(), A)
      }
    })
    expect(seen).toHaveLength(8)
    expect(seen).not.toContain(es[5])
    expect(seen).not.toContain(es[7])
    expect(q.count).toBe(9)
  })

  it('forEach can destroy every entity it visits, and nested loops stay consistent', () => {
    const { w } = world()
    const q = w.query([A])
    let outer = 0
    let inner = 0
    q.forEach((e) => {
      outer++
      q.forEach(() => {
        inner++
      })
      w.destroy(e)
    })
    expect(outer).toBe(10)
    expect(inner).toBe(10 + 9 + 8 + 7 + 6 + 5 + 4 + 3 + 2 + 1)
    expect(q.count).toBe(0)
  })

  it('for...of follows the same rules and releases the query on break', () => {
    const { w, es } = world()
    const q = w.query([A])
    const seen: Entity[] = []
    for (const e of q) {
      seen.push(e)
      if (seen.length === 1) w.destroy(es[9] as Entity)
      if (seen.length === 5) break
    }
    expect(seen).toHaveLength(5)
    w.destroy(es[8] as Entity)
    expect(q.toArray()).not.toContain(es[8])
    expect([...q]).toHaveLength(8)
  })

  it('snapshot() returns the entities without copying and never changes afterwards', () => {
    const { w, es } = world()
    const q = w.query([A])
    const snap = q.snapshot()
    expect(q.snapshot()).toBe(snap)
    w.destroy(es[0] as Entity)
    expect(snap).toHaveLength(10)
    expect(snap).toContain(es[0])
    const next = q.snapshot()
    expect(next).not.toBe(snap)
    expect(next).toHaveLength(9)
    expect(next).not.toContain(es[0])
  })

  it('system() passes the snapshot of the moment to its loop on every call', () => {
    const { w, es } = world()
    const q = w.query([A])
    const seen: (readonly Entity[])[] = []
    const run = q.system((ents) => {
      seen.push(ents)
      for (let k = 0; k < ents.length; k++) if (k % 2 === 0) w.destroy(ents[k] as Entity)
    })
    run()
    expect(seen[0]).toHaveLength(10)
    expect(seen[0]).toEqual(es)
    expect(q.count).toBe(5)
    run()
    expect(seen[1]).toHaveLength(5)
    expect(seen[1]).not.toBe(seen[0])
    expect([...(seen[1] as readonly Entity[])].sort((x, y) => x - y)).toEqual(es.filter((_, k) => k % 2 === 1))
  })

  it('keeps every query equal to a scan of the rows through any adds, removes and destroys', () => {
    const comps = [A, B, C]
    const op = fc.tuple(fc.constantFrom('add', 'remove', 'destroy', 'create'), fc.nat(), fc.integer({ min: 0, max: 2 }))
    fc.assert(
      fc.property(fc.array(op, { maxLength: 120 }), (ops) => {
        const w = createWorld({ trackChanges: false })
        const queries = [w.query([A]), w.query([A, B]), w.query([B], { none: [C] }), w.query([C], { none: [A, B] })]
        const live: Entity[] = [w.create(), w.create()]
        for (const [kind, pick, c] of ops) {
          const e = live[pick % live.length] as Entity
          const comp = comps[c] as (typeof comps)[number]
          if (kind === 'create' || live.length === 0) live.push(w.create())
          else if (kind === 'destroy') {
            w.destroy(e)
            live.splice(live.indexOf(e), 1)
          } else if (kind === 'add' && !w.has(e, comp)) w.add(e, comp)
          else if (kind === 'remove' && w.has(e, comp)) w.remove(e, comp)
        }
        const scan = (all: readonly (typeof comps)[number][], none: readonly (typeof comps)[number][]) =>
          live.filter((e) => all.every((c) => w.has(e, c)) && none.every((c) => !w.has(e, c))).sort((x, y) => x - y)
        const expected = [scan([A], []), scan([A, B], []), scan([B], [C]), scan([C], [A, B])]
        queries.forEach((q, k) => {
          expect([...q.toArray()].sort((x, y) => x - y)).toEqual(expected[k])
          expect(q.count).toBe(expected[k]?.length)
        })
      }),
    )
  })
})
