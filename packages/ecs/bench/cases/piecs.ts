/**
 * The five scenarios for piecs 0.4.0, in the public suite's own style (src/cases/piecs):
 * component ids with user-owned typed arrays, prefabricated archetypes, `createEntitySystem`,
 * `world.update()`.
 */
import { World, createEntitySystem } from 'piecs'

interface Store {
  id: number
  arr: Uint32Array | Int32Array
}

export function packed5(count: number): () => void {
  const world = new World()
  const make = (): Store => ({ id: world.createComponentId(), arr: new Uint32Array(count).fill(1) })
  const A = make()
  const B = make()
  const C = make()
  const D = make()
  const E = make()
  const prefab = world.prefabricate([A, B, C, D, E])
  world
    .registerSystem(
      createEntitySystem(
        function systemAp5(entities) {
          for (let i = 0, l = entities.length; i < l; i++) (A.arr[entities[i] as number] as number) *= 2
        },
        (q) => q.every(A),
      ),
    )
    .registerSystem(
      createEntitySystem(
        function systemBp5(entities) {
          for (let i = 0, l = entities.length; i < l; i++) (B.arr[entities[i] as number] as number) *= 2
        },
        (q) => q.every(B),
      ),
    )
    .registerSystem(
      createEntitySystem(
        function systemCp5(entities) {
          for (let i = 0, l = entities.length; i < l; i++) (C.arr[entities[i] as number] as number) *= 2
        },
        (q) => q.every(C),
      ),
    )
    .registerSystem(
      createEntitySystem(
        function systemDp5(entities) {
          for (let i = 0, l = entities.length; i < l; i++) (D.arr[entities[i] as number] as number) *= 2
        },
        (q) => q.every(D),
      ),
    )
    .registerSystem(
      createEntitySystem(
        function systemEp5(entities) {
          for (let i = 0, l = entities.length; i < l; i++) (E.arr[entities[i] as number] as number) *= 2
        },
        (q) => q.every(E),
      ),
    )
    .initialize()
  for (let i = 0; i < count; i++) world.createEntity(prefab)
  return function packed5() {
    world.update()
  }
}

export function simpleIter(count: number): () => void {
  const world = new World()
  const make = (): Store => ({ id: world.createComponentId(), arr: new Uint32Array(count * 4).fill(0) })
  const A = make()
  const B = make()
  const C = make()
  const D = make()
  const E = make()
  const prefabAB = world.prefabricate([A, B])
  const prefabABC = world.prefabricate([A, B, C])
  const prefabABCD = world.prefabricate([A, B, C, D])
  const prefabABCE = world.prefabricate([A, B, C, E])
  world
    .registerSystem(
      createEntitySystem(
        function systemAB(entities) {
          for (let i = 0, l = entities.length; i < l; i++) {
            const entity = entities[i] as number
            const a = A.arr[entity] as number
            const b = B.arr[entity] as number
            A.arr[entity] = b
            B.arr[entity] = a
          }
        },
        (q) => q.every(A, B),
      ),
    )
    .registerSystem(
      createEntitySystem(
        function systemCD(entities) {
          for (let i = 0, l = entities.length; i < l; i++) {
            const entity = entities[i] as number
            const c = C.arr[entity] as number
            const d = D.arr[entity] as number
            C.arr[entity] = d
            D.arr[entity] = c
          }
        },
        (q) => q.every(C, D),
      ),
    )
    .registerSystem(
      createEntitySystem(
        function systemCE(entities) {
          for (let i = 0, l = entities.length; i < l; i++) {
            const entity = entities[i] as number
            const c = C.arr[entity] as number
            const e = E.arr[entity] as number
            C.arr[entity] = e
            E.arr[entity] = c
          }
        },
        (q) => q.every(C, E),
      ),
    )
    .initialize()
  for (let i = 0; i < count; i++) {
    world.createEntity(prefabAB)
    world.createEntity(prefabABC)
    world.createEntity(prefabABCD)
    world.createEntity(prefabABCE)
  }
  return function simpleIter() {
    world.update()
  }
}

export function fragIter(count: number): () => void {
  const world = new World()
  const components: number[] = []
  for (let i = 0; i < 26; i++) components.push(world.createComponentId())
  const Z: Store = { id: components[25] as number, arr: new Int32Array(count) }
  const Data: Store = { id: world.createComponentId(), arr: new Int32Array(count * 26) }
  const prefabs = components.map((c) => world.prefabricate([Data, c]))
  world
    .registerSystem(
      createEntitySystem(
        function dataSystem(entities) {
          for (let i = 0, l = entities.length; i < l; i++) (Data.arr[entities[i] as number] as number) *= 2
        },
        (q) => q.every(Data),
      ),
    )
    .registerSystem(
      createEntitySystem(
        function zSystem(entities) {
          for (let i = 0, l = entities.length; i < l; i++) (Z.arr[entities[i] as number] as number) *= 2
        },
        (q) => q.every(Z),
      ),
    )
    .initialize()
  for (let i = 0; i < count; i++) for (const prefab of prefabs) world.createEntity(prefab)
  return function fragIter() {
    world.update()
  }
}

export function entityCycle(count: number): () => void {
  const world = new World()
  const A = world.createComponentId()
  const B = world.createComponentId()
  const prefabA = world.prefabricate([A])
  const prefabB = world.prefabricate([B])
  world
    .registerSystem(
      createEntitySystem(
        function spawnBs(entities, world) {
          for (let i = 0, l = entities.length; i < l; i++) world.createEntity(prefabB)
        },
        (q) => q.every(A),
      ),
    )
    .registerSystem(
      createEntitySystem(
        function deleteBs(entities, world) {
          for (let i = entities.length - 1; i >= 0; i--) world.deleteEntity(entities[i] as number)
        },
        (q) => q.every(B),
      ),
    )
    .initialize()
  for (let i = 0; i < count; i++) world.createEntity(prefabA)
  return function entityCycle() {
    world.update()
  }
}

export function addRemove(count: number): () => void {
  const world = new World()
  const A = world.createComponentId()
  const B = world.createComponentId()
  const prefabA = world.prefabricate([A])
  world
    .registerSystem(
      createEntitySystem(
        function addB(entities, world) {
          for (let i = entities.length - 1; i >= 0; i--) world.addComponent(entities[i] as number, B)
        },
        (q) => q.every(A),
      ),
    )
    .registerSystem(
      createEntitySystem(
        function removeB(entities, world) {
          for (let i = entities.length - 1; i >= 0; i--) world.removeComponent(entities[i] as number, B)
        },
        (q) => q.every(B),
      ),
    )
    .initialize()
  for (let i = 0; i < count; i++) world.createEntity(prefabA)
  return function addRemove() {
    world.update()
  }
}
