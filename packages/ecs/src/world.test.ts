import { describe, expect, it } from 'vitest'
import { defineComponent } from './component.js'
import { type Entity, MAX_INDEX, MAX_VERSION, entityIndex, entityVersion, makeEntity } from './entity.js'
import { codeOf } from './test-utils/codes.js'
import { createWorld } from './world.js'

const Body = defineComponent('Body', { x: 'f64', y: 'f64', mass: 'u32' })
const Tag = defineComponent('Tag', { label: 'string', on: 'bool', data: 'json', owner: 'entity' })

describe('entities', () => {
  it('creates ids from index 1, recycles indexes with a higher version', () => {
    const w = createWorld({ trackChanges: false })
    const a = w.create()
    expect(entityIndex(a)).toBe(1)
    expect(entityVersion(a)).toBe(0)
    w.destroy(a)
    expect(w.isAlive(a)).toBe(false)
    const b = w.create()
    expect(entityIndex(b)).toBe(1)
    expect(entityVersion(b)).toBe(1)
    expect(w.isAlive(b)).toBe(true)
    expect(w.isAlive(0 as Entity)).toBe(false)
    expect(codeOf(() => w.destroy(a))).toBe('ERR_DEAD_ENTITY')
    expect([...w.entities()]).toEqual([b])
    expect(w.entityCount).toBe(1)
  })

  it('createWithId takes a given id and refuses a live index', () => {
    const w = createWorld({ trackChanges: false })
    const id = (5 + 3 * 2 ** 22) as Entity
    expect(w.createWithId(id)).toBe(id)
    expect(w.isAlive(id)).toBe(true)
    expect(codeOf(() => w.createWithId(id))).toBe('ERR_ID_IN_USE')
    expect(codeOf(() => w.createWithId(0 as Entity))).toBe('ERR_INVALID_VALUE')
    const fresh = new Set(Array.from({ length: 6 }, () => entityIndex(w.create())))
    expect(fresh.has(5)).toBe(false)
    expect([...fresh].sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 6, 7])
  })

  it('keeps every id a 31-bit integer and retires an index after its last version', () => {
    const w = createWorld()
    const seen: Entity[] = []
    for (let v = 0; v <= MAX_VERSION; v++) {
      const e = w.transaction(() => w.create()).result
      expect(entityIndex(e)).toBe(1)
      expect(entityVersion(e)).toBe(v)
      expect(e).toBe(e | 0)
      expect(e).toBeGreaterThan(0)
      seen.push(e)
      w.transaction(() => w.destroy(e))
    }
    expect(seen.at(-1)).toBe(makeEntity(1, MAX_VERSION))
    expect(makeEntity(MAX_INDEX, MAX_VERSION)).toBe(2 ** 31 - 1)
    // Index 1 is retired: the next entity takes a fresh index, and no old id comes back to life.
    const next = w.transaction(() => w.create()).result
    expect(entityIndex(next)).toBe(2)
    expect(entityVersion(next)).toBe(0)
    expect(seen.some((e) => w.isAlive(e))).toBe(false)
    // A rolled-back destroy of a last-version entity keeps it alive; a committed one retires it.
    const last = w.transaction(() => w.createWithId(makeEntity(3, MAX_VERSION))).result
    expect(() =>
      w.transaction(() => {
        w.destroy(last)
        throw new Error('undo')
      }),
    ).toThrow('undo')
    expect(w.isAlive(last)).toBe(true)
    w.transaction(() => w.destroy(last))
    const after = [0, 1, 2].map(() => entityIndex(w.transaction(() => w.create()).result))
    expect(after).not.toContain(3)
    expect(codeOf(() => w.transaction(() => w.createWithId((2 ** 31) as Entity)))).toBe('ERR_INVALID_VALUE')
  })

  it('grows past the initial capacity and keeps values', () => {
    const w = createWorld({ trackChanges: false, initialCapacity: 64 })
    const x = w.field(Body, 'x')
    const es: Entity[] = []
    for (let i = 0; i < 1000; i++) {
      const e = w.create()
      w.add(e, Body, { x: i })
      es.push(e)
    }
    es.forEach((e, i) => {
      expect(x.get(e)).toBe(i)
    })
    x.set(es[999] as Entity, -1)
    expect(w.read(es[999] as Entity, Body, 'x')).toBe(-1)
    expect(w.query([Body]).count).toBe(1000)
  })
})

