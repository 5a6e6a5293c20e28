import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { ChangeSet } from './change-set.js'
import { type Component, defineComponent } from './component.js'
import type { Entity } from './entity.js'
import { type World, createWorld } from './world.js'

// Model-based test: any sequence of create/destroy/add/remove/set, each in its own transaction,
// keeps the world equal to a Map of Maps; each change set equals the diff of the model; a
// transaction that throws restores the model state exactly (values, ids, indexes, queries).

const P = defineComponent('P', { x: 'f64', n: 'i32', s: 'string', b: 'bool' }, { spatial: { x: 'x', y: 'n', cellSize: 16 } })
const Q = defineComponent('Q', { v: 'u8', who: 'entity' }, { index: ['v'] })
const R = defineComponent('R', {})
// One integer field and nothing else: the change builder's single-column path.
const S = defineComponent('S', { k: 'i32' })
const COMPONENTS: readonly Component[] = [P, Q, R, S]

type Rows = Map<string, Record<string, unknown>>
type Model = Map<number, Rows>

type Op =
  | { kind: 'create' }
  | { kind: 'destroy'; pick: number }
  | { kind: 'add'; pick: number; comp: number; values: Record<string, unknown> }
  | { kind: 'remove'; pick: number; comp: number }
  | { kind: 'set'; pick: number; comp: number; field: number; value: unknown; viaField: boolean }

const noNegZero = (v: number) => (Object.is(v, -0) ? 0 : v)
const valueArb: Record<string, fc.Arbitrary<unknown>> = {
  x: fc.oneof(fc.constantFrom(0, 1, 2), fc.double({ min: -1e6, max: 1e6, noNaN: true }).map(noNegZero)),
  n: fc.oneof(fc.constantFrom(0, 1), fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 })),
  s: fc.oneof(fc.constant(''), fc.string({ maxLength: 4 })),
  b: fc.boolean(),
  v: fc.integer({ min: 0, max: 4 }),
  who: fc.constantFrom(0, 1, 2, 3),
  k: fc.oneof(fc.constantFrom(0, 1), fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 })),
}
const fieldsOf = (c: number): readonly string[] => (COMPONENTS[c] as Component).fields
const rowArb = (c: number) =>
  fc.record(Object.fromEntries(fieldsOf(c).map((f) => [f, valueArb[f] as fc.Arbitrary<unknown>])), { requiredKeys: [] })

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.constant<Op>({ kind: 'create' }),
  { arbitrary: fc.nat().map<Op>((pick) => ({ kind: 'destroy', pick })), weight: 1 },
  fc
    .tuple(fc.nat(), fc.integer({ min: 0, max: 3 }))
    .chain(([pick, comp]) => rowArb(comp).map<Op>((values) => ({ kind: 'add', pick, comp, values }))),
  fc.tuple(fc.nat(), fc.integer({ min: 0, max: 3 })).map<Op>(([pick, comp]) => ({ kind: 'remove', pick, comp })),
  {
    weight: 4,
    arbitrary: fc
      .tuple(fc.nat(), fc.constantFrom(0, 1, 3), fc.nat(), fc.boolean())
      .chain(([pick, comp, f, viaField]) => {
        const field = f % fieldsOf(comp).length
        return (valueArb[fieldsOf(comp)[field] as string] as fc.Arbitrary<unknown>).map<Op>((value) => ({
          kind: 'set',
          pick,
          comp,
          field,
          value,
          viaField,
        }))
      }),
  },
)

const DEFAULTS: Record<string, unknown> = { x: 0, n: 0, s: '', b: false, v: 0, who: 0, k: 0 }

function live(m: Model): number[] {
  return [...m.keys()].sort((a, b) => a - b)
}

