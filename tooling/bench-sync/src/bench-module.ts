import { createBlackholioModule } from '@orrery/demo-server'
import {
  Body,
  type BlackholioReducers,
  FOOD_MASS_MAX,
  FOOD_MASS_MIN,
  Food,
  massToRadius,
  SPAWN_FOOD_INTERVAL_MS,
  worldSizeOf,
} from '@orrery/demo-shared'
import { createRng, type Rng, type World } from '@orrery/ecs'
import { defineModule, type ModuleDef, type SystemDef } from '@orrery/server'

/** Time the module's systems took, summed, ms (read and reset by the tick loop). */
export interface SimulationTime {
  ms: number
}

/** Adds food (mass 2–3 at a uniform position, as the demo spawns it) until there are `target`. */
function topUpFood(world: World, rng: Rng, target: number): void {
  const side = worldSizeOf(world)
  for (let count = world.count(Food); count < target; count++) {
    const mass = rng.int(FOOD_MASS_MIN, FOOD_MASS_MAX)
    const r = massToRadius(mass)
    const e = world.create()
    world.add(e, Body, { x: rng.range(r, side - r), y: rng.range(r, side - r), mass })
    world.add(e, Food)
  }
}

/**
 * The Blackholio module as the demo runs it, in a world kept at `food` food entities (the demo keeps
 * 600; players eat the bench's much denser food fast, so it is topped up as often as the demo spawns
 * food), with its systems timed.
 *
 * @param food - food entities the world holds
 * @param seed - seed of the food layout
 * @param simulation - where the systems' run time is added
 * @param worldSize - side of the world, world units
 * @returns a module for `createServer`
 */
export function benchModule(food: number, seed: number, simulation: SimulationTime, worldSize: number): ModuleDef<BlackholioReducers> {
  const base = createBlackholioModule({ worldSize })
  const rng = createRng(seed)
  const refill: SystemDef = {
    name: 'topUpFood',
    everyMs: SPAWN_FOOD_INTERVAL_MS,
    run: (ctx) => topUpFood(ctx.world, rng, food),
  }
  const systems = [...(base.systems ?? []), refill].map(
    (system): SystemDef => ({
      ...system,
      run(ctx) {
        const started = performance.now()
        try {
          system.run(ctx)
        } finally {
          simulation.ms += performance.now() - started
        }
      },
    }),
  )
  return defineModule<BlackholioReducers>({
    ...base,
    systems,
    // Positions travel at 1/16 of a world unit; replicas may hold them up to 1.5/16 off (0.094 world units),
    // so a circle's rounding jitter costs nothing on the wire. The demo keeps 0 (its prediction compares
    // against the rounded positions).
    predictionTolerance: 1,
    init(ctx) {
      base.init?.(ctx)
      topUpFood(ctx.world, rng, food)
    },
  })
}