describe('field accessors', () => {
  it('read and write every kind of field, validate non-numeric values, and are cached', () => {
    const w = createWorld({ trackChanges: false })
    const e = w.create()
    w.add(e, Tag)
    w.add(e, Body)
    const on = w.field(Tag, 'on')
    const label = w.field(Tag, 'label')
    const mass = w.field(Body, 'mass')
    expect(w.field(Tag, 'on')).toBe(on)
    on.set(e, true)
    label.set(e, 'x')
    mass.set(e, 7)
    expect([on.get(e), label.get(e), mass.get(e)]).toEqual([true, 'x', 7])
    expect(w.get(e, Tag)?.on).toBe(true)
    expect(codeOf(() => label.set(e, 5 as unknown as string))).toBe('ERR_INVALID_VALUE')
    expect(codeOf(() => on.set(e, 1 as unknown as boolean))).toBe('ERR_INVALID_VALUE')
    expect(codeOf(() => w.field(Tag, 'nope' as 'on'))).toBe('ERR_UNKNOWN_FIELD')
    expect(on.component).toBe(Tag)
    expect(on.name).toBe('on')
  })

  it('write through outside transactions and roll back inside them, with and without tracking', () => {
    const Pos = defineComponent('Pos', { x: 'f64', y: 'i32', hp: 'u8' }, { spatial: { x: 'x', y: 'y', cellSize: 10 } })
    for (const trackChanges of [false, true]) {
      const w = createWorld({ trackChanges })
      const run = (fn: () => void) => (trackChanges ? w.transaction(fn) : fn())
      const es: Entity[] = []
      run(() => {
        for (let i = 0; i < 100; i++) {
          const e = w.create()
          w.add(e, Pos, { x: i, y: 0, hp: 1 })
          es.push(e)
        }
      })
      const x = w.field(Pos, 'x')
      const y = w.field(Pos, 'y')
      const hp = w.field(Pos, 'hp')
      run(() => {
        for (const e of es) {
          x.set(e, x.get(e) + 5)
          hp.set(e, 2)
        }
      })
      expect(es.map((e) => w.read(e, Pos, 'x'))).toEqual(es.map((_, i) => i + 5))
      expect(() =>
        w.transaction(() => {
          for (const e of es) {
            x.set(e, -1000)
            y.set(e, 77)
            hp.set(e, 9)
          }
          throw new Error('undo')
        }),
      ).toThrow('undo')
      expect(es.map((e) => [w.read(e, Pos, 'x'), w.read(e, Pos, 'y'), w.read(e, Pos, 'hp')])).toEqual(
        es.map((_, i) => [i + 5, 0, 2]),
      )
      expect(() =>
        w.transaction(() => {
          for (const e of es) hp.set(e, 3)
          throw new Error('undo')
        }),
      ).toThrow('undo')
      expect(es.every((e) => w.read(e, Pos, 'hp') === 2)).toBe(true)
      // The grid follows accessor writes and their rollback.
      expect(w.queryRect(Pos, -1001, 76, -999, 78)).toEqual([])
      expect(w.queryRect(Pos, 4.5, -1, 5.5, 1)).toEqual([es[0]])
      run(() => y.set(es[3] as Entity, 500))
      expect(w.queryRadius(Pos, 8, 500, 0.5)).toEqual([es[3]])
    }
  })
})