/** Applies `op` to the world and the model when valid for the model; returns whether it applied. */
function apply(w: World, m: Model, op: Op): boolean {
  if (op.kind === 'create') {
    m.set(w.create(), new Map())
    return true
  }
  const ids = live(m)
  if (ids.length === 0) return false
  const e = ids[op.pick % ids.length] as Entity
  const rows = m.get(e) as Rows
  if (op.kind === 'destroy') {
    w.destroy(e)
    m.delete(e)
    return true
  }
  const c = COMPONENTS[op.comp] as Component
  if (op.kind === 'add') {
    if (rows.has(c.name)) return false
    w.add(e, c, op.values)
    rows.set(c.name, Object.fromEntries(c.fields.map((f) => [f, op.values[f] ?? DEFAULTS[f]])))
    return true
  }
  if (op.kind === 'remove') {
    if (!rows.has(c.name)) return false
    w.remove(e, c)
    rows.delete(c.name)
    return true
  }
  const row = rows.get(c.name)
  if (row === undefined) return false
  const field = c.fields[op.field] as string
  // Half the writes go through the fast accessor (numeric, grid-only and indexed fields alike).
  if (op.viaField) w.field(c, field).set(e, op.value as never)
  else w.set(e, c, field, op.value as never)
  row[field] = op.value
  return true
}

function clone(m: Model): Model {
  return new Map([...m].map(([e, rows]) => [e, new Map([...rows].map(([n, r]) => [n, { ...r }]))]))
}

function expectEqual(w: World, m: Model): void {
  expect(w.entityCount).toBe(m.size)
  expect([...w.entities()].sort((a, b) => a - b)).toEqual(live(m))
  for (const c of COMPONENTS) {
    const owners = live(m).filter((e) => (m.get(e) as Rows).has(c.name))
    expect(w.count(c)).toBe(owners.length)
    expect(w.query([c]).toArray().sort((a, b) => a - b)).toEqual(owners)
    for (const e of live(m)) expect(w.get(e as Entity, c)).toEqual((m.get(e) as Rows).get(c.name))
  }
  const withQ = live(m).filter((e) => (m.get(e) as Rows).has('Q'))
  for (let v = 0; v <= 4; v++) {
    const want = withQ.filter((e) => ((m.get(e) as Rows).get('Q') as Record<string, unknown>).v === v)
    expect([...w.findAll(Q, 'v', v)].sort((a, b) => a - b)).toEqual(want)
  }
  const withP = live(m).filter((e) => (m.get(e) as Rows).has('P'))
  const inRect = w.queryRect(P, -1e7, -(2 ** 32), 1e7, 2 ** 32)
  expect(inRect.sort((a, b) => a - b)).toEqual(withP)
  // Each row sits in the grid cell of its current position (a one-point query finds it).
  for (const e of withP) {
    const { x, n } = (m.get(e) as Rows).get('P') as { x: number; n: number }
    expect(w.queryRect(P, x, n, x, n)).toContain(e)
  }
}

function expectChanges(changes: ChangeSet, before: Model, after: Model): void {
  for (const c of COMPONENTS) {
    const had = (m: Model, e: number) => m.get(e)?.get(c.name)
    const ids = [...new Set([...before.keys(), ...after.keys()])].sort((a, b) => a - b)
    const inserted = ids.filter((e) => !had(before, e) && had(after, e))
    const deleted = ids.filter((e) => had(before, e) && !had(after, e))
    const updated: [number, number][] = []
    for (const e of ids) {
      const a = had(before, e)
      const b = had(after, e)
      if (a === undefined || b === undefined) continue
      let mask = 0
      c.fields.forEach((f, i) => {
        if (a[f] !== b[f]) mask |= 1 << i
      })
      if (mask !== 0) updated.push([e, mask])
    }
    const got = changes.components.find((cc) => cc.component === c)
    const sort = (xs: readonly number[]) => [...xs].sort((x, y) => x - y)
    expect(sort(got?.inserted ?? [])).toEqual(inserted)
    expect(sort(got?.deleted ?? [])).toEqual(deleted)
    const gotUpdated = (got?.updated ?? []).map((e, k) => [e, got?.updatedMasks[k]]).sort((x, y) => (x[0] as number) - (y[0] as number))
    expect(gotUpdated).toEqual(updated)
    if (got !== undefined) expect(got.inserted.length + got.updated.length + got.deleted.length).toBeGreaterThan(0)
  }
}

interface Real {
  w: World
}

