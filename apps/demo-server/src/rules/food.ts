import type { Rng, World } from '@orrery/ecs'
import {
  Body,
  FOOD_MASS_MAX,
  FOOD_MASS_MIN,
  Food,
  massToRadius,
  Player,
  TARGET_FOOD_COUNT,
  worldSizeOf,
} from '@orrery/demo-shared'

/**
 * Tops the food up to 600 while at least one player is connected: each new food weighs 2 or 3 and
 * sits at a uniform random position in [r, side − r) (side: the world's size, see `worldSizeOf`).
 *
 * @param world - the server world, inside a transaction
 * @param rng - the random stream to draw masses and positions from (the same stream state gives the same layout)
 * @returns the number of food entities created
 * @throws EcsError 'ERR_NO_TRANSACTION' when called outside a transaction of a tracking world
 * @example
 * spawnFood(world, createRng(42))
 * @see reference `spawn_food`
 */
export function spawnFood(world: World, rng: Rng): number {
  if (world.count(Player) === 0) return 0
  let count = world.count(Food)
  let created = 0
  const side = worldSizeOf(world)
  while (count < TARGET_FOOD_COUNT) {
    const mass = rng.int(FOOD_MASS_MIN, FOOD_MASS_MAX)
    const r = massToRadius(mass)
    const x = rng.range(r, side - r)
    const y = rng.range(r, side - r)
    const e = world.create()
    world.add(e, Body, { x, y, mass })
    world.add(e, Food)
    count++
    created++
  }
  return created
}
