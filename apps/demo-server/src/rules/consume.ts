import type { Entity, World } from '@orrery/ecs'
import { Body, CONSUME_EVENT } from '@orrery/demo-shared'
import { BlackholioError } from '../errors.js'

/**
 * Makes `consumer` eat `consumed` in a nested transaction (a savepoint): the eater gains the eaten mass,
 * the eaten entity is destroyed and a `consume` event `{consumed, consumer}` is emitted.
 *
 * @param world - the server world, inside a transaction
 * @param consumed - the entity eaten (food or circle)
 * @param consumer - the circle that eats it
 * @throws BlackholioError 'ERR_ENTITY_GONE' when either entity has no body; nothing is changed then
 * @example
 * consume(world, food, circle)
 * @see reference `consume_entity`
 */
export function consume(world: World, consumed: Entity, consumer: Entity): void {
  world.transaction(() => {
    if (!world.isAlive(consumed) || !world.has(consumed, Body)) {
      throw new BlackholioError('ERR_ENTITY_GONE', `consumed entity ${consumed} does not exist`)
    }
    if (!world.isAlive(consumer) || !world.has(consumer, Body) || consumer === consumed) {
      throw new BlackholioError('ERR_ENTITY_GONE', `consumer entity ${consumer} does not exist`)
    }
    const mass = world.read(consumed, Body, 'mass')
    const consumerMass = world.read(consumer, Body, 'mass')
    world.emit(CONSUME_EVENT, { consumed, consumer })
    world.destroy(consumed)
    world.set(consumer, Body, 'mass', consumerMass + mass)
  })
}

/**
 * Like {@link consume}, but reports a vanished entity as `false` instead of throwing.
 *
 * @param world - the server world, inside a transaction
 * @param consumed - the entity eaten
 * @param consumer - the circle that eats it
 * @returns true when the consume committed
 * @throws any error other than BlackholioError 'ERR_ENTITY_GONE'
 * @example
 * if (tryConsume(world, food, circle)) eaten++
 */
export function tryConsume(world: World, consumed: Entity, consumer: Entity): boolean {
  try {
    consume(world, consumed, consumer)
    return true
  } catch (error) {
    if (error instanceof BlackholioError && error.code === 'ERR_ENTITY_GONE') return false
    throw error
  }
}
