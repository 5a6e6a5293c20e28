import { describe, expect, it } from 'vitest'
import type { ChangeSet } from './change-set.js'
import { defineComponent } from './component.js'
import type { Entity } from './entity.js'
import { codeOf } from './test-utils/codes.js'
import { createWorld } from './world.js'

const Body = defineComponent('Body', { x: 'f64', y: 'f64', mass: 'u32' })
const Name = defineComponent('Name', { name: 'string' }, { unique: ['name'] })

function summary(c: ChangeSet) {
  return c.components.map((cc) => ({
    name: cc.component.name,
    inserted: [...cc.inserted],
    updated: cc.updated.map((e, k) => [e, cc.updatedMasks[k]]),
    deleted: [...cc.deleted],
  }))
}

function setup() {
  const w = createWorld({ seed: 9 })
  const { result: e } = w.transaction(() => {
    const e = w.create()
    w.add(e, Body, { x: 1, y: 2, mass: 3 })
    w.add(e, Name, { name: 'a' })
    return e
  })
  return { w, e }
}

describe('change sets', () => {
  it('reports inserts with values read after commit', () => {
    const w = createWorld()
    const { result: e, changes } = w.transaction(() => {
      const e = w.create()
      w.add(e, Body, { x: 5 })
      w.set(e, Body, 'x', 6)
      return e
    })
    expect(summary(changes)).toEqual([{ name: 'Body', inserted: [e], updated: [], deleted: [] }])
    expect(changes.isEmpty).toBe(false)
    expect(w.read(e, Body, 'x')).toBe(6)
  })

  it('reports updated fields as masks in field order, ignoring equal writes', () => {
    const { w, e } = setup()
    const { changes } = w.transaction(() => {
      w.set(e, Body, 'y', 7)
      w.set(e, Body, 'mass', 3)
      w.set(e, Body, 'x', 9)
      w.set(e, Body, 'x', 1)
    })
    expect(summary(changes)).toEqual([{ name: 'Body', inserted: [], updated: [[e, 0b010]], deleted: [] }])
    expect(w.transaction(() => w.set(e, Body, 'x', 1)).changes.isEmpty).toBe(true)
  })

  it('reports the 32nd field as a positive mask bit', () => {
    const schema: Record<string, 'u8'> = {}
    for (let f = 0; f < 32; f++) schema[`f${f}`] = 'u8'
    const Wide = defineComponent('Wide', schema)
    const w = createWorld({ components: [Wide] })
    const e = w.transaction(() => {
      const created = w.create()
      w.add(created, Wide)
      return created
    }).result
    const { changes } = w.transaction(() => {
      w.set(e, Wide, 'f31', 1)
      w.set(e, Wide, 'f0', 1)
    })
    expect(changes.components[0]?.updated).toEqual([e])
    expect(changes.components[0]?.updatedMasks).toEqual([2 ** 31 + 1])
  })

  it('nets insert+delete to nothing and remove+add to an update of the differing fields', () => {
    const { w, e } = setup()
    const first = w.transaction(() => {
      const t = w.create()
      w.add(t, Body)
      w.destroy(t)
    })
    expect(first.changes.isEmpty).toBe(true)
    const second = w.transaction(() => {
      w.remove(e, Body)
      w.add(e, Body, { x: 1, y: 2, mass: 4 })
    })
    expect(summary(second.changes)).toEqual([{ name: 'Body', inserted: [], updated: [[e, 0b100]], deleted: [] }])
    const third = w.transaction(() => {
      w.remove(e, Body)
      w.add(e, Body, { x: 1, y: 2, mass: 4 })
    })
    expect(third.changes.isEmpty).toBe(true)
  })

  it('reports deletes of destroyed entities and a recycled index as delete + insert', () => {
    const { w, e } = setup()
    const { result: e2, changes } = w.transaction(() => {
      w.destroy(e)
      const e2 = w.create()
      w.add(e2, Body)
      return e2
    })
    expect(e2).not.toBe(e)
    expect(summary(changes)).toEqual([
      { name: 'Body', inserted: [e2], updated: [], deleted: [e] },
      { name: 'Name', inserted: [], updated: [], deleted: [e] },
    ])
  })

  it('carries events in emit order and returns empty change sets from nested calls', () => {
    const { w, e } = setup()
    let inner: ChangeSet | undefined
    const { changes } = w.transaction(() => {
      w.emit('a', 1)
      inner = w.transaction(() => {
        w.set(e, Body, 'x', 2)
        w.emit('b', { k: 2 })
      }).changes
    })
    expect(inner?.isEmpty).toBe(true)
    expect(changes.events).toEqual([
      { name: 'a', payload: 1 },
      { name: 'b', payload: { k: 2 } },
    ])
    expect(summary(changes)).toEqual([{ name: 'Body', inserted: [], updated: [[e, 1]], deleted: [] }])
  })
})

