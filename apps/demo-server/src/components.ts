import { defineComponent } from '@orrery/ecs'

/**
 * A scheduled recombine of one player's circles, due at `at` (ms since epoch). Server-only.
 *
 * @example
 * world.add(world.create(), RecombineTimer, { playerId: player, at: now + 5000 })
 * @see reference `CircleRecombineTimer` (a scheduled reducer row)
 */
export const RecombineTimer = defineComponent('RecombineTimer', { playerId: 'entity', at: 'f64' })

/**
 * The state of the food spawner's own random stream, so the food layout depends only on the seed. Server-only.
 *
 * @example
 * world.add(world.create(), FoodSpawner, { rngState: createRng(seed).getState() })
 */
export const FoodSpawner = defineComponent('FoodSpawner', { rngState: 'f64' })

/**
 * When a player logged out (ms since epoch), on the entity of its {@link LoggedOutPlayer} row, so that a
 * player who stays away longer than the module's `loggedOutExpiryMs` is removed with its circles. Server-only.
 *
 * @example
 * world.add(player, LoggedOutAt, { at: ctx.timestamp })
 */
export const LoggedOutAt = defineComponent('LoggedOutAt', { at: 'f64' })

/**
 * Components the server keeps to itself (never replicated).
 *
 * @example
 * createWorld({ components: [...liveComponents, ...loggedOutComponents, ...serverComponents] })
 */
export const serverComponents = [RecombineTimer, FoodSpawner, LoggedOutAt] as const
