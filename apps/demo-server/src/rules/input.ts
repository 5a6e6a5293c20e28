import type { Entity, World } from '@orrery/ecs'
import { Circle } from '@orrery/demo-shared'
import { BlackholioError } from '../errors.js'
import { circlesOf } from './spawn.js'

/**
 * Steers every circle of a player: direction = the input normalized ((0, 0) stays (0, 0)),
 * speed = its length clamped to [0, 1].
 *
 * @param world - the server world, inside a transaction
 * @param playerId - the player's entity
 * @param dirX - input x (any finite number; length > 1 means full speed)
 * @param dirY - input y (world y, growing downward on screen)
 * @throws BlackholioError 'ERR_INVALID_INPUT' when a component is not finite
 * @example
 * updatePlayerInput(world, player, 3, 4) // direction (0.6, 0.8), speed 1
 * @see reference `update_player_input`
 */
export function updatePlayerInput(world: World, playerId: Entity, dirX: number, dirY: number): void {
  if (!Number.isFinite(dirX) || !Number.isFinite(dirY)) {
    throw new BlackholioError('ERR_INVALID_INPUT', 'direction components must be finite numbers')
  }
  const length = Math.hypot(dirX, dirY)
  const nx = length > 0 ? dirX / length : 0
  const ny = length > 0 ? dirY / length : 0
  const speed = Math.min(1, Math.max(0, length))
  for (const e of circlesOf(world, playerId)) {
    world.set(e, Circle, 'dirX', nx)
    world.set(e, Circle, 'dirY', ny)
    world.set(e, Circle, 'speed', speed)
  }
}
