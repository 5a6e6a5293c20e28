import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { defineComponent } from './component.js'
import type { Entity } from './entity.js'
import { createWorld } from './world.js'

const Player = defineComponent('Player', { name: 'string', team: 'u8', score: 'f64' }, {
  unique: ['name'],
  index: ['team', 'score'],
})
const Body = defineComponent('Body', { x: 'f64', y: 'f64' }, { spatial: { x: 'x', y: 'y', cellSize: 10 } })

describe('unique and sorted indexes', () => {
  it('find rows by value and range, and follow writes and removes', () => {
    const w = createWorld({ trackChanges: false })
    const es = ['a', 'b', 'c', 'd'].map((name, i) => {
      const e = w.create()
      w.add(e, Player, { name, team: i % 2, score: i * 10 })
      return e
    })
    expect(w.findUnique(Player, 'name', 'c')).toBe(es[2])
    expect(w.findUnique(Player, 'name', 'zz')).toBeUndefined()
    expect(w.findAll(Player, 'team', 1)).toEqual([es[1], es[3]])
    expect(w.findRange(Player, 'score', 5, 25)).toEqual([es[1], es[2]])
    w.set(es[1] as Entity, Player, 'score', 100)
    w.set(es[1] as Entity, Player, 'name', 'bb')
    expect(w.findRange(Player, 'score', 5, 25)).toEqual([es[2]])
    expect(w.findRange(Player, 'score', 50, 1000)).toEqual([es[1]])
    expect(w.findUnique(Player, 'name', 'b')).toBeUndefined()
    expect(w.findUnique(Player, 'name', 'bb')).toBe(es[1])
    w.destroy(es[3] as Entity)
    expect(w.findAll(Player, 'team', 1)).toEqual([es[1]])
    expect(w.findUnique(Player, 'name', 'd')).toBeUndefined()
  })

  it('restores unique keys after a rolled-back swap, and frees keys of rows that were removed', () => {
    const w = createWorld()
    const [a, b] = w.transaction(() =>
      ['a', 'b'].map((name) => {
        const e = w.create()
        w.add(e, Player, { name })
        return e
      }),
    ).result as [Entity, Entity]
    expect(() =>
      w.transaction(() => {
        w.set(a, Player, 'name', 'tmp')
        w.set(b, Player, 'name', 'a')
        w.set(a, Player, 'name', 'b')
        const c = w.create()
        w.add(c, Player, { name: 'c' })
        throw new Error('undo')
      }),
    ).toThrow('undo')
    expect(w.findUnique(Player, 'name', 'a')).toBe(a)
    expect(w.findUnique(Player, 'name', 'b')).toBe(b)
    expect(w.findUnique(Player, 'name', 'c')).toBeUndefined()
    expect(w.findUnique(Player, 'name', 'tmp')).toBeUndefined()
    w.transaction(() => w.remove(a, Player))
    const d = w.transaction(() => {
      const d = w.create()
      w.add(d, Player, { name: 'a' })
      return d
    }).result
    expect(w.findUnique(Player, 'name', 'a')).toBe(d)
  })

  it('sorted index equals a filter over all rows for random data (thousands of entries)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: -50, max: 50 }), { minLength: 1, maxLength: 1500 }),
        fc.integer({ min: -60, max: 60 }),
        fc.integer({ min: 0, max: 40 }),
        (scores, lo, span) => {
          const w = createWorld({ trackChanges: false })
          const es = scores.map((score, i) => {
            const e = w.create()
            w.add(e, Player, { name: `p${i}`, score })
            return e
          })
          for (let i = 0; i < es.length; i += 3) w.set(es[i] as Entity, Player, 'score', -(scores[i] as number))
          for (let i = 1; i < es.length; i += 5) w.destroy(es[i] as Entity)
          const live = es.filter((e) => w.isAlive(e))
          const score = (e: Entity) => w.read(e, Player, 'score')
          const want = live
            .filter((e) => score(e) >= lo && score(e) <= lo + span)
            .sort((a, b) => score(a) - score(b) || a - b)
          expect(w.findRange(Player, 'score', lo, lo + span)).toEqual(want)
          expect(w.findAll(Player, 'score', lo)).toEqual(live.filter((e) => score(e) === lo))
        },
      ),
      { numRuns: 60 },
    )
  })
})

// Eighths of a unit: exact in binary, so the brute-force distances have no rounding.
const coord = fc.integer({ min: -1600, max: 1600 }).map((v) => v / 8)

describe('spatial grid', () => {
  it('answers radius and rect queries like a brute-force scan, after moves and rollbacks', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(coord, coord), { maxLength: 200 }),
        fc.tuple(coord, coord),
        fc.integer({ min: 0, max: 960 }).map((v) => v / 8),
        (points, [cx, cy], r) => {
          const w = createWorld()
          const es = w.transaction(() =>
            points.map(([x, y]) => {
              const e = w.create()
              w.add(e, Body, { x, y })
              return e
            }),
          ).result
          const x = w.field(Body, 'x')
          const y = w.field(Body, 'y')
          w.transaction(() => {
            for (const e of es.filter((_, i) => i % 2 === 0)) x.set(e, x.get(e) + 37)
          })
          expect(() =>
            w.transaction(() => {
              for (const e of es) y.set(e, y.get(e) - 55)
              throw new Error('undo')
            }),
          ).toThrow('undo')
          const brute = es.filter((e) => (x.get(e) - cx) ** 2 + (y.get(e) - cy) ** 2 <= r * r)
          expect(new Set(w.queryRadius(Body, cx, cy, r))).toEqual(new Set(brute))
          const rect = es.filter((e) => x.get(e) >= cx - r && x.get(e) <= cx + r && y.get(e) >= cy && y.get(e) <= cy + r)
          const out: Entity[] = [1 as Entity]
          expect(w.queryRect(Body, cx - r, cy, cx + r, cy + r, out)).toBe(out)
          expect(new Set(out)).toEqual(new Set(rect))
        },
      ),
      { numRuns: 80 },
    )
  })
})
