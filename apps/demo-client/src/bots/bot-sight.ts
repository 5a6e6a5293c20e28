import type { Entity, World } from '@orrery/ecs'
import { Body, Circle, Food, WORLD_SIZE, worldSizeOf } from '@orrery/demo-shared'
import type { SeenBody } from './steering.js'

/** How long a bot heads for one wander point when it sees nothing, ms. */
const WANDER_MS = 5000

/**
 * What a bot sees around the centre of mass of its circles: its own circles, other players' circles and
 * food, or, when nothing is in sight, a wander point that changes now and then so that it finds food elsewhere.
 */
export class BotSight {
  /** Its own circles. */
  readonly own: SeenBody[] = []
  /** Other players' circles in sight. */
  readonly others: SeenBody[] = []
  /** Food in sight (or the wander point). */
  readonly food: SeenBody[] = []
  /** Centre of mass of its circles, their total mass and count. */
  readonly centre = { x: WORLD_SIZE / 2, y: WORLD_SIZE / 2, mass: 0, count: 0 }
  private readonly nearby: Entity[] = []
  private wander = { x: WORLD_SIZE / 2, y: WORLD_SIZE / 2, until: 0 }

  /**
   * Fills `own`, `others` and `food` from the replica around the bot's centre of mass.
   *
   * @param world - the bot's replica
   * @param player - the bot's player entity
   * @param circles - its circles
   * @param sightRadius - distance around the centre within which it looks, world units
   */
  look(world: World, player: Entity, sightRadius: number, circles: readonly Entity[]): void {
    this.own.length = 0
    this.others.length = 0
    this.food.length = 0
    let total = 0
    let cx = 0
    let cy = 0
    for (const e of circles) {
      const b = world.get(e, Body)
      if (b === undefined) continue
      this.own.push(b)
      total += b.mass
      cx += b.x * b.mass
      cy += b.y * b.mass
    }
    if (total === 0) return
    cx /= total
    cy /= total
    this.nearby.length = 0
    world.queryRadius(Body, cx, cy, sightRadius, this.nearby)
    for (const e of this.nearby) this.classify(world, player, e)
    this.centre.x = cx
    this.centre.y = cy
    this.centre.mass = total
    this.centre.count = circles.length
    if (this.food.length === 0 && this.others.length === 0) {
      // Nothing in sight: wander toward a point that changes now and then, so the bot finds food elsewhere.
      const now = Date.now()
      if (now >= this.wander.until || Math.hypot(this.wander.x - cx, this.wander.y - cy) < 10) {
        const side = worldSizeOf(world)
        this.wander = { x: Math.random() * side, y: Math.random() * side, until: now + WANDER_MS }
      }
      this.food.push({ x: this.wander.x, y: this.wander.y, mass: 1 })
    }
  }

  private classify(world: World, player: Entity, e: Entity): void {
    if (world.has(e, Food)) {
      const b = world.get(e, Body)
      if (b !== undefined) this.food.push(b)
      return
    }
    const owner = world.has(e, Circle) ? world.read(e, Circle, 'playerId') : undefined
    if (owner === undefined || owner === player) return
    const b = world.get(e, Body)
    if (b !== undefined) this.others.push(b)
  }
}
