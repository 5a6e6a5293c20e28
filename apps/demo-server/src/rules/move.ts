import { type Entity, entityIndex, type World } from '@orrery/ecs'
import {
  ALLOWED_SPLIT_CIRCLE_OVERLAP_PCT,
  Body,
  Circle,
  canConsume,
  FOOD_MASS_MAX,
  Food,
  isOverlapping,
  massToMaxMoveSpeed,
  massToRadius,
  Player,
  SELF_COLLISION_SPEED,
  SPLIT_GRAV_PULL_BEFORE_RECOMBINE_SEC,
  SPLIT_RECOMBINE_DELAY_SEC,
  WORLD_SIZE,
} from '@orrery/demo-shared'
import { tryConsume } from './consume.js'

/** What one move step ate. */
export interface MoveResult {
  /** Food entities eaten in this step. */
  foodEaten: number
  /** Circles of other players eaten in this step. */
  circlesEaten: number
}

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
  candidates: Entity[]
}

const scratchByWorld = new WeakMap<World, MoveScratch>()

/** The largest radius food can have, so a collision query never misses food bigger than a circle. */
const MAX_FOOD_RADIUS = Math.sqrt(FOOD_MASS_MAX - 1)

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
      candidates: [],
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
 * Checks one circle against the bodies around it and eats what it may: food, and other players'
 * circles lighter than 0.85 of its mass. Each consume is its own nested transaction.
 */
function collide(world: World, s: MoveScratch, circle: Entity, result: MoveResult): void {
  const x = world.read(circle, Body, 'x')
  const y = world.read(circle, Body, 'y')
  const mass = world.read(circle, Body, 'mass')
  const owner = world.read(circle, Circle, 'playerId')
  const reach = Math.max(massToRadius(mass), MAX_FOOD_RADIUS)
  s.candidates.length = 0
  const candidates = world.queryRadius(Body, x, y, reach, s.candidates)
  for (let k = 0; k < candidates.length; k++) {
    const other = candidates[k] as Entity
    if (other === circle || !world.isAlive(other) || !world.has(other, Body)) continue
    const otherMass = world.read(other, Body, 'mass')
    if (!isOverlapping(x, y, mass, world.read(other, Body, 'x'), world.read(other, Body, 'y'), otherMass)) continue
    if (world.has(other, Food)) {
      if (tryConsume(world, other, circle)) result.foodEaten++
    } else if (
      world.has(other, Circle) &&
      world.read(other, Circle, 'playerId') !== owner &&
      canConsume(otherMass, mass)
    ) {
      if (tryConsume(world, other, circle)) result.circlesEaten++
    }
  }
}

/**
 * One move step (every 50 ms): steers, spreads and gathers each player's circles, moves every circle
 * by its direction times its maximum speed, clamps it inside the world, then resolves collisions.
 *
 * @param world - the server world, inside a transaction
 * @param timestamp - now, in ms since epoch (for the time since each circle's last split)
 * @returns the number of food entities and circles eaten in this step
 * @throws EcsError 'ERR_NO_TRANSACTION' when called outside a transaction of a tracking world
 * @example
 * world.transaction(() => moveAllPlayers(world, Date.now()))
 * @see reference `move_all_players`
 */
export function moveAllPlayers(world: World, timestamp: number): MoveResult {
  const s = scratchFor(world)
  const result: MoveResult = { foodEaten: 0, circlesEaten: 0 }
  const circleQuery = world.query([Body, Circle])

  // 1. Each circle's own direction times its speed.
  s.circles.length = 0
  circleQuery.forEach((e) => {
    s.circles.push(e)
  })
  let maxIndex = 0
  for (const e of s.circles) maxIndex = Math.max(maxIndex, entityIndex(e))
  if (s.dirX.length <= maxIndex) {
    s.dirX = grow(s.dirX, maxIndex + 1)
    s.dirY = grow(s.dirY, maxIndex + 1)
  }
  for (const e of s.circles) {
    const i = entityIndex(e)
    const speed = world.read(e, Circle, 'speed')
    s.dirX[i] = world.read(e, Circle, 'dirX') * speed
    s.dirY[i] = world.read(e, Circle, 'dirY') * speed
  }

  // 2. Players with several circles: gravity before recombining, and push apart.
  world.query([Player]).forEach((player) => {
    const circles = world.findAll(Circle, 'playerId', player)
    if (circles.length > 1) applySelfForces(world, s, circles, timestamp)
  })

  // 3. Move and clamp.
  for (const e of s.circles) {
    const i = entityIndex(e)
    const mass = world.read(e, Body, 'mass')
    const r = massToRadius(mass)
    const speed = massToMaxMoveSpeed(mass)
    const min = r
    const max = WORLD_SIZE - r
    const x = Math.min(max, Math.max(min, world.read(e, Body, 'x') + (s.dirX[i] as number) * speed))
    const y = Math.min(max, Math.max(min, world.read(e, Body, 'y') + (s.dirY[i] as number) * speed))
    world.set(e, Body, 'x', x)
    world.set(e, Body, 'y', y)
  }

  // 4. Collisions on the moved positions.
  for (const e of s.circles) {
    if (world.isAlive(e) && world.has(e, Circle)) collide(world, s, e, result)
  }
  return result
}
