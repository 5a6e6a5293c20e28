import type { ArgsSchema } from '@orrery/protocol'

/**
 * Argument schemas of the Blackholio reducers, shared by the server module and the clients.
 *
 * - `enterGame {name}`: set the name and spawn the first circle.
 * - `updatePlayerInput {dirX, dirY}`: steer every circle (the vector's length, clamped to 1, is the speed).
 * - `playerSplit {}`: split every circle of mass ≥ 60, up to 16 circles.
 * - `suicide {}`: destroy every circle of the player.
 * - `respawn {}`: spawn a new first circle.
 *
 * @example
 * await client.reducers.updatePlayerInput({ dirX: 0.5, dirY: -0.5 })
 * @see reference reducers `enter_game`, `update_player_input`, `player_split`, `suicide`, `respawn`
 */
export const reducers = {
  enterGame: { name: 'string' },
  updatePlayerInput: { dirX: 'f64', dirY: 'f64' },
  playerSplit: {},
  suicide: {},
  respawn: {},
} as const satisfies Record<string, ArgsSchema>

/**
 * The type of {@link reducers}.
 */
export type BlackholioReducers = typeof reducers
