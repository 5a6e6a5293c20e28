import type { Component, World } from '@orrery/ecs'
import { createReplicator, type Replicator } from '@orrery/sync'
import type { ModuleDef } from './module.js'
import type { ResolvedLimits } from './options.js'

/**
 * The components a module's clients may see: all but the private ones, which stay on the server (they are
 * neither described in Welcome nor replicated, but they are persisted).
 *
 * @param components - the module's replicable components, in table-id order
 */
export function replicatedComponents(components: readonly Component[]): Component[] {
  return components.filter((c) => (c.options as { visibility?: unknown }).visibility !== 'private')
}

/**
 * The replicator of a module's world with the server's limits, the module's event scope, and the seq and
 * tick a recovered world goes on from (so Welcome and updates continue them).
 *
 * @param module - the module (its `eventScope`)
 * @param world - the server's world
 * @param components - the replicated components ({@link replicatedComponents})
 * @param limits - the server's limits
 * @param start - `seq`, `tick` the world was recovered at, `hysteresis` option
 */
export function createModuleReplicator(
  module: ModuleDef,
  world: World,
  components: readonly Component[],
  limits: ResolvedLimits,
  start: { readonly seq: number; readonly tick: number; readonly hysteresis: number | undefined },
): Replicator {
  const eventScope = module.eventScope
  return createReplicator({
    world,
    components,
    maxSubscriptionsPerClient: limits.maxSubscriptionsPerClient,
    updateBudgetBytes: limits.updateBudgetBytes,
    ...(start.hysteresis === undefined ? {} : { hysteresis: start.hysteresis }),
    ...(module.frequent === undefined ? {} : { frequent: module.frequent }),
    ...(module.predictionTolerance === undefined ? {} : { predictionTolerance: module.predictionTolerance }),
    ...(eventScope === undefined ? {} : { eventScope: (event) => eventScope.call(module, event) }),
    initialSeq: start.seq,
    initialTick: start.tick,
  })
}
