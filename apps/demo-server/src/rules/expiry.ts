import type { Entity, World } from '@orrery/ecs'
import { LoggedOutCircle, LoggedOutPlayer } from '@orrery/demo-shared'
import { LoggedOutAt } from '../components.js'

/** How long a logged-out player is kept for its return by default: 30 minutes, in ms. */
export const DEFAULT_LOGGED_OUT_EXPIRY_MS = 30 * 60 * 1000

/** How often the module looks for expired logged-out players, ms. */
export const EXPIRY_INTERVAL_MS = 10_000

/**
 * Removes the logged-out players who left at least `expiryMs` ago, with their circles: an identity that
 * returns within the expiry gets everything back, one that returns later starts as a new player. A
 * logged-out player without a {@link LoggedOutAt} row (a world written before expiry existed) gets one
 * now, so it is kept for a full expiry from here.
 *
 * @param world - the server world, inside a transaction
 * @param timestamp - now, in ms since epoch
 * @param expiryMs - how long a logged-out player is kept, ms
 * @returns the number of players removed
 * @throws EcsError 'ERR_NO_TRANSACTION' when called outside a transaction of a tracking world
 * @example
 * expireLoggedOutPlayers(world, ctx.timestamp, DEFAULT_LOGGED_OUT_EXPIRY_MS)
 */
export function expireLoggedOutPlayers(world: World, timestamp: number, expiryMs: number): number {
  let removed = 0
  for (const player of world.query([LoggedOutPlayer]).toArray()) {
    if (!world.has(player, LoggedOutAt)) {
      world.add(player, LoggedOutAt, { at: timestamp })
      continue
    }
    if (timestamp - world.read(player, LoggedOutAt, 'at') < expiryMs) continue
    for (const circle of world.findAll(LoggedOutCircle, 'playerId', player).slice()) world.destroy(circle as Entity)
    world.destroy(player)
    removed++
  }
  return removed
}
