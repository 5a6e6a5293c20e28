import type { Entity, World } from '@orrery/ecs'
import { hasRoomToSplit, SPLIT_RECOMBINE_DELAY_SEC, splitCircles } from '@orrery/demo-shared'
import { RecombineTimer } from '../components.js'
import { circlesOf } from './spawn.js'

/**
 * Splits every circle of a player that weighs at least 60 ({@link splitCircles}, shared with the client's
 * prediction) and, when a circle split, schedules a recombine 5 s later. Does nothing when the player already
 * owns 16 circles or no circle weighs 60.
 *
 * @param world - the server world, inside a transaction
 * @param playerId - the player's entity
 * @param timestamp - now, in ms since epoch
 * @returns the number of circles created
 * @throws EcsError 'ERR_NO_TRANSACTION' when called outside a transaction of a tracking world
 * @example
 * playerSplit(world, player, ctx.timestamp)
 * @see reference `player_split`
 */
export function playerSplit(world: World, playerId: Entity, timestamp: number): number {
  if (!hasRoomToSplit(circlesOf(world, playerId).length)) return 0
  const created = splitCircles(world, playerId, timestamp)
  // No split, no recombine: a timer without a split would merge circles that were never split.
  if (created === 0) return 0
  world.add(world.create(), RecombineTimer, { playerId, at: timestamp + SPLIT_RECOMBINE_DELAY_SEC * 1000 })
  return created
}
