import type { Entity, World } from '@orrery/ecs'
import {
  Body,
  Circle,
  canConsume,
  FOOD_MASS_MAX,
  Food,
  isOverlapping,
  massToRadius,
  moveCircles,
} from '@orrery/demo-shared'
import { tryConsume } from './consume.js'

/** What one move step ate. */
export interface MoveResult {
  /** Food entities eaten in this step. */
  foodEaten: number
  /** Circles of other players eaten in this step. */
  circlesEaten: number
}

/** Buffers reused across steps so the collision pass allocates nothing per circle. */
interface CollideScratch {
  circles: Entity[]
  candidates: Entity[]
}

const scratchByWorld = new WeakMap<World, CollideScratch>()

/** The largest radius food can have, so a collision query never misses food bigger than a circle. */
const MAX_FOOD_RADIUS = Math.sqrt(FOOD_MASS_MAX - 1)

function scratchFor(world: World): CollideScratch {
  let s = scratchByWorld.get(world)
  if (s === undefined) {
    s = { circles: [], candidates: [] }
    scratchByWorld.set(world, s)
  }
  return s
}

/**
 * Checks one circle against the bodies around it and eats what it may: food, and other players'
 * circles lighter than 0.85 of its mass. Each consume is its own nested transaction.
 */
function collide(world: World, s: CollideScratch, circle: Entity, result: MoveResult): void {
  const x = world.read(circle, Body, 'x')
  const y = world.read(circle, Body, 'y')
  const mass = world.read(circle, Body, 'mass')
  const owner = world.read(circle, Circle, 'playerId')
  const reach = Math.max(massToRadius(mass), MAX_FOOD_RADIUS)
  s.candidates.length = 0
  const candidates = world.queryRadius(Body, x, y, reach, s.candidates)
  for (let k = 0; k < candidates.length; k++) {
    const other = candidates[k] as Entity
    if (other === circle || !world.isAlive(other) || !world.has(other, Body)) continue
    const otherMass = world.read(other, Body, 'mass')
    if (!isOverlapping(x, y, mass, world.read(other, Body, 'x'), world.read(other, Body, 'y'), otherMass)) continue
    if (world.has(other, Food)) {
      if (tryConsume(world, other, circle)) result.foodEaten++
    } else if (
      world.has(other, Circle) &&
      world.read(other, Circle, 'playerId') !== owner &&
      canConsume(otherMass, mass)
    ) {
      if (tryConsume(world, other, circle)) result.circlesEaten++
    }
  }
}

/**
 * One move step (every 50 ms): the shared movement step ({@link moveCircles}: steering, self-collision,
 * world bounds), then the authoritative collisions on the moved positions.
 *
 * @param world - the server world, inside a transaction
 * @param timestamp - now, in ms since epoch (for the time since each circle's last split)
 * @returns the number of food entities and circles eaten in this step
 * @throws EcsError 'ERR_NO_TRANSACTION' when called outside a transaction of a tracking world
 * @example
 * world.transaction(() => moveAllPlayers(world, Date.now()))
 * @see reference `move_all_players`
 */
export function moveAllPlayers(world: World, timestamp: number): MoveResult {
  const s = scratchFor(world)
  const result: MoveResult = { foodEaten: 0, circlesEaten: 0 }
  s.circles.length = 0
  world.query([Body, Circle]).forEach((e) => {
    s.circles.push(e)
  })
  moveCircles(world, timestamp)
  for (const e of s.circles) {
    if (world.isAlive(e) && world.has(e, Circle)) collide(world, s, e, result)
  }
  return result
}
