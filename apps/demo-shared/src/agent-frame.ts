import type { World } from '@orrery/ecs'
import { Body, Circle, Food } from './components.js'
import { MIN_MASS_TO_SPLIT } from './constants.js'
import { worldSizeOf } from './world-size.js'

/** How far an agent sees from the centre of its circles, world units. */
export const VIEW_RADIUS = 160

/** Numbers before the bodies in a frame: tick, world size, least mass to split, view radius, body count. */
export const FRAME_HEADER = 5
/** Numbers per body in a frame: x, y, mass, owner (the player entity of a circle, -1 for food). */
export const FRAME_STRIDE = 4

let buffer = new Float64Array(FRAME_HEADER + 1024 * FRAME_STRIDE)

/**
 * Every body of the world at one tick, packed for the worker threads (which build each agent's view from
 * it, see {@link buildView} of `agent-view.ts`): `[tick, worldSize, minMassToSplit, viewRadius, n, x0, y0, mass0, owner0, ...]`.
 * One pass over the bodies on the tick thread; the views cost it nothing more.
 *
 * @param world - the server world (read only)
 * @param tick - the tick the frame is taken at
 * @returns a new array (it is cloned to each thread)
 * @example
 * runner.dispatch(tick, calls, captureFrame(world, tick))
 */
export function captureFrame(world: World, tick: number): Float64Array {
  const needed = FRAME_HEADER + world.count(Body) * FRAME_STRIDE
  if (buffer.length < needed) buffer = new Float64Array(needed * 2)
  let o = FRAME_HEADER
  let n = 0
  world.query([Body]).forEach((e) => {
    const owner = world.has(e, Circle) ? world.read(e, Circle, 'playerId') : world.has(e, Food) ? -1 : -2
    if (owner === -2) return
    buffer[o] = world.read(e, Body, 'x')
    buffer[o + 1] = world.read(e, Body, 'y')
    buffer[o + 2] = world.read(e, Body, 'mass')
    buffer[o + 3] = owner
    o += FRAME_STRIDE
    n++
  })
  buffer[0] = tick
  buffer[1] = worldSizeOf(world)
  buffer[2] = MIN_MASS_TO_SPLIT
  buffer[3] = VIEW_RADIUS
  buffer[4] = n
  return buffer.slice(0, o)
}
