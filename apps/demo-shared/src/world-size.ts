import type { Query, World } from '@orrery/ecs'
import { Config } from './components.js'
import { WORLD_SIZE } from './constants.js'

/** Each world's query over {@link Config}, made once (the movement step reads the size every tick). */
const configQueries = new WeakMap<World, Query>()

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
  let query = configQueries.get(world)
  if (query === undefined) {
    query = world.query([Config])
    configQueries.set(world, query)
  }
  const row = query.count === 0 ? undefined : query.snapshot()[0]
  return row === undefined ? WORLD_SIZE : world.read(row, Config, 'worldSize')
}