describe('rows', () => {
  it('adds with defaults, reads, writes, updates and removes', () => {
    const w = createWorld({ trackChanges: false })
    const e = w.create()
    w.add(e, Tag)
    expect(w.get(e, Tag)).toEqual({ label: '', on: false, data: null, owner: 0 })
    w.add(e, Body, { x: 1.5, mass: 3 })
    expect(w.get(e, Body)).toEqual({ x: 1.5, y: 0, mass: 3 })
    w.set(e, Tag, 'on', true)
    w.update(e, Tag, { label: 'hi', data: { a: [1] }, owner: e })
    expect(w.get(e, Tag)).toEqual({ label: 'hi', on: true, data: { a: [1] }, owner: e })
    expect(w.read(e, Tag, 'on')).toBe(true)
    expect(w.has(e, Body)).toBe(true)
    expect(w.count(Body)).toBe(1)
    w.remove(e, Body)
    expect(w.has(e, Body)).toBe(false)
    expect(w.get(e, Body)).toBeUndefined()
    expect(w.count(Body)).toBe(0)
  })

  it('returns copies from get', () => {
    const w = createWorld({ trackChanges: false })
    const e = w.create()
    w.add(e, Body, { x: 1 })
    const row = w.get(e, Body) as { x: number }
    row.x = 99
    expect(w.read(e, Body, 'x')).toBe(1)
  })

  it('throws the documented codes', () => {
    const w = createWorld({ trackChanges: false })
    const e = w.create()
    w.add(e, Body)
    expect(codeOf(() => w.add(e, Body))).toBe('ERR_DUPLICATE_COMPONENT')
    expect(codeOf(() => w.remove(e, Tag))).toBe('ERR_MISSING_COMPONENT')
    expect(codeOf(() => w.read(e, Tag, 'label'))).toBe('ERR_MISSING_COMPONENT')
    expect(codeOf(() => w.set(e, Body, 'z' as 'x', 1))).toBe('ERR_UNKNOWN_FIELD')
    expect(codeOf(() => w.add(w.create(), Body, { z: 1 } as never))).toBe('ERR_UNKNOWN_FIELD')
    expect(codeOf(() => w.set(e, Body, 'mass', -1))).toBe('ERR_INVALID_VALUE')
    expect(codeOf(() => w.set(e, Body, 'mass', 1.5))).toBe('ERR_INVALID_VALUE')
    expect(codeOf(() => w.set(e, Body, 'x', Number.NaN))).toBe('ERR_INVALID_VALUE')
    expect(codeOf(() => w.set(e, Body, 'x', '1' as unknown as number))).toBe('ERR_INVALID_VALUE')
    expect(codeOf(() => w.update(e, Body, { x: 2, mass: -5 }))).toBe('ERR_INVALID_VALUE')
    expect(w.read(e, Body, 'x')).toBe(0)
    w.destroy(e)
    expect(codeOf(() => w.read(e, Body, 'x'))).toBe('ERR_DEAD_ENTITY')
    expect(codeOf(() => w.add(e, Tag))).toBe('ERR_DEAD_ENTITY')
    expect(codeOf(() => w.emit('x', 1))).toBe('ERR_NO_TRANSACTION')
    expect(codeOf(() => w.findUnique(Body, 'x', 1))).toBe('ERR_NO_INDEX')
    expect(codeOf(() => w.queryRadius(Body, 0, 0, 1))).toBe('ERR_NO_INDEX')
    expect(codeOf(() => w.register(defineComponent('Body', { other: 'u8' })))).toBe('ERR_SCHEMA')
  })

  it('needs a transaction for every write when tracking is on', () => {
    const w = createWorld()
    expect(codeOf(() => w.create())).toBe('ERR_NO_TRANSACTION')
    const e = w.transaction(() => {
      const e = w.create()
      w.add(e, Body)
      return e
    }).result
    expect(codeOf(() => w.set(e, Body, 'x', 1))).toBe('ERR_NO_TRANSACTION')
    expect(codeOf(() => w.field(Body, 'x').set(e, 1))).toBe('ERR_NO_TRANSACTION')
    expect(codeOf(() => w.remove(e, Body))).toBe('ERR_NO_TRANSACTION')
    expect(codeOf(() => w.destroy(e))).toBe('ERR_NO_TRANSACTION')
    expect(w.read(e, Body, 'x')).toBe(0)
    expect(w.inTransaction).toBe(false)
  })
})

describe('adding rows', () => {
  // An all-numeric component without indexes is validated straight into its row.
  const V = defineComponent('V', { a: 'i32', b: 'u8' })

  it('leaves no row, no change and no query entry when a value is refused', () => {
    const w = createWorld({ components: [V] })
    const q = w.query([V])
    const e = w.transaction(() => w.create()).result
    const { changes } = w.transaction(() => {
      expect(codeOf(() => w.add(e, V, { a: 5, b: 300 }))).toBe('ERR_INVALID_VALUE')
      expect(codeOf(() => w.add(e, V, { a: 6, c: 1 } as never))).toBe('ERR_UNKNOWN_FIELD')
      expect(w.has(e, V)).toBe(false)
    })
    expect(changes.components).toEqual([])
    expect(q.count).toBe(0)
    expect(w.count(V)).toBe(0)
    // Missing fields get 0, not what a refused add left behind.
    const added = w.transaction(() => w.add(e, V, { b: 7 })).changes
    expect(w.get(e, V)).toEqual({ a: 0, b: 7 })
    expect(added.components[0]?.inserted).toEqual([e])
    expect(q.toArray()).toEqual([e])
  })

  it('rolls back a refused add with the rest of its transaction', () => {
    const w = createWorld({ components: [V] })
    const e = w.transaction(() => w.create()).result
    const f = w.transaction(() => {
      const f = w.create()
      w.add(f, V, { a: 1, b: 2 })
      return f
    }).result
    expect(() =>
      w.transaction(() => {
        w.add(e, V, { a: 9 })
        w.add(w.create(), V, { a: 3, b: -1 })
      }),
    ).toThrow()
    expect(w.has(e, V)).toBe(false)
    expect(w.get(f, V)).toEqual({ a: 1, b: 2 })
    expect(w.entityCount).toBe(2)
    expect(w.query([V]).toArray()).toEqual([f])
  })

  it('validates in a world without tracking too', () => {
    const w = createWorld({ trackChanges: false, components: [V] })
    const e = w.create()
    expect(codeOf(() => w.add(e, V, { a: 1.5 }))).toBe('ERR_INVALID_VALUE')
    expect(w.has(e, V)).toBe(false)
    w.add(e, V)
    expect(w.get(e, V)).toEqual({ a: 0, b: 0 })
  })
})
