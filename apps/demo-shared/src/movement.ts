import { type Entity, entityIndex, type World } from '@orrery/ecs'
import { Body, Circle, POSITION_STEP, Player, snapDirection, snapPosition } from './components.js'
import {
  ALLOWED_SPLIT_CIRCLE_OVERLAP_PCT,
  SELF_COLLISION_SPEED,
  SPLIT_GRAV_PULL_BEFORE_RECOMBINE_SEC,
  SPLIT_RECOMBINE_DELAY_SEC,
} from './constants.js'
import { massToMaxMoveSpeed, massToRadius } from './formulas.js'
import { worldSizeOf } from './world-size.js'

/** Buffers reused across steps so a step allocates nothing per circle. */
interface MoveScratch {
  dirX: Float64Array
  dirY: Float64Array
  px: Float64Array
  py: Float64Array
  radius: Float64Array
  tbr: Float64Array
  /** Offset of the last pair measured by {@link separation}, world units. */
  sepX: number
  sepY: number
  circles: Entity[]
}

const scratchByWorld = new WeakMap<World, MoveScratch>()

function scratchFor(world: World): MoveScratch {
  let s = scratchByWorld.get(world)
  if (s === undefined) {
    s = {
      dirX: new Float64Array(256),
      dirY: new Float64Array(256),
      px: new Float64Array(32),
      py: new Float64Array(32),
      radius: new Float64Array(32),
      tbr: new Float64Array(32),
      sepX: 0,
      sepY: 0,
      circles: [],
    }
    scratchByWorld.set(world, s)
  }
  return s
}

function grow(a: Float64Array, size: number): Float64Array {
  if (a.length >= size) return a
  let n = a.length
  while (n < size) n *= 2
  return new Float64Array(n)
}

/**
 * Adds the gravity (before recombining) and push-apart corrections between one player's circles
 * to the per-circle directions in `s.dirX` / `s.dirY`.
 */
function applySelfForces(world: World, s: MoveScratch, circles: readonly Entity[], timestamp: number): void {
  const n = circles.length
  if (s.px.length < n) {
    s.px = grow(s.px, n)
    s.py = grow(s.py, n)
    s.radius = grow(s.radius, n)
    s.tbr = grow(s.tbr, n)
  }
  for (let i = 0; i < n; i++) {
    const e = circles[i] as Entity
    s.px[i] = world.read(e, Body, 'x')
    s.py[i] = world.read(e, Body, 'y')
    s.radius[i] = massToRadius(world.read(e, Body, 'mass'))
    const sinceSplit = (timestamp - world.read(e, Circle, 'lastSplitAt')) / 1000
    s.tbr[i] = Math.max(SPLIT_RECOMBINE_DELAY_SEC - sinceSplit, 0)
  }
  // Gravity: circles close to recombining pull toward the player's other circles.
  for (let i = 0; i < n; i++) {
    const tbr = s.tbr[i] as number
    if (tbr > SPLIT_GRAV_PULL_BEFORE_RECOMBINE_SEC) continue
    const ii = entityIndex(circles[i] as Entity)
    for (let j = 0; j < n; j++) {
      if (j === i) continue
      const d2 = separation(s, i, j)
      const rsum = (s.radius[i] as number) + (s.radius[j] as number)
      if (d2 > rsum * rsum) {
        const dist = Math.sqrt(d2)
        const k =
          ((rsum - dist) * (1 - tbr / SPLIT_GRAV_PULL_BEFORE_RECOMBINE_SEC) * SELF_COLLISION_SPEED) / n / dist / 2
        pushPair(s, ii, entityIndex(circles[j] as Entity), k)
      }
    }
  }
  // Push apart: circles overlapping by more than the allowed share move away from each other.
  for (let i = 0; i < n; i++) {
    const ii = entityIndex(circles[i] as Entity)
    for (let j = i + 1; j < n; j++) {
      const d2 = separation(s, i, j)
      const rsum = (s.radius[i] as number) + (s.radius[j] as number)
      const allowed = rsum * ALLOWED_SPLIT_CIRCLE_OVERLAP_PCT
      if (d2 < allowed * allowed) {
        const dist = Math.sqrt(d2)
        const k = ((rsum - dist) * SELF_COLLISION_SPEED) / dist / 2
        pushPair(s, ii, entityIndex(circles[j] as Entity), k)
      }
    }
  }
}

/**
 * Measures circle `i` from circle `j` (slots of `s.px` / `s.py`): writes the offset to `s.sepX` /
 * `s.sepY` and returns the squared distance. Coincident circles are treated as one unit apart
 * along +x, so they still push apart.
 */
function separation(s: MoveScratch, i: number, j: number): number {
  const dx = (s.px[i] as number) - (s.px[j] as number)
  const dy = (s.py[i] as number) - (s.py[j] as number)
  const d2 = dx * dx + dy * dy
  if (d2 <= 0.0001) {
    s.sepX = 1
    s.sepY = 0
    return 1
  }
  s.sepX = dx
  s.sepY = dy
  return d2
}

