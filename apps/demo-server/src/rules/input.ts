import type { Entity, World } from '@orrery/ecs'
import { steerCircles } from '@orrery/demo-shared'
import { BlackholioError } from '../errors.js'

/**
 * The `updatePlayerInput` reducer's effect, after validating the input ({@link steerCircles} in the
 * shared rules). Steers every circle of a player: direction = the input normalized ((0, 0) stays (0, 0)),
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
  steerCircles(world, playerId, dirX, dirY)
}
