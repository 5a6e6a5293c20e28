import { defineComponent } from '@orrery/ecs'

/**
 * Edge of one spatial-grid cell of {@link Body}, in world units (about the diameter of a large circle).
 */
export const BODY_GRID_CELL_SIZE = 32

/**
 * Position and mass of everything that lives in the arena (circles and food): the reference's `entity` table.
 *
 * Fields: `x`, `y` in world units (f32, [0, 1000)); `mass` in mass units (u32). A spatial grid over (x, y)
 * answers `world.queryRadius(Body, x, y, r)` for collisions.
 *
 * @example
 * world.add(e, Body, { x: 500, y: 500, mass: 15 })
 * @see reference `Entity { entity_id, position, mass }`
 */
export const Body = defineComponent(
  'Body',
  { x: 'f32', y: 'f32', mass: 'u32' },
  { spatial: { x: 'x', y: 'y', cellSize: BODY_GRID_CELL_SIZE } },
)

/**
 * A player's circle: who owns it, where it heads and when it last split.
 *
 * Fields: `playerId` (the owning player's entity, indexed), `dirX`, `dirY` (unit direction or (0, 0)),
 * `speed` ([0, 1], share of the maximum move speed), `lastSplitAt` (ms since epoch).
 *
 * @example
 * world.findAll(Circle, 'playerId', player) // the player's circles
 * @see reference `Circle { entity_id, player_id, direction, speed, last_split_time }`
 */
export const Circle = defineComponent(
  'Circle',
  { playerId: 'entity', dirX: 'f32', dirY: 'f32', speed: 'f32', lastSplitAt: 'f64' },
  { index: ['playerId'] },
)

/**
 * Marks a {@link Body} as food. It carries no data.
 *
 * @example
 * world.add(e, Food)
 * @see reference `Food { entity_id }`
 */
export const Food = defineComponent('Food', {})

/**
 * A connected player: its identity (unique) and display name (empty until it enters the game).
 *
 * @example
 * world.findUnique(Player, 'identity', ctx.sender)
 * @see reference `Player { identity, player_id, name }`
 */
export const Player = defineComponent('Player', { identity: 'string', name: 'string' }, { unique: ['identity'] })

/**
 * A disconnected player, kept out of the live world (and out of replication) until its identity returns.
 *
 * @example
 * world.findUnique(LoggedOutPlayer, 'identity', ctx.sender)
 * @see reference `logged_out_player` table
 */
export const LoggedOutPlayer = defineComponent(
  'LoggedOutPlayer',
  { identity: 'string', name: 'string' },
  { unique: ['identity'] },
)

/**
 * A disconnected player's circle with its body, kept on the same entity until the player returns.
 *
 * Fields: those of {@link Circle} then those of {@link Body}.
 *
 * @example
 * world.findAll(LoggedOutCircle, 'playerId', player)
 * @see reference `logged_out_circle` and `logged_out_entity` tables
 */
export const LoggedOutCircle = defineComponent(
  'LoggedOutCircle',
  {
    playerId: 'entity',
    dirX: 'f32',
    dirY: 'f32',
    speed: 'f32',
    lastSplitAt: 'f64',
    x: 'f32',
    y: 'f32',
    mass: 'u32',
  },
  { index: ['playerId'] },
)

/**
 * The components clients replicate, in table-id order.
 *
 * @example
 * await connect({ url, components: liveComponents, reducers })
 */
export const liveComponents = [Body, Circle, Food, Player] as const

/**
 * Components that hold disconnected players; the server keeps them out of replication.
 *
 * @example
 * createWorld({ components: [...liveComponents, ...loggedOutComponents] })
 */
export const loggedOutComponents = [LoggedOutPlayer, LoggedOutCircle] as const
