/**
 * The five ecs-benchmark scenarios (noctjs/ecs-benchmark, src/cases/bitecs) written against the
 * bitECS 0.4 API: components are user-defined objects of typed arrays, `query(world, [A, B])`.
 */
import { addComponent, addEntity, createWorld, query, removeComponent, removeEntity } from 'bitecs'

const SIZE = 8192
const i32 = (): { value: Int32Array } => ({ value: new Int32Array(SIZE) })

export function packed5(count: number, step: 'double' | 'increment'): () => void {
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
  // One system per component, written out like the suite does.
  const double = () => {
    const a = query(world, [A])
    for (let i = 0; i < a.length; i++) (A.value[a[i] as number] as number) *= 2
    const b = query(world, [B])
    for (let i = 0; i < b.length; i++) (B.value[b[i] as number] as number) *= 2
    const c = query(world, [C])
    for (let i = 0; i < c.length; i++) (C.value[c[i] as number] as number) *= 2
    const d = query(world, [D])
    for (let i = 0; i < d.length; i++) (D.value[d[i] as number] as number) *= 2
    const e = query(world, [E])
    for (let i = 0; i < e.length; i++) (E.value[e[i] as number] as number) *= 2
  }
  const increment = () => {
    const a = query(world, [A])
    for (let i = 0; i < a.length; i++) (A.value[a[i] as number] as number) += 1
    const b = query(world, [B])
    for (let i = 0; i < b.length; i++) (B.value[b[i] as number] as number) += 1
    const c = query(world, [C])
    for (let i = 0; i < c.length; i++) (C.value[c[i] as number] as number) += 1
    const d = query(world, [D])
    for (let i = 0; i < d.length; i++) (D.value[d[i] as number] as number) += 1
    const e = query(world, [E])
    for (let i = 0; i < e.length; i++) (E.value[e[i] as number] as number) += 1
  }
  return step === 'double' ? double : increment
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
  return () => {
    const ab = query(world, [A, B])
    for (let i = 0; i < ab.length; i++) {
      const eid = ab[i] as number
      const t = A.value[eid] as number
      A.value[eid] = B.value[eid] as number
      B.value[eid] = t
    }
    const cd = query(world, [C, D])
    for (let i = 0; i < cd.length; i++) {
      const eid = cd[i] as number
      const t = C.value[eid] as number
      C.value[eid] = D.value[eid] as number
      D.value[eid] = t
    }
    const ce = query(world, [C, E])
    for (let i = 0; i < ce.length; i++) {
      const eid = ce[i] as number
      const t = C.value[eid] as number
      C.value[eid] = E.value[eid] as number
      E.value[eid] = t
    }
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
  return () => {
    const data = query(world, [Data])
    for (let i = 0; i < data.length; i++) (Data.value[data[i] as number] as number) *= 2
    const zs = query(world, [Z])
    for (let i = 0; i < zs.length; i++) (Z.value[zs[i] as number] as number) *= 2
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
  return () => {
    const as = query(world, [A])
    for (let i = 0; i < as.length; i++) {
      const e = addEntity(world)
      addComponent(world, e, B)
      B.value[e] = A.value[as[i] as number] as number
    }
    const bs = query(world, [B])
    for (let i = 0; i < bs.length; i++) removeEntity(world, bs[i] as number)
  }
}

export function addRemove(count: number): () => void {
  const world = createWorld()
  const A = {}
  const B = {}
  for (let i = 0; i < count; i++) addComponent(world, addEntity(world), A)
  return () => {
    const as = query(world, [A])
    for (let i = 0; i < as.length; i++) addComponent(world, as[i] as number, B)
    const bs = query(world, [B])
    for (let i = 0; i < bs.length; i++) removeComponent(world, bs[i] as number, B)
  }
}
