import type { Entity, World } from '@orrery/ecs'
import {
  Body,
  Circle,
  DIRECTION_STEP,
  massToRadius,
  moveCircles,
  Player,
  splitCircles,
  steerCircles,
} from '@orrery/demo-shared'
import type { PredictionModel } from '@orrery/prediction'

/** The inputs a Blackholio client predicts: a steering vector, or a split. */
export type BlackholioInput =
  | { readonly kind: 'steer'; readonly dirX: number; readonly dirY: number }
  | { readonly kind: 'split' }

/** A steering input. */
export type SteerInput = Extract<BlackholioInput, { kind: 'steer' }>

/** `value` as the wire carries a field quantized at `step`. */
function rounded(value: number, step: number): number {
  return Math.round(value / step) * step
}

/**
 * Blackholio's rules as the client predicts them, with the server's own code from `@orrery/demo-shared`:
 * `updatePlayerInput` is {@link steerCircles}, `playerSplit` is {@link splitCircles}, the tick is
 * {@link moveCircles} (steering, self-collision, world bounds). Collisions (eating) stay on the server.
 *
 * The replica holds `Circle.dirX`, `dirY` and `speed` rounded to 1/256 (the wire's precision): moving
 * with them would drift from the server by up to 1/256 of the speed per tick. Before each step, a circle
 * whose direction and speed are the rounding of what the last acknowledged steering input gives takes
 * that input's exact values back, as the server has them.
 *
 * @param player - the local player's entity, read at each input (undefined before it exists)
 * @param acknowledgedSteering - the last steering input the server acknowledged, or undefined
 * @returns the model for a `Predictor`
 * @example
 * const predictor = new Predictor(blackholioModel(() => game.player), { positionStep: POSITION_STEP })
 */
export function blackholioModel(
  player: () => Entity | undefined,
  acknowledgedSteering: () => SteerInput | undefined = () => undefined,
): PredictionModel<BlackholioInput> {
  const exact = new Float64Array(3)
  const own: Entity[] = []
  return {
    components: [Body, Circle, Player],
    applyInput(world, input, ctx) {
      const p = player()
      if (p === undefined) return
      if (input.kind === 'steer') steerCircles(world, p, input.dirX, input.dirY)
      else splitCircles(world, p, ctx.time)
    },
    step(world, ctx) {
      unround(world, player(), acknowledgedSteering(), exact, own)
      moveCircles(world, ctx.time)
    },
    position(world, e, out) {
      if (!world.has(e, Circle) || !world.has(e, Body)) return false
      out[0] = world.read(e, Body, 'x')
      out[1] = world.read(e, Body, 'y')
      out[2] = massToRadius(world.read(e, Body, 'mass'))
      return true
    },
    setPosition(world, e, x, y) {
      if (!world.has(e, Body)) return
      world.set(e, Body, 'x', x)
      world.set(e, Body, 'y', y)
    },
  }
}

/** Gives the player's circles holding the rounded values of `steer` its exact ones (as {@link steerCircles} writes them). */
function unround(world: World, p: Entity | undefined, steer: SteerInput | undefined, exact: Float64Array, own: Entity[]): void {
  if (p === undefined || steer === undefined) return
  const length = Math.hypot(steer.dirX, steer.dirY)
  // The f32 values the server's columns hold.
  exact[0] = Math.fround(length > 0 ? steer.dirX / length : 0)
  exact[1] = Math.fround(length > 0 ? steer.dirY / length : 0)
  exact[2] = Math.fround(Math.min(1, Math.max(0, length)))
  const rx = rounded(exact[0] as number, DIRECTION_STEP)
  const ry = rounded(exact[1] as number, DIRECTION_STEP)
  const rs = rounded(exact[2] as number, DIRECTION_STEP)
  own.length = 0
  const circles = world.findAll(Circle, 'playerId', p)
  for (let i = 0; i < circles.length; i++) own.push(circles[i] as Entity)
  for (const e of own) {
    if (world.read(e, Circle, 'dirX') !== rx || world.read(e, Circle, 'dirY') !== ry || world.read(e, Circle, 'speed') !== rs) continue
    world.set(e, Circle, 'dirX', exact[0] as number)
    world.set(e, Circle, 'dirY', exact[1] as number)
    world.set(e, Circle, 'speed', exact[2] as number)
  }
}
