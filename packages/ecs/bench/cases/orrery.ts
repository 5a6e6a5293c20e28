/**
 * The five ecs-benchmark scenarios (noctjs/ecs-benchmark) for @orrery/ecs, written from its README:
 * one system per query, made with `query.system((ents) => ...)` (the query hands each call its
 * snapshot), `world.field()` accessors created once, an indexed loop over the entities. With
 * `tracked`, each op is one `world.transaction` on a world with `trackChanges: true` (as the
 * server runs systems); without, `trackChanges: false` and no transaction. Values start as in the
 * suite's bitECS cases.
 */
import { type Component, type Entity, type Field, type World, createWorld, defineComponent } from '../../src/index.js'

const value = { value: 'i32' } as const
export type ValueComponent = Component<typeof value>

function pipeline(world: World, tracked: boolean, systems: readonly (() => void)[]): () => void {
  const step = (): void => {
    for (let s = 0; s < systems.length; s++) (systems[s] as () => void)()
  }
  return tracked ? () => void world.transaction(step) : step
}

function setup(world: World, tracked: boolean, fn: () => void): void {
  if (tracked) world.transaction(fn)
  else fn()
}

export function packed5(count: number, tracked: boolean): () => void {
  const world = createWorld({ trackChanges: tracked })
  const cs = ['A', 'B', 'C', 'D', 'E'].map((n) => defineComponent(n, value))
  setup(world, tracked, () => {
    for (let i = 0; i < count; i++) {
      const e = world.create()
      for (const c of cs) world.add(e, c)
    }
  })
  const [A, B, C, D, E] = cs as [ValueComponent, ValueComponent, ValueComponent, ValueComponent, ValueComponent]
  const queryA = world.query([A])
  const valA = world.field(A, 'value')
  const packedA = queryA.system((ents) => {
    for (let i = 0; i < ents.length; i++) {
      const e = ents[i] as Entity
      valA.set(e, valA.get(e) * 2)
    }
  })
  const queryB = world.query([B])
  const valB = world.field(B, 'value')
  const packedB = queryB.system((ents) => {
    for (let i = 0; i < ents.length; i++) {
      const e = ents[i] as Entity
      valB.set(e, valB.get(e) * 2)
    }
  })
  const queryC = world.query([C])
  const valC = world.field(C, 'value')
  const packedC = queryC.system((ents) => {
    for (let i = 0; i < ents.length; i++) {
      const e = ents[i] as Entity
      valC.set(e, valC.get(e) * 2)
    }
  })
  const queryD = world.query([D])
  const valD = world.field(D, 'value')
  const packedD = queryD.system((ents) => {
    for (let i = 0; i < ents.length; i++) {
      const e = ents[i] as Entity
      valD.set(e, valD.get(e) * 2)
    }
  })
  const queryE = world.query([E])
  const valE = world.field(E, 'value')
  const packedE = queryE.system((ents) => {
    for (let i = 0; i < ents.length; i++) {
      const e = ents[i] as Entity
      valE.set(e, valE.get(e) * 2)
    }
  })
  return pipeline(world, tracked, [packedA, packedB, packedC, packedD, packedE])
}

/** What simple_iter's systems read and write: AB, ABC, ABCD and ABCE entities with values 0, 1, 2, 3. */
export interface SimpleIterWorld {
  readonly world: World
  readonly A: ValueComponent
  readonly B: ValueComponent
  readonly C: ValueComponent
  readonly D: ValueComponent
  readonly E: ValueComponent
  readonly a: Field<number>
  readonly b: Field<number>
  readonly c: Field<number>
  readonly d: Field<number>
  readonly e: Field<number>
}

/** simple_iter's world and accessors (shared with the snapshot-in-system variant). */
export function simpleIterWorld(count: number, tracked: boolean): SimpleIterWorld {
  const world = createWorld({ trackChanges: tracked })
  const [A, B, C, D, E] = ['A', 'B', 'C', 'D', 'E'].map((n) => defineComponent(n, value)) as [
    ValueComponent,
    ValueComponent,
    ValueComponent,
    ValueComponent,
    ValueComponent,
  ]
  setup(world, tracked, () => {
    for (let i = 0; i < count; i++) {
      const e1 = world.create()
      world.add(e1, A, { value: 0 })
      world.add(e1, B, { value: 1 })
      const e2 = world.create()
      world.add(e2, A, { value: 0 })
      world.add(e2, B, { value: 1 })
      world.add(e2, C, { value: 2 })
      const e3 = world.create()
      world.add(e3, A, { value: 0 })
      world.add(e3, B, { value: 1 })
      world.add(e3, C, { value: 2 })
      world.add(e3, D, { value: 3 })
      const e4 = world.create()
      world.add(e4, A, { value: 0 })
      world.add(e4, B, { value: 1 })
      world.add(e4, C, { value: 2 })
      world.add(e4, E, { value: 3 })
    }
  })
  const a = world.field(A, 'value')
  const b = world.field(B, 'value')
  const c = world.field(C, 'value')
  const d = world.field(D, 'value')
  const e = world.field(E, 'value')
  return { world, A, B, C, D, E, a, b, c, d, e }
}

