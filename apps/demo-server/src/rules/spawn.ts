import type { Entity, World } from '@orrery/ecs'
import { Circle, massToRadius, START_PLAYER_MASS, spawnCircleAt, worldSizeOf } from '@orrery/demo-shared'

export { spawnCircleAt }

/**
 * Spawns a player's first circle (mass 15) at a uniform random position in [r, side − r) from `world.rng`
 * (side: the world's size, see `worldSizeOf`).
 *
 * @param world - the server world, inside a transaction
 * @param playerId - the owning player's entity
 * @param timestamp - now, in ms since epoch
 * @returns the new circle's entity
 * @throws EcsError 'ERR_NO_TRANSACTION' when called outside a transaction of a tracking world
 * @example
 * spawnInitialCircle(world, player, ctx.timestamp)
 * @see reference `spawn_player_initial_circle`
 */
export function spawnInitialCircle(world: World, playerId: Entity, timestamp: number): Entity {
  const r = massToRadius(START_PLAYER_MASS)
  const side = worldSizeOf(world)
  const x = world.rng.range(r, side - r)
  const y = world.rng.range(r, side - r)
  return spawnCircleAt(world, playerId, START_PLAYER_MASS, x, y, timestamp)
}

/**
 * The circles a player owns, as a fresh array (safe to keep while the world changes).
 *
 * @param world - the world
 * @param playerId - the player's entity
 * @returns the entities of the player's live circles, in index order
 * @example
 * const circles = circlesOf(world, player)
 */
export function circlesOf(world: World, playerId: Entity): Entity[] {
  return world.findAll(Circle, 'playerId', playerId).slice()
}
