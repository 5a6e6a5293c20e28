import type { Entity, World } from '@orrery/ecs'
import { MAX_NAME_LENGTH, Player } from '@orrery/demo-shared'
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
 * Checks a display name: at most 32 UTF-16 code units, no control characters.
 *
 * @param name - the requested name
 * @returns the name with surrounding white space removed
 * @throws BlackholioError 'ERR_INVALID_NAME' when the name is too long or has control characters
 * @example
 * validateName('  Ada ') // 'Ada'
 */
export function validateName(name: string): string {
  const trimmed = name.trim()
  if (trimmed.length > MAX_NAME_LENGTH) {
    throw new BlackholioError('ERR_INVALID_NAME', `name must be at most ${MAX_NAME_LENGTH} characters`)
  }
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this rejects
  if (/[\u0000-\u001f\u007f]/.test(trimmed)) {
    throw new BlackholioError('ERR_INVALID_NAME', 'name must not contain control characters')
  }
  return trimmed
}

/**
 * Enters the game: sets the player's name and spawns a first circle of mass 15 at a random position.
 *
 * @param world - the server world, inside a transaction
 * @param identity - the caller's identity
 * @param name - the display name (≤ 32 characters)
 * @param timestamp - now, in ms since epoch
 * @returns the new circle's entity
 * @throws BlackholioError 'ERR_NO_PLAYER' | 'ERR_INVALID_NAME'
 * @example
 * enterGame(world, ctx.sender, 'Ada', ctx.timestamp)
 * @see reference `enter_game`
 */
export function enterGame(world: World, identity: string, name: string, timestamp: number): Entity {
  const player = requirePlayer(world, identity)
  world.set(player, Player, 'name', validateName(name))
  return spawnInitialCircle(world, player, timestamp)
}

/**
 * Respawns: a new first circle for the player (its other circles, if any, stay).
 *
 * @param world - the server world, inside a transaction
 * @param identity - the caller's identity
 * @param timestamp - now, in ms since epoch
 * @returns the new circle's entity
 * @throws BlackholioError 'ERR_NO_PLAYER'
 * @example
 * respawn(world, ctx.sender, ctx.timestamp)
 * @see reference `respawn`
 */
export function respawn(world: World, identity: string, timestamp: number): Entity {
  return spawnInitialCircle(world, requirePlayer(world, identity), timestamp)
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
