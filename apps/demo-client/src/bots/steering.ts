import { canConsume, massToRadius, WORLD_SIZE } from '@orrery/demo-shared'

/** A body as a bot sees it: centre in world units and mass. */
export interface SeenBody {
  /** Centre x, world units. */
  readonly x: number
  /** Centre y, world units. */
  readonly y: number
  /** Mass. */
  readonly mass: number
}

/** What a bot knows when it picks a direction. */
export interface SteeringView {
  /** The bot's own circles (at least one). */
  readonly own: readonly SeenBody[]
  /** Other players' circles. */
  readonly others: readonly SeenBody[]
  /** Food, any order. */
  readonly food: readonly SeenBody[]
}

/** Tuning of {@link chooseDirection}; every field has a default. */
export interface SteeringOptions {
  /** Distance (world units, from the bot's centre of mass) within which a bigger circle makes the bot flee. Default 90. */
  readonly dangerRadius?: number
  /** Distance within which the bot chases a smaller circle it can eat (kept short, about what a new player sees on screen, so a human who just spawned has a chance). Default 40. */
  readonly chaseRadius?: number
  /** Distance from the world's edge at which the bot steers back inward. Default 40. */
  readonly wallMargin?: number
  /** Side of the world, world units (the replica's `worldSizeOf`). Default 1000, the reference's. */
  readonly worldSize?: number
}

/** The direction a bot steers: a unit vector, or (0, 0) when it has nothing to do. */
export interface Steering {
  /** Direction x (unit vector, or 0 when idle). */
  readonly dirX: number
  /** Direction y (unit vector, or 0 when idle). */
  readonly dirY: number
  /** What won: 'flee', 'chase', 'food' or 'idle'. */
  readonly goal: 'flee' | 'chase' | 'food' | 'idle'
}

/**
 * Picks where a bot steers: away from bigger circles that could eat it, toward smaller circles it can
 * eat, otherwise toward the nearest food, and back inward near the world's edge.
 *
 * @param view - the bot's circles, other players' circles and food (positions in world units)
 * @param options - distances in world units, see {@link SteeringOptions}
 * @returns a unit direction (or (0, 0) with goal 'idle' when there is nothing to chase or flee)
 * @example
 * chooseDirection({ own: [{ x: 0, y: 0, mass: 15 }], others: [], food: [{ x: 10, y: 0, mass: 2 }] })
 * // { dirX: 1, dirY: 0, goal: 'food' }
 */
export function chooseDirection(view: SteeringView, options: SteeringOptions = {}): Steering {
  const dangerRadius = options.dangerRadius ?? 90
  const chaseRadius = options.chaseRadius ?? 40
  const wallMargin = options.wallMargin ?? 40
  const side = options.worldSize ?? WORLD_SIZE
  let total = 0
  let cx = 0
  let cy = 0
  let smallest = Number.POSITIVE_INFINITY
  let biggest = 0
  for (const c of view.own) {
    total += c.mass
    cx += c.x * c.mass
    cy += c.y * c.mass
    smallest = Math.min(smallest, c.mass)
    biggest = Math.max(biggest, c.mass)
  }
  if (total <= 0) return { dirX: 0, dirY: 0, goal: 'idle' }
  cx /= total
  cy /= total

  let fleeX = 0
  let fleeY = 0
  let chaseX = 0
  let chaseY = 0
  let chaseBest = Number.POSITIVE_INFINITY
  for (const o of view.others) {
    const dx = o.x - cx
    const dy = o.y - cy
    const dist = Math.hypot(dx, dy)
    if (canConsume(smallest, o.mass)) {
      const reach = dangerRadius + massToRadius(o.mass)
      if (dist < reach && dist > 0) {
        const w = (1 - dist / reach) * 3
        fleeX -= (dx / dist) * w
        fleeY -= (dy / dist) * w
      }
    } else if (canConsume(o.mass, biggest) && dist < chaseRadius && dist < chaseBest && dist > 0) {
      chaseBest = dist
      chaseX = dx / dist
      chaseY = dy / dist
    }
  }

  let goal: Steering['goal'] = 'idle'
  let x = 0
  let y = 0
  if (fleeX !== 0 || fleeY !== 0) {
    goal = 'flee'
    x = fleeX
    y = fleeY
  } else if (chaseBest < Number.POSITIVE_INFINITY) {
    goal = 'chase'
    x = chaseX
    y = chaseY
  } else {
    let best = Number.POSITIVE_INFINITY
    for (const f of view.food) {
      const dx = f.x - cx
      const dy = f.y - cy
      const d2 = dx * dx + dy * dy
      if (d2 < best) {
        best = d2
        x = dx
        y = dy
      }
    }
    if (best < Number.POSITIVE_INFINITY) {
      goal = 'food'
      const d = Math.sqrt(best)
      x = d > 0 ? x / d : 0
      y = d > 0 ? y / d : 0
    }
  }
  if (goal !== 'idle') {
    if (cx < wallMargin) x += (wallMargin - cx) / wallMargin
    if (cx > side - wallMargin) x -= (cx - (side - wallMargin)) / wallMargin
    if (cy < wallMargin) y += (wallMargin - cy) / wallMargin
    if (cy > side - wallMargin) y -= (cy - (side - wallMargin)) / wallMargin
  }
  const length = Math.hypot(x, y)
  if (length === 0) return { dirX: 0, dirY: 0, goal: 'idle' }
  return { dirX: x / length, dirY: y / length, goal }
}
