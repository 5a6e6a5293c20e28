/**
 * `simple_iter` and `frag_iter` for @orrery/ecs (untracked) with each system written as
 * `() => { const ents = query.snapshot(); for (...) }` instead of `query.system((ents) => ...)`:
 * the same loops, with the snapshot looked up inside the system. On Node 20 such a system can stay
 * on its on-stack-replacement code (see the README); this row shows how often and what it costs.
 */
import { type Component, type Entity, createWorld, defineComponent } from '../../src/index.js'

const value = { value: 'i32' } as const
type ValueComponent = Component<typeof value>

function pipeline(systems: readonly (() => void)[]): () => void {
  return () => {
    for (let s = 0; s < systems.length; s++) (systems[s] as () => void)()
  }
}

export function simpleIter(count: number): () => void {
  const world = createWorld({ trackChanges: false })
  const [A, B, C, D, E] = ['A', 'B', 'C', 'D', 'E'].map((n) => defineComponent(n, value)) as [
    ValueComponent,
    ValueComponent,
    ValueComponent,
    ValueComponent,
    ValueComponent,
  ]
  for (let i = 0; i < count; i++) {
    // As in orrery.ts: AB, ABC, ABCD and ABCE entities, values 0, 1, 2, 3.
    for (const extra of [[], [C], [C, D], [C, E]]) {
      const ent = world.create()
      world.add(ent, A, { value: 0 })
      world.add(ent, B, { value: 1 })
      for (const X of extra) world.add(ent, X, { value: X === C ? 2 : 3 })
    }
  }
  const a = world.field(A, 'value')
  const b = world.field(B, 'value')
  const c = world.field(C, 'value')
  const d = world.field(D, 'value')
  const e = world.field(E, 'value')
  const queryAB = world.query([A, B])
  const systemAB = (): void => {
    const ents = queryAB.snapshot()
    for (let i = 0; i < ents.length; i++) {
      const eid = ents[i] as Entity
      const x = a.get(eid)
      a.set(eid, b.get(eid))
      b.set(eid, x)
    }
  }
  const queryCD = world.query([C, D])
  const systemCD = (): void => {
    const ents = queryCD.snapshot()
    for (let i = 0; i < ents.length; i++) {
      const eid = ents[i] as Entity
      const x = c.get(eid)
      c.set(eid, d.get(eid))
      d.set(eid, x)
    }
  }
  const queryCE = world.query([C, E])
  const systemCE = (): void => {
    const ents = queryCE.snapshot()
    for (let i = 0; i < ents.length; i++) {
      const eid = ents[i] as Entity
      const x = c.get(eid)
      c.set(eid, e.get(eid))
      e.set(eid, x)
    }
  }
  return pipeline([systemAB, systemCD, systemCE])
}

export function fragIter(count: number): () => void {
  const world = createWorld({ trackChanges: false })
  const comps = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ'.split('').map((n) => defineComponent(n, value))
  const Z = comps[25] as ValueComponent
  const Data = defineComponent('Data', value)
  for (let i = 0; i < count; i++) {
    for (const c of comps) {
      const e = world.create()
      world.add(e, Data)
      world.add(e, c)
    }
  }
  const dataQuery = world.query([Data])
  const data = world.field(Data, 'value')
  const dataSystem = (): void => {
    const ents = dataQuery.snapshot()
    for (let i = 0; i < ents.length; i++) {
      const e = ents[i] as Entity
      data.set(e, data.get(e) * 2)
    }
  }
  const zQuery = world.query([Z])
  const z = world.field(Z, 'value')
  const zSystem = (): void => {
    const ents = zQuery.snapshot()
    for (let i = 0; i < ents.length; i++) {
      const e = ents[i] as Entity
      z.set(e, z.get(e) * 2)
    }
  }
  return pipeline([dataSystem, zSystem])
}
