import type { World } from '@orrery/ecs'
import { Config } from './components.js'
import { WORLD_SIZE } from './constants.js'

/**
 * The side of `world`'s square arena: the `worldSize` of its {@link Config} row, or {@link WORLD_SIZE} (the
 * reference's 1000) while it has none (a replica whose Config row has not arrived, a world built by hand).
 *
 * @param world - a server world or a replica's world
 * @returns the side, world units (the arena spans [0, side) on both axes)
 * @example
 * const side = worldSizeOf(client.replica.world)
 * @see reference `config.world_size`
 */
export function worldSizeOf(world: World): number {
  if (world.count(Config) === 0) return WORLD_SIZE
  const row = world.query([Config]).snapshot()[0]
  return row === undefined ? WORLD_SIZE : world.read(row, Config, 'worldSize')
}
