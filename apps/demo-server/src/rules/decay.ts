import type { World } from '@orrery/ecs'
import { Body, Circle, DECAY_FACTOR, START_PLAYER_MASS } from '@orrery/demo-shared'

/**
 * Decays every circle heavier than 15: mass = ⌊mass · 0.99⌋ (every 5 s).
 *
 * @param world - the server world, inside a transaction
 * @returns the number of circles that lost mass
 * @throws EcsError 'ERR_NO_TRANSACTION' when called outside a transaction of a tracking world
 * @example
 * circleDecay(world)
 * @see reference `circle_decay`
 */
export function circleDecay(world: World): number {
  let decayed = 0
  for (const e of world.query([Body, Circle]).toArray()) {
    const mass = world.read(e, Body, 'mass')
    if (mass <= START_PLAYER_MASS) continue
    world.set(e, Body, 'mass', Math.floor(mass * DECAY_FACTOR))
    decayed++
  }
  return decayed
}
