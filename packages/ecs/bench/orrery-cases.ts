/**
 * The five ecs-benchmark scenarios (noctjs/ecs-benchmark) written against @orrery/ecs the
 * idiomatic way: a cached query, `for (const e of query.snapshot())`, and `world.field()`
 * accessors. With `tracked`, each operation is one `world.transaction` on a world with
 * `trackChanges: true`, as the server runs systems; without, the world has
 * `trackChanges: false` and no transaction is opened. Values start as in the suite's bitECS
 * case (0, so the doubling scenarios write equal values), the same on both sides.
 */
import { type Component, type World, createWorld, defineComponent } from '../src/index.js'

const value = { value: 'i32' } as const

function runner(world: World, tracked: boolean, step: () => void): () => void {
  return tracked ? () => void world.transaction(step) : step
}

function setup(world: World, tracked: boolean, fn: () => void): void {
  if (tracked) world.transaction(fn)
  else fn()
}

export function packed5(count: number, tracked: boolean, step: 'double' | 'increment'): () => void {
  const world = createWorld({ trackChanges: tracked })
  const A = defineComponent('A', value)
  const B = defineComponent('B', value)
  const C = defineComponent('C', value)
  const D = defineComponent('D', value)
  const E = defineComponent('E', value)
  setup(world, tracked, () => {
    for (let i = 0; i < count; i++) {
      const e = world.create()
      world.add(e, A)
      world.add(e, B)
      world.add(e, C)
      world.add(e, D)
      world.add(e, E)
    }
  })
  // One system per component, written out like the suite does.
  const qA = world.query([A])
  const a = world.field(A, 'value')
  const qB = world.query([B])
  const b = world.field(B, 'value')
  const qC = world.query([C])
  const c = world.field(C, 'value')
  const qD = world.query([D])
  const d = world.field(D, 'value')
  const qE = world.query([E])
  const v = world.field(E, 'value')
  const double = () => {
    for (const e of qA.snapshot()) a.set(e, a.get(e) * 2)
    for (const e of qB.snapshot()) b.set(e, b.get(e) * 2)
    for (const e of qC.snapshot()) c.set(e, c.get(e) * 2)
    for (const e of qD.snapshot()) d.set(e, d.get(e) * 2)
    for (const e of qE.snapshot()) v.set(e, v.get(e) * 2)
  }
  const increment = () => {
    for (const e of qA.snapshot()) a.set(e, a.get(e) + 1)
    for (const e of qB.snapshot()) b.set(e, b.get(e) + 1)
    for (const e of qC.snapshot()) c.set(e, c.get(e) + 1)
    for (const e of qD.snapshot()) d.set(e, d.get(e) + 1)
    for (const e of qE.snapshot()) v.set(e, v.get(e) + 1)
  }
  return runner(world, tracked, step === 'double' ? double : increment)
}

export function simpleIter(count: number, tracked: boolean): () => void {
  const world = createWorld({ trackChanges: tracked })
  const [A, B, C, D, E] = ['A', 'B', 'C', 'D', 'E'].map((n) => defineComponent(n, value)) as [
    Component<typeof value>,
    Component<typeof value>,
    Component<typeof value>,
    Component<typeof value>,
    Component<typeof value>,
  ]
  setup(world, tracked, () => {
    const make = (...cs: [Component<typeof value>, number][]): void => {
      const e = world.create()
      for (const [c, v] of cs) world.add(e, c, { value: v })
    }
    for (let i = 0; i < count; i++) {
      make([A, 0], [B, 1])
      make([A, 0], [B, 1], [C, 2])
      make([A, 0], [B, 1], [C, 2], [D, 3])
      make([A, 0], [B, 1], [C, 2], [E, 3])
    }
  })
  const qAB = world.query([A, B])
  const qCD = world.query([C, D])
  const qCE = world.query([C, E])
  const a = world.field(A, 'value')
  const b = world.field(B, 'value')
  const c = world.field(C, 'value')
  const d = world.field(D, 'value')
  const v = world.field(E, 'value')
  return runner(world, tracked, () => {
    for (const e of qAB.snapshot()) {
      const t = a.get(e)
      a.set(e, b.get(e))
      b.set(e, t)
    }
    for (const e of qCD.snapshot()) {
      const t = c.get(e)
      c.set(e, d.get(e))
      d.set(e, t)
    }
    for (const e of qCE.snapshot()) {
      const t = c.get(e)
      c.set(e, v.get(e))
      v.set(e, t)
    }
  })
}

export function fragIter(count: number, tracked: boolean): () => void {
  const world = createWorld({ trackChanges: tracked })
  const comps = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ'.split('').map((n) => defineComponent(n, value))
  const Z = comps[25] as Component<typeof value>
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
  const qData = world.query([Data])
  const data = world.field(Data, 'value')
  const qZ = world.query([Z])
  const z = world.field(Z, 'value')
  return runner(world, tracked, () => {
    for (const e of qData.snapshot()) data.set(e, data.get(e) * 2)
    for (const e of qZ.snapshot()) z.set(e, z.get(e) * 2)
  })
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
  return runner(world, tracked, () => {
    for (const e of qA.snapshot()) world.add(world.create(), B, { value: a.get(e) })
    for (const e of qB.snapshot()) world.destroy(e)
  })
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
  return runner(world, tracked, () => {
    for (const e of qA.snapshot()) world.add(e, B)
    for (const e of qB.snapshot()) world.remove(e, B)
  })
}
