import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { buildView, captureFrame } from '@orrery/demo-shared'
import type { World } from '@orrery/ecs'

/**
 * The module the behaviour pool's worker threads load to build views (`createBehaviorPool({ viewModule })`).
 *
 * @example
 * await createBehaviorPool({ threads: 2, viewModule: VIEW_MODULE_URL })
 */
export const VIEW_MODULE_URL: URL = pathToFileURL(join(dirname(createRequire(import.meta.url).resolve('@orrery/demo-shared')), 'agent-view.ts'))

/**
 * One agent's view now, built on this thread (for dry runs and tests; agents' views are built on the worker threads).
 *
 * @param world - the server world (read only)
 * @param player - the agent's player entity
 * @param tick - the tick to stamp the view with
 * @returns the view as JSON text, see `buildView`
 * @example
 * JSON.parse(agentView(world, player, 0)).self.alive
 */
export function agentView(world: World, player: number, tick: number): string {
  return buildView(captureFrame(world, tick), String(player))
}
