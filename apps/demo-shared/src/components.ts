import { defineComponent } from '@orrery/ecs'

/**
 * Edge of one spatial-grid cell of {@link Body}, in world units (about the diameter of a large circle).
 */
export const BODY_GRID_CELL_SIZE = 32

/**
 * Precision of positions on the wire, in world units: clients hold `x` and `y` to within 1/32 of a unit
 * (a hundredth of the smallest circle's radius), so a moving circle's update is a one-byte delta per axis.
 */
export const POSITION_STEP = 1 / 16

/**
 * A position on the wire's grid: the nearest multiple of {@link POSITION_STEP}. Circles move on this grid
 * (the movement step and splits snap to it), so the positions a client receives are the server's exactly,
 * and a prediction replayed from them follows the server's steps to the bit, split circles pushing each
 * other included. Multiples of 1/16 below 2^20 are exact in an `f32` column.
 *
 * @param v - a position, world units
 * @returns the nearest grid position, world units
 */
export function snapPosition(v: number): number {
  return Math.round(v / POSITION_STEP) * POSITION_STEP
}

/** Precision of steering directions and speeds on the wire (unitless): 1/256. */
export const DIRECTION_STEP = 1 / 256

/**
 * A steering direction or speed as the wire carries it: the nearest multiple of {@link DIRECTION_STEP}, the
 * same rounding as the wire's quantization. The movement step and splits read directions through it, so a
 * client whose replica holds the wire's values moves circles exactly as the server does.
 *
 * @param v - a direction component or a speed (unitless)
 * @returns the nearest grid value
 */
export function snapDirection(v: number): number {
  return Math.round(v / DIRECTION_STEP) * DIRECTION_STEP
}

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
  { spatial: { x: 'x', y: 'y', cellSize: BODY_GRID_CELL_SIZE }, quantize: { x: POSITION_STEP, y: POSITION_STEP, mass: 1 } },
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
  { index: ['playerId'], quantize: { dirX: DIRECTION_STEP, dirY: DIRECTION_STEP, speed: DIRECTION_STEP } },
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
 * One line of the leaderboard the server keeps (top {@link LEADERBOARD_SIZE} players by total mass), so
 * clients that see only their area still show the whole world's ranking.
 *
 * Fields: `rank` (1 = heaviest), `playerId` (the player's entity), `name`, `mass` (total of its circles).
 *
 * @example
 * world.query([LeaderboardEntry]).forEach((e) => console.log(world.get(e, LeaderboardEntry)))
 */
export const LeaderboardEntry = defineComponent('LeaderboardEntry', { rank: 'u8', playerId: 'entity', name: 'string', mass: 'u32' })

/** Lines of the server-kept leaderboard. */
export const LEADERBOARD_SIZE = 10

/**
 * The game's settings, on one entity: the reference's `config` table. The server writes it at start, so
 * clients read the world's size from their replica instead of assuming the default (see `worldSizeOf`).
 *
 * Fields: `worldSize`, the side of the square world in world units (u32; the world spans [0, worldSize) on
 * both axes).
 *
 * @example
 * world.add(world.create(), Config, { worldSize: 1000 })
 * @see reference `Config { id, world_size }`
 */
export const Config = defineComponent('Config', { worldSize: 'u32' })

/**
 * The components clients replicate, in table-id order.
 *
 * @example
 * await connect({ url, components: liveComponents, reducers })
 */
export const liveComponents = [Body, Circle, Food, Player, LeaderboardEntry, Config] as const

/**
 * Components that hold disconnected players; the server keeps them out of replication.
 *
 * @example
 * createWorld({ components: [...liveComponents, ...loggedOutComponents] })
 */
export const loggedOutComponents = [LoggedOutPlayer, LoggedOutCircle] as const