export function simpleIter(count: number, tracked: boolean): () => void {
  const { world, A, B, C, D, E, a, b, c, d, e } = simpleIterWorld(count, tracked)
  const queryAB = world.query([A, B])
  const systemAB = queryAB.system((ents) => {
    for (let i = 0; i < ents.length; i++) {
      const eid = ents[i] as Entity
      const x = a.get(eid)
      a.set(eid, b.get(eid))
      b.set(eid, x)
    }
  })
  const queryCD = world.query([C, D])
  const systemCD = queryCD.system((ents) => {
    for (let i = 0; i < ents.length; i++) {
      const eid = ents[i] as Entity
      const x = c.get(eid)
      c.set(eid, d.get(eid))
      d.set(eid, x)
    }
  })
  const queryCE = world.query([C, E])
  const systemCE = queryCE.system((ents) => {
    for (let i = 0; i < ents.length; i++) {
      const eid = ents[i] as Entity
      const x = c.get(eid)
      c.set(eid, e.get(eid))
      e.set(eid, x)
    }
  })
  return pipeline(world, tracked, [systemAB, systemCD, systemCE])
}

/** frag_iter's world: one entity per letter component, each with Data (shared with the snapshot-in-system variant). */
export function fragIterWorld(count: number, tracked: boolean): { world: World; Data: ValueComponent; Z: ValueComponent } {
  const world = createWorld({ trackChanges: tracked })
  const comps = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ'.split('').map((n) => defineComponent(n, value))
  const Z = comps[25] as ValueComponent
  const Data = defineComponent('Data', value)
  setup(world, tracked, () => {
    for (let i = 0; i < count; i++) {
      for (const c of comps) {
        const e = world.create()
        world.add(e, Data)
        world.add(e, c)
      }
    }
  })
  return { world, Data, Z }
}

export function fragIter(count: number, tracked: boolean): () => void {
  const { world, Data, Z } = fragIterWorld(count, tracked)
  const dataQuery = world.query([Data])
  const data = world.field(Data, 'value')
  const dataSystem = dataQuery.system((ents) => {
    for (let i = 0; i < ents.length; i++) {
      const e = ents[i] as Entity
      data.set(e, data.get(e) * 2)
    }
  })
  const zQuery = world.query([Z])
  const z = world.field(Z, 'value')
  const zSystem = zQuery.system((ents) => {
    for (let i = 0; i < ents.length; i++) {
      const e = ents[i] as Entity
      z.set(e, z.get(e) * 2)
    }
  })
  return pipeline(world, tracked, [dataSystem, zSystem])
}

export function entityCycle(count: number, tracked: boolean): () => void {
  const world = createWorld({ trackChanges: tracked })
  const A = defineComponent('A', value)
  const B = defineComponent('B', value)
  setup(world, tracked, () => {
    for (let i = 0; i < count; i++) world.add(world.create(), A, { value: i })
  })
  const qA = world.query([A])
  const qB = world.query([B])
  const a = world.field(A, 'value')
  const spawnB = qA.system((ents) => {
    for (let i = 0; i < ents.length; i++) world.add(world.create(), B, { value: a.get(ents[i] as Entity) })
  })
  const killB = qB.system((ents) => {
    for (let i = 0; i < ents.length; i++) world.destroy(ents[i] as Entity)
  })
  return pipeline(world, tracked, [spawnB, killB])
}

export function addRemove(count: number, tracked: boolean): () => void {
  const world = createWorld({ trackChanges: tracked })
  const A = defineComponent('A', {})
  const B = defineComponent('B', {})
  setup(world, tracked, () => {
    for (let i = 0; i < count; i++) world.add(world.create(), A)
  })
  const qA = world.query([A])
  const qB = world.query([B])
  const addB = qA.system((ents) => {
    for (let i = 0; i < ents.length; i++) world.add(ents[i] as Entity, B)
  })
  const removeB = qB.system((ents) => {
    for (let i = 0; i < ents.length; i++) world.remove(ents[i] as Entity, B)
  })
  return pipeline(world, tracked, [addB, removeB])
}
