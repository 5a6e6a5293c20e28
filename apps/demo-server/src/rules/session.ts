import type { Entity, World } from '@orrery/ecs'
import { Body, Circle, LoggedOutCircle, LoggedOutPlayer, Player } from '@orrery/demo-shared'
import { LoggedOutAt } from '../components.js'

/**
 * Brings a connecting identity into the live world: a returning identity gets its logged-out player and
 * circles back (same entities), a new one gets a {@link Player} with an empty name. An identity that is
 * already live keeps its player.
 *
 * @param world - the server world, inside a transaction
 * @param identity - the connecting identity
 * @returns the player's entity
 * @throws EcsError 'ERR_NO_TRANSACTION' when called outside a transaction of a tracking world
 * @example
 * const player = playerConnected(world, ctx.sender)
 * @see reference `connect` (client_connected reducer)
 */
export function playerConnected(world: World, identity: string): Entity {
  const live = world.findUnique(Player, 'identity', identity)
  if (live !== undefined) return live
  const away = world.findUnique(LoggedOutPlayer, 'identity', identity)
  if (away === undefined) {
    const player = world.create()
    world.add(player, Player, { identity, name: '' })
    return player
  }
  const name = world.read(away, LoggedOutPlayer, 'name')
  world.remove(away, LoggedOutPlayer)
  if (world.has(away, LoggedOutAt)) world.remove(away, LoggedOutAt)
  world.add(away, Player, { identity, name })
  for (const e of world.findAll(LoggedOutCircle, 'playerId', away).slice()) {
    const row = world.get(e, LoggedOutCircle)
    if (row === undefined) continue
    world.remove(e, LoggedOutCircle)
    world.add(e, Body, { x: row.x, y: row.y, mass: row.mass })
    world.add(e, Circle, {
      playerId: row.playerId,
      dirX: row.dirX,
      dirY: row.dirY,
      speed: row.speed,
      lastSplitAt: row.lastSplitAt,
    })
  }
  return away
}

/**
 * Moves a disconnecting identity's player and circles out of the live world (kept on the same entities,
 * as {@link LoggedOutPlayer} and {@link LoggedOutCircle}) until the identity returns, and records when it
 * left ({@link LoggedOutAt}) for the expiry of players who do not return.
 *
 * @param world - the server world, inside a transaction
 * @param identity - the disconnecting identity
 * @param timestamp - now, in ms since epoch
 * @returns the player's entity, or undefined when the identity had no live player
 * @throws EcsError 'ERR_NO_TRANSACTION' when called outside a transaction of a tracking world
 * @example
 * playerDisconnected(world, ctx.sender, ctx.timestamp)
 * @see reference `disconnect` (client_disconnected reducer)
 */
export function playerDisconnected(world: World, identity: string, timestamp: number): Entity | undefined {
  const player = world.findUnique(Player, 'identity', identity)
  if (player === undefined) return undefined
  const name = world.read(player, Player, 'name')
  world.remove(player, Player)
  world.add(player, LoggedOutPlayer, { identity, name })
  world.add(player, LoggedOutAt, { at: timestamp })
  for (const e of world.findAll(Circle, 'playerId', player).slice()) {
    const body = world.get(e, Body)
    const circle = world.get(e, Circle)
    if (body === undefined || circle === undefined) continue
    world.remove(e, Circle)
    world.remove(e, Body)
    world.add(e, LoggedOutCircle, { ...circle, ...body })
  }
  return player
}