/** A world and model with 8 entities holding P and Q (some R, most S), so commands find rows to update. */
function seeded(): { model: { m: Model }; real: Real } {
  const w = createWorld({ components: COMPONENTS, initialCapacity: 64 })
  const m: Model = new Map()
  w.transaction(() => {
    for (let i = 0; i < 8; i++) {
      apply(w, m, { kind: 'create' })
      apply(w, m, { kind: 'add', pick: i, comp: 0, values: { x: i, s: `e${i}` } })
      apply(w, m, { kind: 'add', pick: i, comp: 1, values: { v: i % 5 } })
      if (i % 2 === 0) apply(w, m, { kind: 'add', pick: i, comp: 2, values: {} })
      if (i % 3 !== 0) apply(w, m, { kind: 'add', pick: i, comp: 3, values: { k: i } })
    }
  })
  return { model: { m }, real: { w } }
}

class CommitCommand implements fc.Command<{ m: Model }, Real> {
  constructor(readonly ops: readonly Op[]) {}
  check(): boolean {
    return true
  }
  run(model: { m: Model }, real: Real): void {
    const before = clone(model.m)
    const { changes } = real.w.transaction(() => {
      for (const op of this.ops) apply(real.w, model.m, op)
    })
    expectChanges(changes, before, model.m)
    expectEqual(real.w, model.m)
  }
  toString(): string {
    return `commit(${JSON.stringify(this.ops)})`
  }
}

class RollbackCommand implements fc.Command<{ m: Model }, Real> {
  constructor(
    readonly ops: readonly Op[],
    readonly nested: boolean,
  ) {}
  check(): boolean {
    return true
  }
  run(model: { m: Model }, real: Real): void {
    const scratch = clone(model.m)
    const rng = real.w.rng.getState()
    const fail = new Error('rollback')
    const body = () => {
      for (const op of this.ops) apply(real.w, scratch, op)
      real.w.rng.next()
      throw fail
    }
    if (this.nested) {
      const { changes } = real.w.transaction(() => {
        expect(() => real.w.transaction(body)).toThrow(fail)
      })
      expect(changes.isEmpty).toBe(true)
    } else {
      expect(() => real.w.transaction(body)).toThrow(fail)
    }
    expect(real.w.rng.getState()).toBe(rng)
    expectEqual(real.w, model.m)
  }
  toString(): string {
    return `${this.nested ? 'nestedRollback' : 'rollback'}(${JSON.stringify(this.ops)})`
  }
}

describe('world against a Map-of-Maps model', () => {
  it('stays equal under random commands, change sets equal the model diff, rollbacks restore it', () => {
    const commands = [
      fc.array(opArb, { minLength: 1, maxLength: 12 }).map((ops) => new CommitCommand(ops)),
      fc.array(opArb, { minLength: 1, maxLength: 12 }).map((ops) => new RollbackCommand(ops, false)),
      fc.array(opArb, { minLength: 1, maxLength: 12 }).map((ops) => new RollbackCommand(ops, true)),
    ]
    fc.assert(
      fc.property(fc.commands(commands, { maxCommands: 40 }), (cmds) => {
        fc.modelRun(() => seeded(), cmds)
      }),
      { numRuns: 150 },
    )
  })

  it('allocates the same ids after a rollback as without it', () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 30 }), fc.array(opArb, { maxLength: 30 }), (first, undone) => {
        const a = createWorld({ components: COMPONENTS })
        const b = createWorld({ components: COMPONENTS })
        const ma: Model = new Map()
        const mb: Model = new Map()
        a.transaction(() => {
          for (const op of first) apply(a, ma, op)
        })
        b.transaction(() => {
          for (const op of first) apply(b, mb, op)
        })
        expect(() =>
          a.transaction(() => {
            const scratch = clone(ma)
            for (const op of undone) apply(a, scratch, op)
            throw new Error('undo')
          }),
        ).toThrow('undo')
        const ids = (w: World) => w.transaction(() => Array.from({ length: 5 }, () => w.create())).result
        expect(ids(a)).toEqual(ids(b))
      }),
      { numRuns: 100 },
    )
  })
})
