import { createWorld, defineComponent, type Entity, type World } from '@orrery/ecs'
import type { PredictionModel, StepContext } from '../prediction-model.js'

/** A unit's position (f32, like the demo's Body, so rounding is part of what must match) and mass. */
export const Body = defineComponent('Body', { x: 'f32', y: 'f32', mass: 'u32' })
/** A unit of a player: owner, heading, and when it last split (ms). */
export const Unit = defineComponent('Unit', { owner: 'u32', dirX: 'f32', dirY: 'f32', splitAt: 'f64' }, { index: ['owner'] })

export const components = [Body, Unit] as const

/** Inputs of the toy game: steer every own unit, or split every unit of mass ≥ 4 in two. */
export type ToyInput = { readonly kind: 'steer'; readonly dirX: number; readonly dirY: number } | { readonly kind: 'split' }

export const WORLD = 1000
export const SPEED = 10

/** Units of `owner`, sorted by entity id. */
export function unitsOf(world: World, owner: number): readonly Entity[] {
  return world.findAll(Unit, 'owner', owner)
}

/** The effect of an input (what the server's reducer does). */
export function applyToyInput(world: World, owner: number, input: ToyInput, time: number): void {
  const units = unitsOf(world, owner).slice()
  if (input.kind === 'steer') {
    const len = Math.hypot(input.dirX, input.dirY)
    const k = len > 1 ? 1 / len : 1
    for (const e of units) {
      world.set(e, Unit, 'dirX', input.dirX * k)
      world.set(e, Unit, 'dirY', input.dirY * k)
    }
    return
  }
  for (const e of units) {
    const mass = world.read(e, Body, 'mass')
    if (mass < 4) continue
    const half = Math.floor(mass / 2)
    world.set(e, Body, 'mass', mass - half)
    world.set(e, Unit, 'splitAt', time)
    const child = world.create()
    world.add(child, Body, {
      x: clamp(world.read(e, Body, 'x') + 20),
      y: world.read(e, Body, 'y'),
      mass: half,
    })
    world.add(child, Unit, { owner, dirX: world.read(e, Unit, 'dirX'), dirY: world.read(e, Unit, 'dirY'), splitAt: time })
  }
}

function clamp(v: number): number {
  return Math.min(WORLD, Math.max(0, v))
}

/** One tick (what the server's system does): move, slower when heavier and faster just after a split; push own units apart. */
export function toyStep(world: World, time: number): void {
  world.query([Body, Unit]).forEach((e) => {
    const mass = world.read(e, Body, 'mass')
    const boost = time - world.read(e, Unit, 'splitAt') < 200 ? 2 : 1
    const speed = (SPEED * boost) / Math.sqrt(1 + mass / 10)
    world.set(e, Body, 'x', clamp(world.read(e, Body, 'x') + world.read(e, Unit, 'dirX') * speed))
    world.set(e, Body, 'y', clamp(world.read(e, Body, 'y') + world.read(e, Unit, 'dirY') * speed))
  })
  const all = world.query([Body, Unit]).toArray()
  for (let i = 0; i < all.length; i++) {
    for (let j = i + 1; j < all.length; j++) {
      const a = all[i] as Entity
      const b = all[j] as Entity
      const dx = world.read(b, Body, 'x') - world.read(a, Body, 'x')
      if (Math.abs(dx) < 5 && Math.abs(world.read(b, Body, 'y') - world.read(a, Body, 'y')) < 5) {
        world.set(b, Body, 'x', clamp(world.read(b, Body, 'x') + (dx >= 0 ? 1 : -1)))
      }
    }
  }
}

/** The toy game as a prediction model for the client owning `owner`. */
export function toyModel(owner: number): PredictionModel<ToyInput> {
  return {
    components,
    applyInput: (world, input, ctx: StepContext) => applyToyInput(world, owner, input, ctx.time),
    step: (world, ctx) => toyStep(world, ctx.time),
    position(world, e, out) {
      if (!world.has(e, Body)) return false
      out[0] = world.read(e, Body, 'x')
      out[1] = world.read(e, Body, 'y')
      out[2] = Math.sqrt(world.read(e, Body, 'mass'))
      return true
    },
  }
}

export function newToyWorld(): World {
  return createWorld({ components, trackChanges: false })
}
