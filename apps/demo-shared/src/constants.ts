/**
 * The constants of the Blackholio rules, with the values of the reference game.
 *
 * @see https://github.com/clockworklabs/SpacetimeDB/blob/master/demo/Blackholio/server-rust/src/lib.rs (reference server constants)
 */

/**
 * Side of the square world, in world units (the world spans [0, 1000) on both axes).
 * @see reference `config.world_size`
 */
export const WORLD_SIZE = 1000

/**
 * Bounds of a world's side a server may be given (see `Config`), in world units: a few cameras wide at least;
 * at most where positions on the wire's 1/16 grid stay exact in an `f32` column (below 2^20).
 */
export const MIN_WORLD_SIZE = 100
/** @see {@link MIN_WORLD_SIZE} */
export const MAX_WORLD_SIZE = 1_000_000

/**
 * Mass of a freshly spawned circle (and the floor below which decay stops).
 * @see reference `START_PLAYER_MASS`
 */
export const START_PLAYER_MASS = 15

/**
 * Distance a circle of {@link START_PLAYER_MASS} covers per 50 ms move step at full speed.
 * @see reference `START_PLAYER_SPEED`
 */
export const START_PLAYER_SPEED = 10

/**
 * Smallest food mass (inclusive).
 * @see reference `FOOD_MASS_MIN`
 */
export const FOOD_MASS_MIN = 2

/**
 * Largest food mass (exclusive): food weighs 2 or 3.
 * @see reference `FOOD_MASS_MAX`
 */
export const FOOD_MASS_MAX = 4

/**
 * Number of food entities the spawner keeps in the world while players are connected.
 * @see reference `TARGET_FOOD_COUNT`
 */
export const TARGET_FOOD_COUNT = 600

/**
 * A circle eats another player's circle when `other.mass / this.mass` is below this ratio.
 * @see reference `MINIMUM_SAFE_MASS_RATIO`
 */
export const MINIMUM_SAFE_MASS_RATIO = 0.85

/**
 * Half the mass a circle needs to split: a circle splits when its mass is at least twice this.
 * @see reference `MIN_MASS_TO_SPLIT`
 */
export const MIN_MASS_TO_SPLIT = START_PLAYER_MASS * 2

/**
 * Most circles one player may own at once.
 * @see reference `MAX_CIRCLES_PER_PLAYER`
 */
export const MAX_CIRCLES_PER_PLAYER = 16

/**
 * Seconds after a split before the circles recombine.
 * @see reference `SPLIT_RECOMBINE_DELAY_SEC`
 */
export const SPLIT_RECOMBINE_DELAY_SEC = 5

/**
 * Seconds before recombining during which a player's circles pull toward each other.
 * @see reference `SPLIT_GRAV_PULL_BEFORE_RECOMBINE_SEC`
 */
export const SPLIT_GRAV_PULL_BEFORE_RECOMBINE_SEC = 2

/**
 * Share of the radius sum two circles of one player may overlap before they are pushed apart.
 * @see reference `ALLOWED_SPLIT_CIRCLE_OVERLAP_PCT`
 */
export const ALLOWED_SPLIT_CIRCLE_OVERLAP_PCT = 0.9

/**
 * Strength of the push-apart and gravity corrections between one player's circles (1 = instant).
 * @see reference `SELF_COLLISION_SPEED`
 */
export const SELF_COLLISION_SPEED = 0.05

/**
 * Period of the move-all-players step, in milliseconds (20 Hz).
 * @see reference `MoveAllPlayersTimer` (50 ms)
 */
export const MOVE_INTERVAL_MS = 50

/**
 * Period of the food spawner, in milliseconds.
 * @see reference `SpawnFoodTimer` (500 ms)
 */
export const SPAWN_FOOD_INTERVAL_MS = 500

/**
 * Period of circle decay, in milliseconds.
 * @see reference `CircleDecayTimer` (5 s)
 */
export const DECAY_INTERVAL_MS = 5000

/**
 * Factor applied to the mass of every circle heavier than {@link START_PLAYER_MASS} at each decay (then floored).
 * @see reference `circle_decay`
 */
export const DECAY_FACTOR = 0.99

/**
 * Longest player name accepted by `enterGame`, in UTF-16 code units (a departure: the reference accepts any length).
 */
export const MAX_NAME_LENGTH = 32

/**
 * Rate at which clients send their steering input, in hertz.
 * @see reference client `PlayerController` (input sent at 20 Hz)
 */
export const INPUT_RATE_HZ = 20

/**
 * Duration of the consume animation on clients, in milliseconds.
 * @see reference client `EntityController` (despawn lerp over 200 ms)
 */
export const CONSUME_ANIMATION_MS = 200
