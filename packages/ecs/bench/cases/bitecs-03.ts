/**
 * The five scenarios for bitECS 0.3.34 (the version the public suite pins), in the suite's own
 * style (src/cases/bitecs): `defineComponent({ value: Types.i32 })`, `defineQuery`, one system
 * per query, `pipe`.
 *
 * With `changes`, each op also runs bitECS's own change detection over what the op wrote, the
 * fair peer of Orrery's tracked mode: a `Changed(C)` query per written component (entities whose
 * values differ from the query's shadow copy) and `enterQuery`/`exitQuery` for entities that
 * gained or lost a component.
 */
import {
  Changed,
  type Query,
  Types,
  addComponent,
  addEntity,
  createWorld,
  defineComponent,
  defineQuery,
  enterQuery,
  exitQuery,
  pipe,
  removeComponent,
  removeEntity,
} from 'bitecs-03'

type World = ReturnType<typeof createWorld>
interface ValueStore {
  value: Int32Array
}
const valueSchema = { value: Types.i32 }
const defineValue = (): ValueStore => defineComponent(valueSchema) as unknown as ValueStore

/** The op: the pipeline, then (with change detection) every tracking query. */
function op(world: World, pipeline: (w: World) => World, trackers: readonly Query[]): () => void {
  if (trackers.length === 0) {
    return () => {
      pipeline(world)
    }
  }
  return () => {
    pipeline(world)
    for (let t = 0; t < trackers.length; t++) (trackers[t] as Query)(world)
  }
}

const changedOf = (changes: boolean, ...cs: ValueStore[]): Query[] =>
  changes ? cs.map((c) => defineQuery([Changed(c as never)])) : []
const enterExitOf = (changes: boolean, c: object): Query[] =>
  changes ? [enterQuery(defineQuery([c])), exitQuery(defineQuery([c]))] : []

export function packed5(count: number, changes = false): () => void {
  const world = createWorld()
  const A = defineValue()
  const B = defineValue()
  const C = defineValue()
  const D = defineValue()
  const E = defineValue()
  const queryA = defineQuery([A])
  const { value: valA } = A
  const packedA = (world: World): World => {
    const ents = queryA(world)
    for (let i = 0, n = ents.length; i < n; i++) {
      const eid = ents[i] as number
      ;(valA[eid] as number) *= 2
    }
    return world
  }
  const queryB = defineQuery([B])
  const { value: valB } = B
  const packedB = (world: World): World => {
    const ents = queryB(world)
    for (let i = 0, n = ents.length; i < n; i++) {
      const eid = ents[i] as number
      ;(valB[eid] as number) *= 2
    }
    return world
  }
  const queryC = defineQuery([C])
  const { value: valC } = C
  const packedC = (world: World): World => {
    const ents = queryC(world)
    for (let i = 0, n = ents.length; i < n; i++) {
      const eid = ents[i] as number
      ;(valC[eid] as number) *= 2
    }
    return world
  }
  const queryD = defineQuery([D])
  const { value: valD } = D
  const packedD = (world: World): World => {
    const ents = queryD(world)
    for (let i = 0, n = ents.length; i < n; i++) {
      const eid = ents[i] as number
      ;(valD[eid] as number) *= 2
    }
    return world
  }
  const queryE = defineQuery([E])
  const { value: valE } = E
  const packedE = (world: World): World => {
    const ents = queryE(world)
    for (let i = 0, n = ents.length; i < n; i++) {
      const eid = ents[i] as number
      ;(valE[eid] as number) *= 2
    }
    return world
  }
  for (let i = 0; i < count; i++) {
    const e = addEntity(world)
    addComponent(world, A, e)
    addComponent(world, B, e)
    addComponent(world, C, e)
    addComponent(world, D, e)
    addComponent(world, E, e)
  }
  const trackers = changedOf(changes, A, B, C, D, E)
  return op(world, pipe(packedA, packedB, packedC, packedD, packedE), trackers)
}

