import type { Entity, World } from '@orrery/ecs'
import { Body, Circle, snapDirection, snapPosition } from './components.js'
import { canSplit, hasRoomToSplit } from './formulas.js'

/**
 * Creates a circle of a player at a position: a new entity with a {@link Body} and a {@link Circle}
 * heading (0, 1) at speed 0.
 *
 * @param world - a world with Body and Circle (inside a transaction when it tracks changes)
 * @param playerId - the owning player's entity
 * @param mass - mass of the new circle
 * @param x - x of the centre, in world units
 * @param y - y of the centre, in world units
 * @param timestamp - the split time to record, in ms since epoch
 * @returns the new circle's entity
 * @throws EcsError 'ERR_NO_TRANSACTION' when called outside a transaction of a tracking world
 * @example
 * spawnCircleAt(world, player, 15, 500, 500, Date.now())
 * @see reference `spawn_circle_at`
 */
export function spawnCircleAt(
  world: World,
  playerId: Entity,
  mass: number,
  x: number,
  y: number,
  timestamp: number,
): Entity {
  const e = world.create()
  world.add(e, Body, { x: snapPosition(x), y: snapPosition(y), mass })
  world.add(e, Circle, { playerId, dirX: 0, dirY: 1, speed: 0, lastSplitAt: timestamp })
  return e
}

/**
 * The circles of a split, shared by the server and the client's prediction: every circle of the player
 * that weighs at least 60 gives half its mass (floored) to a new circle at its position plus its
 * direction, and both record the split time; it stops at 16 circles. The server adds the recombine timer.
 *
 * @param world - a world with Body and Circle (inside a transaction when it tracks changes)
 * @param playerId - the player's entity
 * @param timestamp - now, in ms since epoch
 * @returns the number of circles created (0 when the player already owns 16)
 * @throws EcsError 'ERR_NO_TRANSACTION' when called outside a transaction of a tracking world
 * @example
 * splitCircles(world, player, Date.now())
 * @see reference `player_split`
 */
export function splitCircles(world: World, playerId: Entity, timestamp: number): number {
  const circles = world.findAll(Circle, 'playerId', playerId).slice()
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
      world.read(e, Body, 'x') + snapDirection(world.read(e, Circle, 'dirX')),
      world.read(e, Body, 'y') + snapDirection(world.read(e, Circle, 'dirY')),
      timestamp,
    )
    world.set(e, Body, 'mass', mass - half)
    world.set(e, Circle, 'lastSplitAt', timestamp)
    created++
    count++
    if (!hasRoomToSplit(count)) break
  }
  return created
}
