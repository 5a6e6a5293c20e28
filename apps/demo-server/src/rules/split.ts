import type { Entity, World } from '@orrery/ecs'
import { Body, Circle, canSplit, hasRoomToSplit, SPLIT_RECOMBINE_DELAY_SEC } from '@orrery/demo-shared'
import { RecombineTimer } from '../components.js'
import { circlesOf, spawnCircleAt } from './spawn.js'

/**
 * Splits every circle of a player that weighs at least 60: half its mass (floored) goes to a new circle
 * at its position plus its direction, both record the split time, and a recombine is scheduled 5 s later.
 * Does nothing when the player already owns 16 circles, and stops at 16.
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
  const circles = circlesOf(world, playerId)
  let count = circles.length
  if (!hasRoomToSplit(count)) return 0
  let created = 0
  for (const e of circles) {
    const mass = world.read(e, Body, 'mass')
    if (!canSplit(mass)) continue
    const half = Math.floor(mass / 2)
    spawnCircleAt(
      world,
      playerId,
      half,
      world.read(e, Body, 'x') + world.read(e, Circle, 'dirX'),
      world.read(e, Body, 'y') + world.read(e, Circle, 'dirY'),
      timestamp,
    )
    world.set(e, Body, 'mass', mass - half)
    world.set(e, Circle, 'lastSplitAt', timestamp)
    created++
    count++
    if (!hasRoomToSplit(count)) break
  }
  world.add(world.create(), RecombineTimer, { playerId, at: timestamp + SPLIT_RECOMBINE_DELAY_SEC * 1000 })
  return created
}
