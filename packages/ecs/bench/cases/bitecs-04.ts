/**
 * The five scenarios for bitECS 0.4.0, written like the public suite's bitECS cases (noctjs/ecs-benchmark, src/cases/bitecs) against the
 * bitECS 0.4 API: components are user-defined objects of typed arrays, `query(world, [A, B])`.
 */
import { addComponent, addEntity, createWorld, query, removeComponent, removeEntity } from 'bitecs'

const SIZE = 8192
const i32 = (): { value: Int32Array } => ({ value: new Int32Array(SIZE) })

export function packed5(count: number, step: 'double' | 'increment' = 'double'): () => void {
  const world = createWorld()
  const A = i32()
  const B = i32()
  const C = i32()
  const D = i32()
  const E = i32()
  for (let i = 0; i < count; i++) {
    const e = addEntity(world)
    addComponent(world, e, A)
    addComponent(world, e, B)
    addComponent(world, e, C)
    addComponent(world, e, D)
    addComponent(world, e, E)
  }
  // One system per component, one function each, as the suite writes its bitECS case.
  const doubler = (C: { value: Int32Array }) => (): void => {
    const ents = query(world, [C])
    for (let i = 0; i < ents.length; i++) (C.value[ents[i] as number] as number) *= 2
  }
  const incrementer = (C: { value: Int32Array }) => (): void => {
    const ents = query(world, [C])
    for (let i = 0; i < ents.length; i++) (C.value[ents[i] as number] as number) += 1
  }
  const make = step === 'double' ? doubler : incrementer
  const sA = make(A)
  const sB = make(B)
  const sC = make(C)
  const sD = make(D)
  const sE = make(E)
  return () => {
    sA()
    sB()
    sC()
    sD()
    sE()
  }
}

export function simpleIter(count: number): () => void {
  const world = createWorld()
  const [A, B, C, D, E] = [i32(), i32(), i32(), i32(), i32()]
  const make = (...cs: [{ value: Int32Array }, number][]): void => {
    const e = addEntity(world)
    for (const [c, v] of cs) {
      addComponent(world, e, c)
      c.value[e] = v
    }
  }
  for (let i = 0; i < count; i++) {
    make([A, 0], [B, 1])
    make([A, 0], [B, 1], [C, 2])
    make([A, 0], [B, 1], [C, 2], [D, 3])
    make([A, 0], [B, 1], [C, 2], [E, 3])
  }
  const swapper = (X: { value: Int32Array }, Y: { value: Int32Array }) => (): void => {
    const ents = query(world, [X, Y])
    for (let i = 0; i < ents.length; i++) {
      const eid = ents[i] as number
      const t = X.value[eid] as number
      X.value[eid] = Y.value[eid] as number
      Y.value[eid] = t
    }
  }
  const sAB = swapper(A, B)
  const sCD = swapper(C, D)
  const sCE = swapper(C, E)
  return () => {
    sAB()
    sCD()
    sCE()
  }
}

export function fragIter(count: number): () => void {
  const world = createWorld()
  const comps = Array.from({ length: 26 }, i32)
  const Z = comps[25] as { value: Int32Array }
  const Data = i32()
  for (let i = 0; i < count; i++) {
    for (const c of comps) {
      const e = addEntity(world)
      addComponent(world, e, Data)
      addComponent(world, e, c)
    }
  }
  const doubler = (C: { value: Int32Array }) => (): void => {
    const ents = query(world, [C])
    for (let i = 0; i < ents.length; i++) (C.value[ents[i] as number] as number) *= 2
  }
  const sData = doubler(Data)
  const sZ = doubler(Z)
  return () => {
    sData()
    sZ()
  }
}

export function entityCycle(count: number): () => void {
  const world = createWorld()
  const A = i32()
  const B = i32()
  for (let i = 0; i < count; i++) {
    const e = addEntity(world)
    addComponent(world, e, A)
    A.value[e] = i
  }
  const spawnB = (): void => {
    const as = query(world, [A])
    for (let i = 0; i < as.length; i++) {
      const e = addEntity(world)
      addComponent(world, e, B)
      B.value[e] = A.value[as[i] as number] as number
    }
  }
  const destroyB = (): void => {
    const bs = query(world, [B])
    for (let i = 0; i < bs.length; i++) removeEntity(world, bs[i] as number)
  }
  return () => {
    spawnB()
    destroyB()
  }
}

export function addRemove(count: number): () => void {
  const world = createWorld()
  const A = {}
  const B = {}
  for (let i = 0; i < count; i++) addComponent(world, addEntity(world), A)
  const addB = (): void => {
    const as = query(world, [A])
    for (let i = 0; i < as.length; i++) addComponent(world, as[i] as number, B)
  }
  const removeB = (): void => {
    const bs = query(world, [B])
    for (let i = 0; i < bs.length; i++) removeComponent(world, bs[i] as number, B)
  }
  return () => {
    addB()
    removeB()
  }
}
