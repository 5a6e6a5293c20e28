import { defineModule, defineReducer, type ModuleDef } from '@orrery/server'
import { Body, Circle, Food, Player } from '@orrery/demo-shared'
import { type BlackholioStats, createBlackholioModule } from '../src/module.js'

/** Reducers tests call in-process (`server.call`) to set the scene; clients never see them. */
const testReducers = {
  placeFood: { x: 'f64', y: 'f64', mass: 'u32' },
  feed: { mass: 'u32' },
} as const

/**
 * The Blackholio module plus two scene-setting reducers: `placeFood {x, y, mass}` returns the new food
 * entity, `feed {mass}` sets the mass of every circle of the sender.
 */
export function createTestModule(stats?: BlackholioStats): ModuleDef {
  const base = createBlackholioModule(stats === undefined ? {} : { stats })
  return defineModule({
    ...base,
    reducers: {
      ...base.reducers,
      placeFood: defineReducer(testReducers.placeFood, (ctx, { x, y, mass }) => {
        const e = ctx.world.create()
        ctx.world.add(e, Body, { x, y, mass })
        ctx.world.add(e, Food)
        return e
      }),
      feed: defineReducer(testReducers.feed, (ctx, { mass }) => {
        const player = ctx.world.findUnique(Player, 'identity', ctx.sender)
        if (player === undefined) throw new Error('no player')
        for (const e of ctx.world.findAll(Circle, 'playerId', player).slice()) ctx.world.set(e, Body, 'mass', mass)
      }),
    },
  }) as ModuleDef
}
