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
 * Components the server keeps to itself (never replicated).
 *
 * @example
 * createWorld({ components: [...liveComponents, ...loggedOutComponents, ...serverComponents] })
 */
export const serverComponents = [RecombineTimer, FoodSpawner] as const
