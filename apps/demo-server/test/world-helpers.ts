import { createWorld, type Entity, type World } from '@orrery/ecs'
import { Body, Circle, liveComponents, loggedOutComponents, Player } from '@orrery/demo-shared'
import { serverComponents } from '../src/components.js'
import { spawnCircleAt } from '../src/rules/spawn.js'

/** A tracking world with every Blackholio component registered. */
export function makeWorld(seed = 1): World {
  return createWorld({ components: [...liveComponents, ...loggedOutComponents, ...serverComponents], seed })
}

/** Runs `fn` in a transaction and returns its result. */
export function tx<T>(world: World, fn: () => T): T {
  return world.transaction(fn).result
}

/** Adds a live player with the given identity and name. */
export function addPlayer(world: World, identity: string, name = identity): Entity {
  return tx(world, () => {
    const e = world.create()
    world.add(e, Player, { identity, name })
    return e
  })
}

/** Adds a circle for a player, heading `dir` at `speed`. */
export function addCircle(
  world: World,
  player: Entity,
  at: { x: number; y: number; mass: number },
  options: { dirX?: number; dirY?: number; speed?: number; lastSplitAt?: number } = {},
): Entity {
  return tx(world, () => {
    const e = spawnCircleAt(world, player, at.mass, at.x, at.y, options.lastSplitAt ?? 0)
    world.update(e, Circle, { dirX: options.dirX ?? 0, dirY: options.dirY ?? 1, speed: options.speed ?? 0 })
    return e
  })
}

/** The body of an entity, or throws. */
export function body(world: World, e: Entity): { x: number; y: number; mass: number } {
  const row = world.get(e, Body)
  if (row === undefined) throw new Error(`entity ${e} has no body`)
  return row
}
