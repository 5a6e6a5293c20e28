/**
 * The five ecs-benchmark scenarios (noctjs/ecs-benchmark) written against @orrery/ecs the
 * idiomatic way: a cached query, an indexed loop over `query.snapshot()` (the fastest loop;
 * `for...of` over it costs about 15 % more on Node 20) and `world.field()` accessors. With `tracked`, each operation is one `world.transaction` on a world with
 * `trackChanges: true`, as the server runs systems; without, the world has
 * `trackChanges: false` and no transaction is opened. Values start as in the suite's bitECS
 * case (0, so the doubling scenarios write equal values), the same on both sides.
 */
import { type Component, type Entity, type World, createWorld, defineComponent } from '../src/index.js'

const value = { value: 'i32' } as const

// One system per loop, as the suite writes its bitECS case: a system is a small function whose
// whole body has run before V8 optimizes it. Each system first reads its accessors into locals:
// when V8 inlines a system into the transaction's try block it reloads closure variables on every
// loop iteration; locals stay in registers.

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
  const accA = world.field(A, 'value')
  const qB = world.query([B])
  const accB = world.field(B, 'value')
  const qC = world.query([C])
  const accC = world.field(C, 'value')
  const qD = world.query([D])
  const accD = world.field(D, 'value')
  const qE = world.query([E])
  const accE = world.field(E, 'value')
  const doubleA = () => {
    const f = accA
    const ents = qA.snapshot()
    for (let k = 0; k < ents.length; k++) {
      const e = ents[k] as Entity
      f.set(e, f.get(e) * 2)
    }
  }
  const doubleB = () => {
    const f = accB
    const ents = qB.snapshot()
    for (let k = 0; k < ents.length; k++) {
      const e = ents[k] as Entity
      f.set(e, f.get(e) * 2)
    }
  }
  const doubleC = () => {
    const f = accC
    const ents = qC.snapshot()
    for (let k = 0; k < ents.length; k++) {
      const e = ents[k] as Entity
      f.set(e, f.get(e) * 2)
    }
  }
  const doubleD = () => {
    const f = accD
    const ents = qD.snapshot()
    for (let k = 0; k < ents.length; k++) {
      const e = ents[k] as Entity
      f.set(e, f.get(e) * 2)
    }
  }
  const doubleE = () => {
    const f = accE
    const ents = qE.snapshot()
    for (let k = 0; k < ents.length; k++) {
      const e = ents[k] as Entity
      f.set(e, f.get(e) * 2)
    }
  }
  const incrementA = () => {
    const f = accA
    const ents = qA.snapshot()
    for (let k = 0; k < ents.length; k++) {
      const e = ents[k] as Entity
      f.set(e, f.get(e) + 1)
    }
  }
  const incrementB = () => {
    const f = accB
    const ents = qB.snapshot()
    for (let k = 0; k < ents.length; k++) {
      const e = ents[k] as Entity
      f.set(e, f.get(e) + 1)
    }
  }
  const incrementC = () => {
    const f = accC
    const ents = qC.snapshot()
    for (let k = 0; k < ents.length; k++) {
      const e = ents[k] as Entity
      f.set(e, f.get(e) + 1)
    }
  }
  const incrementD = () => {
    const f = accD
    const ents = qD.snapshot()
    for (let k = 0; k < ents.length; k++) {
      const e = ents[k] as Entity
      f.set(e, f.get(e) + 1)
    }
  }
  const incrementE = () => {
    const f = accE
    const ents = qE.snapshot()
    for (let k = 0; k < ents.length; k++) {
      const e = ents[k] as Entity
      f.set(e, f.get(e) + 1)
    }
  }
  const double = () => {
    doubleA()
    doubleB()
    doubleC()
    doubleD()
    doubleE()
  }
  const increment = () => {
    incrementA()
    incrementB()
    incrementC()
    incrementD()
    incrementE()
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
  const accA = world.field(A, 'value')
  const accB = world.field(B, 'value')
  const accC = world.field(C, 'value')
  const accD = world.field(D, 'value')
  const accE = world.field(E, 'value')
  const swapAB = () => {
    const x = accA
    const y = accB
    const ents = qAB.snapshot()
    for (let k = 0; k < ents.length; k++) {
      const e = ents[k] as Entity
      const t = x.get(e)
      x.set(e, y.get(e))
      y.set(e, t)
    }
  }
  const swapCD = () => {
    const x = accC
    const y = accD
    const ents = qCD.snapshot()
    for (let k = 0; k < ents.length; k++) {
      const e = ents[k] as Entity
      const t = x.get(e)
      x.set(e, y.get(e))
      y.set(e, t)
    }
  }
  const swapCE = () => {
    const x = accC
    const y = accE
    const ents = qCE.snapshot()
    for (let k = 0; k < ents.length; k++) {
      const e = ents[k] as Entity
      const t = x.get(e)
      x.set(e, y.get(e))
      y.set(e, t)
    }
  }
  return runner(world, tracked, () => {
    swapAB()
    swapCD()
    swapCE()
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
  const accData = world.field(Data, 'value')
  const qZ = world.query([Z])
  const accZ = world.field(Z, 'value')
  const doubleData = () => {
    const f = accData
    const ents = qData.snapshot()
    for (let k = 0; k < ents.length; k++) {
      const e = ents[k] as Entity
      f.set(e, f.get(e) * 2)
    }
  }
  const doubleZ = () => {
    const f = accZ
    const ents = qZ.snapshot()
    for (let k = 0; k < ents.length; k++) {
      const e = ents[k] as Entity
      f.set(e, f.get(e) * 2)
    }
  }
  return runner(world, tracked, () => {
    doubleData()
    doubleZ()
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
    for (let k = 0, ents = qA.snapshot(); k < ents.length; k++) {
      const e = ents[k] as Entity
      world.add(world.create(), B, { value: a.get(e) })
    }
    for (let k = 0, ents = qB.snapshot(); k < ents.length; k++) {
      const e = ents[k] as Entity
      world.destroy(e)
    }
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
    for (let k = 0, ents = qA.snapshot(); k < ents.length; k++) {
      const e = ents[k] as Entity
      world.add(e, B)
    }
    for (let k = 0, ents = qB.snapshot(); k < ents.length; k++) {
      const e = ents[k] as Entity
      world.remove(e, B)
    }
  })
}