describe('rollback', () => {
  it('restores rows, fields, entity ids, indexes, rng and events, and rethrows', () => {
    const { w, e } = setup()
    const before = w.rng.getState()
    const boom = new Error('boom')
    expect(() =>
      w.transaction(() => {
        w.rng.next()
        w.set(e, Body, 'x', 100)
        w.set(e, Name, 'name', 'b')
        w.remove(e, Body)
        const t = w.create()
        w.add(t, Name, { name: 'a2' })
        w.emit('lost', null)
        w.destroy(e)
        throw boom
      }),
    ).toThrow(boom)
    expect(w.rng.getState()).toBe(before)
    expect(w.get(e, Body)).toEqual({ x: 1, y: 2, mass: 3 })
    expect(w.findUnique(Name, 'name', 'a')).toBe(e)
    expect(w.findUnique(Name, 'name', 'b')).toBeUndefined()
    expect(w.findUnique(Name, 'name', 'a2')).toBeUndefined()
    expect(w.entityCount).toBe(1)
    const { result: next, changes } = w.transaction(() => w.create())
    expect(next).toBe(2)
    expect(changes.events).toEqual([])
  })

  it('restores the free list order, so the next ids are the same as without the rolled-back transaction', () => {
    const make = () => {
      const w = createWorld()
      w.transaction(() => {
        const es = Array.from({ length: 6 }, () => w.create())
        for (const e of es.slice(1, 5)) w.destroy(e)
      })
      return w
    }
    const a = make()
    const b = make()
    expect(() =>
      a.transaction(() => {
        a.create()
        a.create()
        a.destroy(a.create())
        throw new Error('undo')
      }),
    ).toThrow('undo')
    const ids = (w: typeof a) => w.transaction(() => Array.from({ length: 6 }, () => w.create())).result
    expect(ids(a)).toEqual(ids(b))
  })

  it('rolls back only the inner savepoint', () => {
    const { w, e } = setup()
    const { changes } = w.transaction(() => {
      w.set(e, Body, 'x', 10)
      expect(() =>
        w.transaction(() => {
          w.set(e, Body, 'x', 20)
          w.set(e, Body, 'y', 20)
          w.emit('inner', 1)
          throw new Error('inner')
        }),
      ).toThrow('inner')
      expect(w.read(e, Body, 'x')).toBe(10)
      expect(w.read(e, Body, 'y')).toBe(2)
      w.transaction(() => w.set(e, Body, 'mass', 8))
    })
    expect(summary(changes)).toEqual([{ name: 'Body', inserted: [], updated: [[e, 0b101]], deleted: [] }])
    expect(changes.events).toEqual([])
    expect(w.get(e, Body)).toEqual({ x: 10, y: 2, mass: 8 })
  })

  it('keeps outer values when a committed savepoint wrote a page first captured by the outer level', () => {
    const { w, e } = setup()
    expect(() =>
      w.transaction(() => {
        w.set(e, Body, 'x', 50)
        w.transaction(() => w.set(e, Body, 'x', 60))
        w.transaction(() => w.set(e, Body, 'y', 61))
        throw new Error('outer')
      }),
    ).toThrow('outer')
    expect(w.get(e, Body)).toEqual({ x: 1, y: 2, mass: 3 })
  })

  it('rejects a unique violation and keeps the transaction usable', () => {
    const { w } = setup()
    const { changes } = w.transaction(() => {
      const t = w.create()
      expect(codeOf(() => w.add(t, Name, { name: 'a' }))).toBe('ERR_UNIQUE_VIOLATION')
      w.add(t, Name, { name: 'b' })
      expect(codeOf(() => w.set(t, Name, 'name', 'a'))).toBe('ERR_UNIQUE_VIOLATION')
      return t
    })
    expect(changes.components[0]?.inserted).toHaveLength(1)
    expect(w.count(Name)).toBe(2)
  })

  it('works without tracking: rollback still applies, change sets carry only events', () => {
    const w = createWorld({ trackChanges: false })
    const e = w.create()
    w.add(e, Body, { x: 1 })
    expect(() =>
      w.transaction(() => {
        w.set(e, Body, 'x', 2)
        throw new Error('x')
      }),
    ).toThrow('x')
    expect(w.read(e, Body, 'x')).toBe(1)
    const { changes } = w.transaction(() => {
      w.set(e, Body, 'x', 3)
      w.emit('e', 1)
    })
    expect(changes.components).toEqual([])
    expect(changes.events).toEqual([{ name: 'e', payload: 1 }])
    expect(w.read(e, Body, 'x')).toBe(3)
  })

  it('rolls back many rows across pages and a grown capacity', () => {
    const w = createWorld({ initialCapacity: 64 })
    const es: Entity[] = w.transaction(() =>
      Array.from({ length: 300 }, (_, i) => {
        const e = w.create()
        w.add(e, Body, { x: i })
        return e
      }),
    ).result
    expect(() =>
      w.transaction(() => {
        for (const e of es) w.set(e, Body, 'x', -1)
        for (let i = 0; i < 500; i++) w.add(w.create(), Body)
        throw new Error('undo')
      }),
    ).toThrow('undo')
    es.forEach((e, i) => {
      expect(w.read(e, Body, 'x')).toBe(i)
    })
    expect(w.count(Body)).toBe(300)
    expect(w.query([Body]).count).toBe(300)
  })
})
