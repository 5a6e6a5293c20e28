import type { Entity, World } from '@orrery/ecs'
import { Circle, SPLIT_RECOMBINE_DELAY_SEC } from '@orrery/demo-shared'
import { RecombineTimer } from '../components.js'
import { tryConsume } from './consume.js'
import { circlesOf } from './spawn.js'

/**
 * Recombines a player's circles whose last split is at least 5 s old: when there are two or more,
 * the first (lowest entity index) consumes the others.
 *
 * @param world - the server world, inside a transaction
 * @param playerId - the player's entity
 * @param timestamp - now, in ms since epoch
 * @returns the number of circles consumed into the first
 * @throws EcsError 'ERR_NO_TRANSACTION' when called outside a transaction of a tracking world
 * @example
 * circleRecombine(world, player, ctx.timestamp)
 * @see reference `circle_recombine`
 */
export function circleRecombine(world: World, playerId: Entity, timestamp: number): number {
  const ready = circlesOf(world, playerId).filter(
    (e) => timestamp - world.read(e, Circle, 'lastSplitAt') >= SPLIT_RECOMBINE_DELAY_SEC * 1000,
  )
  if (ready.length <= 1) return 0
  const base = ready[0] as Entity
  let merged = 0
  for (let i = 1; i < ready.length; i++) {
    if (tryConsume(world, ready[i] as Entity, base)) merged++
  }
  return merged
}

/**
 * Fires the recombine timers that are due: each due {@link RecombineTimer} is removed and its player's
 * circles recombine.
 *
 * @param world - the server world, inside a transaction
 * @param timestamp - now, in ms since epoch
 * @returns the number of timers fired
 * @throws EcsError 'ERR_NO_TRANSACTION' when called outside a transaction of a tracking world
 * @example
 * runDueRecombines(world, ctx.timestamp)
 * @see reference `CircleRecombineTimer` (scheduled reducer)
 */
export function runDueRecombines(world: World, timestamp: number): number {
  const timers = world.query([RecombineTimer])
  if (timers.count === 0) return 0
  let fired = 0
  for (const timer of timers.toArray()) {
    if (world.read(timer, RecombineTimer, 'at') > timestamp) continue
    const playerId = world.read(timer, RecombineTimer, 'playerId')
    world.destroy(timer)
    circleRecombine(world, playerId, timestamp)
    fired++
  }
  return fired
}
