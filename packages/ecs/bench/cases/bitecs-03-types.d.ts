// bitECS 0.3.34 ships its types as `declare module 'bitecs'` behind an `exports` map without a
// `types` condition; these are the parts the benchmark uses, under the alias it is installed as.
declare module 'bitecs-03' {
  export type World = object
  export type Component = object
  export type Query = (world: World, clearDiff?: boolean) => number[]
  export type QueryModifier = (c: Component[]) => (world: World) => Component
  export const Types: { readonly i32: 'i32' }
  export function createWorld(): World
  export function addEntity(world: World): number
  export function removeEntity(world: World, eid: number): void
  export function defineComponent(schema?: object): Component
  export function addComponent(world: World, component: Component, eid: number): void
  export function removeComponent(world: World, component: Component, eid: number): void
  export function defineQuery(components: (Component | QueryModifier)[]): Query
  export function Changed(c: Component): QueryModifier
  export function enterQuery(query: Query): Query
  export function exitQuery(query: Query): Query
  export function pipe<T>(...fns: ((input: T) => T)[]): (input: T) => T
}
