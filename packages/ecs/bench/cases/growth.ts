/**
 * Accessors through growth: a world of 20,000 moving entities, its system's accessors and query
 * created either at the default capacity (1,024 entity indexes, before the world grows to 20,000)
 * or after the world has grown. Both should run at the same speed.
 */
import { type Entity, createWorld, defineComponent } from '../../src/index.js'

/** Entities in the grown world. */
export const GROWTH_COUNT = 20_000

export function growthMove(accessorsFirst: boolean): () => void {
  const world = createWorld({ trackChanges: false })
  const Body = defineComponent('Body', { x: 'f64', y: 'f64' })
  const Velocity = defineComponent('Velocity', { x: 'f64', y: 'f64' })
  const spawn = (): void => {
    for (let i = 0; i < GROWTH_COUNT; i++) {
      const e = world.create()
      world.add(e, Body, { x: i, y: -i })
      world.add(e, Velocity, { x: (i % 7) - 3, y: (i % 5) - 2 })
    }
  }
  if (!accessorsFirst) spawn()
  const moving = world.query([Body, Velocity])
  const x = world.field(Body, 'x')
  const y = world.field(Body, 'y')
  const vx = world.field(Velocity, 'x')
  const vy = world.field(Velocity, 'y')
  if (accessorsFirst) spawn()
  return moving.system((ents) => {
    for (let i = 0; i < ents.length; i++) {
      const e = ents[i] as Entity
      x.set(e, x.get(e) + vx.get(e))
      y.set(e, y.get(e) + vy.get(e))
    }
  })
}