/** Adds `k` × the last separation to entity index `ii`'s direction and subtracts it from `jj`'s. */
function pushPair(s: MoveScratch, ii: number, jj: number, k: number): void {
  s.dirX[ii] = (s.dirX[ii] as number) + s.sepX * k
  s.dirY[ii] = (s.dirY[ii] as number) + s.sepY * k
  s.dirX[jj] = (s.dirX[jj] as number) - s.sepX * k
  s.dirY[jj] = (s.dirY[jj] as number) - s.sepY * k
}

/**
 * The movement step, shared by the server and the client's prediction: steers, spreads and gathers
 * each player's circles, moves every circle by its direction times its maximum speed and clamps it
 * inside the world. Collisions (consumption) are not part of it: they stay on the server.
 *
 * It reads nothing but the world and `timestamp` (no wall clock, no randomness), visits circles in
 * query order and players in query order, and writes `Body.x` / `Body.y` through the world, so the
 * same rows and the same `timestamp` give the same result on any machine (the `f32` columns round
 * the same way everywhere).
 *
 * @param world - a world with {@link Body}, {@link Circle} and {@link Player} (inside a transaction
 *   when it tracks changes)
 * @param timestamp - time of the step, in ms since epoch (for the time since each circle's last split)
 * @throws EcsError 'ERR_NO_TRANSACTION' when called outside a transaction of a tracking world
 * @example
 * world.transaction(() => moveCircles(world, Date.now()))
 * @see reference `move_all_players` (steps 1 to 3; step 4, collisions, is the server's)
 */
export function moveCircles(world: World, timestamp: number): void {
  const s = scratchFor(world)
  const circles = s.circles
  circles.length = 0
  world.query([Body, Circle]).forEach((e) => {
    circles.push(e)
  })
  let maxIndex = 0
  for (const e of circles) maxIndex = Math.max(maxIndex, entityIndex(e))
  if (s.dirX.length <= maxIndex) {
    s.dirX = grow(s.dirX, maxIndex + 1)
    s.dirY = grow(s.dirY, maxIndex + 1)
  }
  // 1. Each circle's own direction times its speed.
  for (const e of circles) {
    const i = entityIndex(e)
    // Read as the wire carries them (see snapDirection): a client's replica moves its circles the same way.
    const speed = snapDirection(world.read(e, Circle, 'speed'))
    s.dirX[i] = snapDirection(world.read(e, Circle, 'dirX')) * speed
    s.dirY[i] = snapDirection(world.read(e, Circle, 'dirY')) * speed
  }
  // 2. Players with several circles: gravity before recombining, and push apart.
  world.query([Player]).forEach((player) => {
    const own = world.findAll(Circle, 'playerId', player)
    if (own.length > 1) applySelfForces(world, s, own, timestamp)
  })
  // 3. Move and clamp.
  const side = worldSizeOf(world)
  for (const e of circles) {
    const i = entityIndex(e)
    const mass = world.read(e, Body, 'mass')
    const r = massToRadius(mass)
    const speed = massToMaxMoveSpeed(mass)
    // On the wire's grid, inside the world (see snapPosition).
    const lo = Math.ceil(r / POSITION_STEP) * POSITION_STEP
    const hi = Math.floor((side - r) / POSITION_STEP) * POSITION_STEP
    const x = Math.min(hi, Math.max(lo, snapPosition(world.read(e, Body, 'x') + (s.dirX[i] as number) * speed)))
    const y = Math.min(hi, Math.max(lo, snapPosition(world.read(e, Body, 'y') + (s.dirY[i] as number) * speed)))
    world.set(e, Body, 'x', x)
    world.set(e, Body, 'y', y)
  }
}

/**
 * Steers every circle of a player: direction = the input normalized ((0, 0) stays (0, 0)), speed =
 * its length clamped to [0, 1]. The effect of the `updatePlayerInput` reducer, shared with prediction.
 *
 * @param world - a world with {@link Circle} (inside a transaction when it tracks changes)
 * @param playerId - the player's entity
 * @param dirX - input x, finite (length > 1 means full speed)
 * @param dirY - input y, finite (world y grows downward on screen)
 * @throws EcsError 'ERR_NO_TRANSACTION' when called outside a transaction of a tracking world
 * @example
 * steerCircles(world, player, 3, 4) // direction (0.6, 0.8), speed 1
 * @see reference `update_player_input`
 */
export function steerCircles(world: World, playerId: Entity, dirX: number, dirY: number): void {
  const length = Math.hypot(dirX, dirY)
  const nx = length > 0 ? dirX / length : 0
  const ny = length > 0 ? dirY / length : 0
  const speed = Math.min(1, Math.max(0, length))
  const circles = world.findAll(Circle, 'playerId', playerId)
  for (let i = 0; i < circles.length; i++) {
    const e = circles[i] as Entity
    world.set(e, Circle, 'dirX', nx)
    world.set(e, Circle, 'dirY', ny)
    world.set(e, Circle, 'speed', speed)
  }
}
