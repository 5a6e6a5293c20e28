import { availableParallelism } from 'node:os'
import { type BehaviorPool, createBehaviorPool } from '@orrery/behaviors'
import type { World } from '@orrery/ecs'
import { MODULE_IDENTITY } from '@orrery/server'
import { AgentHost, type AgentHostMetrics, type ReducerCaller } from './agent-host.js'
import { Agent } from './behavior-components.js'
import { ENDLESS_LOOP_BEHAVIOR, SAMPLE_BEHAVIORS } from './sample-behaviors.js'
import { VIEW_MODULE_URL } from './world-frame.js'

/** The agent fields of the headless report. */
export interface AgentReport {
  /** Agents in the world at the end. */
  readonly agents: number
  /** Behaviour calls answered per second over the window. */
  readonly behaviorCallsPerSec: number
  /** CPU time of one behaviour call, median and 99th percentile, ms. */
  readonly behaviorBudgetP50Ms: number
  readonly behaviorBudgetP99Ms: number
  /** Calls stopped by the CPU budget in the window. */
  readonly interrupts: number
  /** Agents suspended in the window. */
  readonly suspensions: number
  /** Ticks whose batch was skipped because the previous one still ran. */
  readonly behaviorSkippedBatches: number
  /** Reducer calls made for agents per second, and those the rules refused. */
  readonly agentReducerCallsPerSec: number
  readonly agentReducerErrors: number
  /** Worker threads running behaviours. */
  readonly behaviorThreads: number
  /** The `agents` system's share of the tick (frame, calls, dispatch), median and 99th percentile, ms. */
  readonly agentSystemP50Ms: number
  readonly agentSystemP99Ms: number
  /** The work right after each tick (agents' reducer calls, loading behaviours), median and 99th percentile, ms. */
  readonly agentAfterTickP50Ms: number
  readonly agentAfterTickP99Ms: number
}

/**
 * The demo's agents: a pool, the host the module runs every tick, the sample behaviours and the agents
 * that play them.
 *
 * @example
 * const agents = await AgentSetup.create()
 * const server = createServer({ module: createBlackholioModule({ agents: agents.host }) })
 * agents.start(server, { count: 200, endlessLoops: 1 })
 */
export class AgentSetup {
  readonly host: AgentHost
  readonly #pool: BehaviorPool
  #start: AgentHostMetrics | null = null
  #startedAt = 0

  private constructor(pool: BehaviorPool) {
    this.#pool = pool
    this.host = new AgentHost({ pool })
  }

  /**
   * @param threads - worker threads (default: 2, or 1 on a single-core machine)
   * @returns a setup whose `host` goes into `createBlackholioModule({ agents })`
   */
  static async create(threads = Math.min(2, Math.max(1, availableParallelism() - 1))): Promise<AgentSetup> {
    return new AgentSetup(await createBehaviorPool({ threads, viewModule: VIEW_MODULE_URL }))
  }

  /**
   * Stores the sample behaviours (as the server) and spawns agents playing them in turn, plus agents
   * whose behaviour loops forever; agents of an earlier run (a recovered world) are kept.
   *
   * @param server - the server (its `call` and `world`)
   * @param counts - `count` sample agents and `endlessLoops` looping ones
   */
  start(server: ReducerCaller & { readonly world: World }, counts: { readonly count: number; readonly endlessLoops: number }): void {
    this.host.attach(server)
    for (const sample of [...SAMPLE_BEHAVIORS, ENDLESS_LOOP_BEHAVIOR]) {
      server.call('saveBehavior', { ...sample, tags: 'sample' }, MODULE_IDENTITY)
    }
    const spawn = (name: string, behavior: string): void => {
      if (server.world.findUnique(Agent, 'name', name) === undefined) server.call('spawnAgent', { name, behavior, version: 0 }, MODULE_IDENTITY)
    }
    for (let i = 0; i < counts.count; i++) {
      const sample = SAMPLE_BEHAVIORS[i % SAMPLE_BEHAVIORS.length]
      if (sample !== undefined) spawn(`${sample.name}-${i + 1}`, sample.name)
    }
    for (let i = 0; i < counts.endlessLoops; i++) spawn(`${ENDLESS_LOOP_BEHAVIOR.name}-${i + 1}`, ENDLESS_LOOP_BEHAVIOR.name)
    this.#start = this.host.metrics()
    this.#startedAt = performance.now()
  }

  /**
   * @param world - the world (to count its agents)
   * @returns the report fields over the window since {@link AgentSetup.start}
   */
  report(world: World): AgentReport {
    const end = this.host.metrics()
    const start = this.#start ?? end
    const seconds = Math.max(0.001, (performance.now() - this.#startedAt) / 1000)
    return {
      agents: world.count(Agent),
      behaviorCallsPerSec: Math.round((end.calls - start.calls) / seconds),
      behaviorBudgetP50Ms: Number(end.budgetP50Ms.toFixed(3)),
      behaviorBudgetP99Ms: Number(end.budgetP99Ms.toFixed(3)),
      interrupts: end.interrupts - start.interrupts,
      suspensions: end.suspensions - start.suspensions,
      behaviorSkippedBatches: end.skippedBatches - start.skippedBatches,
      agentReducerCallsPerSec: Math.round((end.intentCalls - start.intentCalls) / seconds),
      agentReducerErrors: end.intentErrors - start.intentErrors,
      behaviorThreads: this.#pool.threads,
      agentSystemP50Ms: Number(end.systemP50Ms.toFixed(3)),
      agentSystemP99Ms: Number(end.systemP99Ms.toFixed(3)),
      agentAfterTickP50Ms: Number(end.afterTickP50Ms.toFixed(3)),
      agentAfterTickP99Ms: Number(end.afterTickP99Ms.toFixed(3)),
    }
  }

  /** Stops the worker threads. */
  close(): Promise<void> {
    return this.#pool.close()
  }
}
