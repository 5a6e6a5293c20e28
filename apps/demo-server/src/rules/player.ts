import type { Entity, World } from '@orrery/ecs'
import { Circle, MAX_NAME_LENGTH, Player } from '@orrery/demo-shared'
import { BlackholioError } from '../errors.js'
import { circlesOf, spawnInitialCircle } from './spawn.js'

/**
 * The live player of an identity.
 *
 * @param world - the server world
 * @param identity - the caller's identity
 * @returns the player's entity
 * @throws BlackholioError 'ERR_NO_PLAYER' when the identity has no live player
 * @example
 * const player = requirePlayer(world, ctx.sender)
 */
export function requirePlayer(world: World, identity: string): Entity {
  const player = world.findUnique(Player, 'identity', identity)
  if (player === undefined) throw new BlackholioError('ERR_NO_PLAYER', 'no live player for this identity')
  return player
}

/**
 * Checks a display name: at most 32 UTF-16 code units, no control characters (`\p{Cc}`), no line or
 * paragraph separators (`\p{Zl}`, `\p{Zp}`) and no format characters (`\p{Cf}`: bidirectional overrides,
 * zero-width characters, the BOM).
 *
 * @param name - the requested name
 * @returns the name with surrounding white space removed
 * @throws BlackholioError 'ERR_INVALID_NAME' when the name is too long or has control, separator or format characters
 * @example
 * validateName('  Ada ') // 'Ada'
 */
export function validateName(name: string): string {
  const trimmed = name.trim()
  if (trimmed.length > MAX_NAME_LENGTH) {
    throw new BlackholioError('ERR_INVALID_NAME', `name must be at most ${MAX_NAME_LENGTH} characters`)
  }
  if (/[\p{Cc}\p{Zl}\p{Zp}]/u.test(trimmed)) {
    throw new BlackholioError('ERR_INVALID_NAME', 'name must not contain control characters or line breaks')
  }
  // Format characters (right-to-left override, zero-width joiners and spaces, BOM...) make a name
  // render unlike its text: another player's name reversed, or two names that look the same.
  if (/\p{Cf}/u.test(trimmed)) {
    throw new BlackholioError('ERR_INVALID_NAME', 'name must not contain Unicode format characters (such as RLO or zero-width)')
  }
  return trimmed
}

/**
 * The circle a player plays with: its first circle when it has any, else a new first circle (mass 15 at a
 * random position). This is the one place `enterGame` and `respawn` create a circle, so neither can give a
 * player a second circle or mass from nothing.
 *
 * @param world - the server world, inside a transaction
 * @param player - the player's entity
 * @param timestamp - now, in ms since epoch
 * @returns the first existing circle, or the new one
 * @throws EcsError 'ERR_NO_TRANSACTION' when called outside a transaction of a tracking world
 * @example
 * firstCircleOrSpawn(world, player, ctx.timestamp)
 */
export function firstCircleOrSpawn(world: World, player: Entity, timestamp: number): Entity {
  const existing = world.findAll(Circle, 'playerId', player)
  if (existing.length > 0) return existing[0] as Entity
  return spawnInitialCircle(world, player, timestamp)
}

/**
 * Enters the game: sets the player's name and spawns a first circle of mass 15 at a random position. A
 * player that already has circles (a second `enterGame`, or a returning player) only changes its name.
 *
 * @param world - the server world, inside a transaction
 * @param identity - the caller's identity
 * @param name - the display name (≤ 32 characters)
 * @param timestamp - now, in ms since epoch
 * @returns the new circle's entity, or the player's first circle when it already had one
 * @throws BlackholioError 'ERR_NO_PLAYER' | 'ERR_INVALID_NAME'
 * @example
 * enterGame(world, ctx.sender, 'Ada', ctx.timestamp)
 * @see reference `enter_game`
 */
export function enterGame(world: World, identity: string, name: string, timestamp: number): Entity {
  const player = requirePlayer(world, identity)
  world.set(player, Player, 'name', validateName(name))
  return firstCircleOrSpawn(world, player, timestamp)
}

/**
 * Respawns: a new first circle for a player that has none. A player that still has circles keeps them and
 * gets no new one (a departure: the reference adds a circle on every call).
 *
 * @param world - the server world, inside a transaction
 * @param identity - the caller's identity
 * @param timestamp - now, in ms since epoch
 * @returns the new circle's entity, or the player's first circle when it still had one
 * @throws BlackholioError 'ERR_NO_PLAYER'
 * @example
 * respawn(world, ctx.sender, ctx.timestamp)
 * @see reference `respawn`
 */
export function respawn(world: World, identity: string, timestamp: number): Entity {
  return firstCircleOrSpawn(world, requirePlayer(world, identity), timestamp)
}

/**
 * Destroys every circle of the caller's player.
 *
 * @param world - the server world, inside a transaction
 * @param identity - the caller's identity
 * @returns the number of circles destroyed
 * @throws BlackholioError 'ERR_NO_PLAYER'
 * @example
 * suicide(world, ctx.sender)
 * @see reference `suicide`
 */
export function suicide(world: World, identity: string): number {
  const circles = circlesOf(world, requirePlayer(world, identity))
  for (const e of circles) world.destroy(e)
  return circles.length
}