export function simpleIter(count: number, changes = false): () => void {
  const world = createWorld()
  const A = defineValue()
  const B = defineValue()
  const C = defineValue()
  const D = defineValue()
  const E = defineValue()
  const queryAB = defineQuery([A, B])
  const systemAB = (world: World): World => {
    const ents = queryAB(world)
    for (let i = 0; i < ents.length; i++) {
      const eid = ents[i] as number
      const x = A.value[eid] as number
      A.value[eid] = B.value[eid] as number
      B.value[eid] = x
    }
    return world
  }
  const queryCD = defineQuery([C, D])
  const systemCD = (world: World): World => {
    const ents = queryCD(world)
    for (let i = 0; i < ents.length; i++) {
      const eid = ents[i] as number
      const x = C.value[eid] as number
      C.value[eid] = D.value[eid] as number
      D.value[eid] = x
    }
    return world
  }
  const queryCE = defineQuery([C, E])
  const systemCE = (world: World): World => {
    const ents = queryCE(world)
    for (let i = 0; i < ents.length; i++) {
      const eid = ents[i] as number
      const x = C.value[eid] as number
      C.value[eid] = E.value[eid] as number
      E.value[eid] = x
    }
    return world
  }
  const make = (...cs: [ValueStore, number][]): void => {
    const e = addEntity(world)
    for (const [c, v] of cs) {
      addComponent(world, c, e)
      c.value[e] = v
    }
  }
  for (let i = 0; i < count; i++) {
    make([A, 0], [B, 1])
    make([A, 0], [B, 1], [C, 2])
    make([A, 0], [B, 1], [C, 2], [D, 3])
    make([A, 0], [B, 1], [C, 2], [E, 3])
  }
  const trackers = changedOf(changes, A, B, C, D, E)
  return op(world, pipe(systemAB, systemCD, systemCE), trackers)
}

export function fragIter(count: number, changes = false): () => void {
  const world = createWorld()
  const components = Array.from({ length: 26 }, defineValue)
  const Z = components[25] as ValueStore
  const Data = defineValue()
  const dataQuery = defineQuery([Data])
  const dataSystem = (world: World): World => {
    const ents = dataQuery(world)
    for (let i = 0; i < ents.length; i++) {
      const eid = ents[i] as number
      ;(Data.value[eid] as number) *= 2
    }
    return world
  }
  const zQuery = defineQuery([Z])
  const zSystem = (world: World): World => {
    const ents = zQuery(world)
    for (let i = 0; i < ents.length; i++) {
      const eid = ents[i] as number
      ;(Z.value[eid] as number) *= 2
    }
    return world
  }
  for (let i = 0; i < count; i++) {
    for (const component of components) {
      const e = addEntity(world)
      addComponent(world, Data, e)
      addComponent(world, component, e)
    }
  }
  if (changes) return op(world, (w) => zSystem(dataSystem(w)), changedOf(changes, Data, Z))
  return () => {
    dataSystem(world)
    zSystem(world)
  }
}

export function entityCycle(count: number, changes = false): () => void {
  const world = createWorld()
  const A = defineValue()
  const B = defineValue()
  const queryA = defineQuery([A])
  const spawnB = (world: World): World => {
    const ents = queryA(world)
    for (let i = 0; i < ents.length; i++) {
      const eid = addEntity(world)
      addComponent(world, B, eid)
      B.value[eid] = A.value[ents[i] as number] as number
    }
    return world
  }
  const queryB = defineQuery([B])
  const killB = (world: World): World => {
    const ents = queryB(world)
    for (let i = 0; i < ents.length; i++) removeEntity(world, ents[i] as number)
    return world
  }
  for (let i = 0; i < count; i++) {
    const eid = addEntity(world)
    addComponent(world, A, eid)
    A.value[eid] = i
  }
  const trackers = enterExitOf(changes, B)
  return op(world, pipe(spawnB, killB), trackers)
}

export function addRemove(count: number, changes = false): () => void {
  const world = createWorld()
  const A = defineComponent()
  const B = defineComponent()
  const queryA = defineQuery([A])
  const addB = (world: World): World => {
    const ents = queryA(world)
    for (let i = 0; i < ents.length; i++) addComponent(world, B, ents[i] as number)
    return world
  }
  const queryB = defineQuery([B])
  const removeB = (world: World): World => {
    const ents = queryB(world)
    for (let i = 0; i < ents.length; i++) removeComponent(world, B, ents[i] as number)
    return world
  }
  for (let i = 0; i < count; i++) addComponent(world, A, addEntity(world))
  const trackers = enterExitOf(changes, B)
  return op(world, pipe(addB, removeB), trackers)
}
