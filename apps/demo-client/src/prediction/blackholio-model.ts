import type { Entity } from '@orrery/ecs'
import { Body, Circle, massToRadius, moveCircles, Player, splitCircles, steerCircles } from '@orrery/demo-shared'
import type { PredictionModel } from '@orrery/prediction'

/** The inputs a Blackholio client predicts: a steering vector, or a split. */
export type BlackholioInput =
  | { readonly kind: 'steer'; readonly dirX: number; readonly dirY: number }
  | { readonly kind: 'split' }

/**
 * Blackholio's rules as the client predicts them, with the server's own code from `@orrery/demo-shared`:
 * `updatePlayerInput` is {@link steerCircles}, `playerSplit` is {@link splitCircles}, the tick is
 * {@link moveCircles} (steering, self-collision, world bounds). Collisions (eating) stay on the server.
 *
 * @param player - the local player's entity, read at each input (undefined before it exists)
 * @returns the model for a `Predictor`
 * @example
 * const predictor = new Predictor(blackholioModel(() => game.player))
 */
export function blackholioModel(player: () => Entity | undefined): PredictionModel<BlackholioInput> {
  return {
    components: [Body, Circle, Player],
    applyInput(world, input, ctx) {
      const p = player()
      if (p === undefined) return
      if (input.kind === 'steer') steerCircles(world, p, input.dirX, input.dirY)
      else splitCircles(world, p, ctx.time)
    },
    step(world, ctx) {
      moveCircles(world, ctx.time)
    },
    position(world, e, out) {
      if (!world.has(e, Circle) || !world.has(e, Body)) return false
      out[0] = world.read(e, Body, 'x')
      out[1] = world.read(e, Body, 'y')
      out[2] = massToRadius(world.read(e, Body, 'mass'))
      return true
    },
  }
}
