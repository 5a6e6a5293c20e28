import { type AgentCall, AgentRunner, type BehaviorMetrics, type BehaviorPool, BudgetStats, type FailureReason } from '@orrery/behaviors'
import { captureFrame, DIRECTION_STEP, Player } from '@orrery/demo-shared'
import type { Entity, World } from '@orrery/ecs'
import { MODULE_IDENTITY, type ReducerContext } from '@orrery/server'
import type { AgentStatusLine } from './agent-rules.js'
import { type AgentIntentValue, parseAgentIntent } from './agent-intent.js'
import { Agent, agentIdentity, Behavior, BehaviorVersion } from './behavior-components.js'
import { versionRow } from './behavior-store.js'

/** What the host calls reducers through: the server's in-process `call` (a transaction per call, the agent as caller). */
export interface ReducerCaller {
  call(reducer: string, args: Readonly<Record<string, unknown>>, sender?: string): unknown
}

/** Options of {@link AgentHost}. */
export interface AgentHostOptions {
  /** The worker threads the behaviours run on, created with `viewModule: VIEW_MODULE_URL` (they build the views). */
  readonly pool: BehaviorPool
  /** Resource offences within 100 calls that suspend an agent. Default 3. */
  readonly offencesToSuspend?: number
}

/** Counters of an {@link AgentHost}: the runner's, plus what became of the intents. */
export interface AgentHostMetrics extends BehaviorMetrics {
  /** Reducer calls made for agents (inputs, splits, respawns). */
  readonly intentCalls: number
  /** Those the game's rules refused (e.g. a split below the least mass). */
  readonly intentErrors: number
  /** Time the `agents` system takes in the tick (frame, calls, dispatch), median and 99th percentile, ms. */
  readonly systemP50Ms: number
  readonly systemP99Ms: number
  /** Time of the work right after the tick (applying intents through reducers, loading behaviours), ms. */
  readonly afterTickP50Ms: number
  readonly afterTickP99Ms: number
}

interface Loaded {
  key: string
  player: Entity
  /** The player entity as text: the call's input, from which the worker builds the view. */
  input: string
  seed: number
}

/** Distance a steering must change (per component) before it is sent again, as for the bots. */
const INPUT_EPSILON = 0.05

/** A 32-bit seed for one agent's call at one tick. */
function callSeed(seed: number, tick: number): number {
  return (Math.imul(seed ^ tick, 0x9e3779b1) ^ (tick >>> 7)) | 0
}

/**
 * Runs the world's agents: every tick (as the module's last system) it sends the frame of the world and each
 * active agent's call to the worker threads (which build the views and run the behaviours), and, right
 * after the tick, applies the intents computed during the previous tick through the game's reducers with the agent as caller
 * (`updatePlayerInput`, `playerSplit`, `respawn`), so every rule applies to agents as to players, then loads
 * new or changed behaviours into the pool. Failures and suspensions are recorded in the world through the
 * `agentStatus` reducer.
 *
 * @example
 * const host = new AgentHost({ pool: await createBehaviorPool({ threads: 2 }) })
 * const server = createServer({ module: createBlackholioModule({ agents: host }) })
 * host.attach(server)
 */
export class AgentHost {
  readonly #runner: AgentRunner<AgentIntentValue>
  readonly #loaded = new Map<string, Loaded>()
  readonly #lastInput = new Map<string, readonly [number, number]>()
  #status = new Map<string, { failures: number; lastFailure?: string; suspended?: string }>()
  #caller: ReducerCaller | null = null
  #intentCalls = 0
  #intentErrors = 0
  readonly #systemMs = new BudgetStats(1024)
  readonly #afterTickMs = new BudgetStats(1024)

  /** @param options - see {@link AgentHostOptions} */
  constructor(options: AgentHostOptions) {
    this.#runner = new AgentRunner<AgentIntentValue>({
      pool: options.pool,
      parseIntent: parseAgentIntent,
      ...(options.offencesToSuspend === undefined ? {} : { offencesToSuspend: options.offencesToSuspend }),
      onFailure: (agent, reason, message) => this.#noteFailure(agent, reason, message),
      onSuspend: (agent, reason) => {
        this.#line(agent).suspended = reason
      },
    })
  }

  /** @param caller - the server (its `call` runs the agents' reducers) */
  attach(caller: ReducerCaller): void {
    this.#caller = caller
  }

  #line(agent: string): { failures: number; lastFailure?: string; suspended?: string } {
    let line = this.#status.get(agent)
    if (line === undefined) {
      line = { failures: 0 }
      this.#status.set(agent, line)
    }
    return line
  }

  #noteFailure(agent: string, reason: FailureReason, message: string): void {
    const line = this.#line(agent)
    line.failures++
    line.lastFailure = `${reason}: ${message}`
  }

  /** Loads new and changed behaviours, unloads removed and suspended agents. */
  #sync(world: World): void {
    const seen = new Set<string>()
    world.query([Agent, Player]).forEach((player) => {
      const name = world.read(player, Agent, 'name')
      if (world.read(player, Agent, 'status') !== 'active') return
      seen.add(name)
      const behavior = world.read(player, Agent, 'behavior') as Entity
      const version = world.read(player, Agent, 'version') || (world.isAlive(behavior) ? world.read(behavior, Behavior, 'current') : 0)
      const key = `${behavior}:${version}`
      const loaded = this.#loaded.get(name)
      // Unchanged; an agent the runner suspended is recorded in the world right after this tick.
      if (loaded?.key === key) return
      let code = 'function tick() { throw new Error("the behaviour is gone") }'
      try {
        code = world.read(versionRow(world, behavior, version), BehaviorVersion, 'code')
      } catch {}
      this.#runner.add(name, code)
      this.#loaded.set(name, { key, player, input: String(player), seed: world.read(player, Agent, 'seed') })
    })
    for (const name of this.#loaded.keys()) {
      if (seen.has(name)) continue
      this.#runner.remove(name)
      this.#loaded.delete(name)
      this.#lastInput.delete(name)
    }
  }

  /**
   * The body of the module's `agents` system: see the class description.
   *
   * @param ctx - the system's context (its world is read, never written, here)
   */
  onTick(ctx: ReducerContext): void {
    const started = performance.now()
    const intents = this.#runner.take(ctx.tick)
    const calls: AgentCall[] = []
    for (const [agent, loaded] of this.#loaded) {
      if (this.#runner.suspension(agent) !== null || !ctx.world.isAlive(loaded.player)) continue
      calls.push({ agent, input: loaded.input, seed: callSeed(loaded.seed, ctx.tick), now: ctx.timestamp })
    }
    // The tick thread only packs the bodies; each worker builds its agents' views from them.
    // (A batch still running means this one is skipped: no frame to capture.)
    if (calls.length > 0) this.#runner.dispatch(ctx.tick, calls, this.#runner.busy ? undefined : captureFrame(ctx.world, ctx.tick))
    // Reducers run as transactions of their own, and behaviours load, after this tick's systems, before the next tick.
    const world = ctx.world
    queueMicrotask(() => {
      const after = performance.now()
      this.#apply(intents)
      this.#sync(world)
      this.#afterTickMs.record(performance.now() - after)
    })
    this.#systemMs.record(performance.now() - started)
  }

  #call(reducer: string, args: Readonly<Record<string, unknown>>, sender: string): void {
    this.#intentCalls++
    try {
      this.#caller?.call(reducer, args, sender)
    } catch {
      this.#intentErrors++
    }
  }

  #report(): void {
    if (this.#status.size === 0 || this.#caller === null) return
    const report: AgentStatusLine[] = [...this.#status].map(([agent, line]) => ({ agent, ...line }))
    this.#status = new Map()
    this.#caller.call('agentStatus', { report }, MODULE_IDENTITY)
  }

  #apply(intents: ReadonlyArray<{ agent: string; intent: AgentIntentValue }>): void {
    for (const { agent, intent } of intents) {
      const identity = agentIdentity(agent)
      if (intent.respawn) this.#call('respawn', {}, identity)
      // Send a steering only when it changed by more than the bots' threshold (0.05 per component).
      const length = Math.hypot(intent.dirX, intent.dirY)
      const scale = length > 1 ? 1 / length : 1
      const x = Math.round((intent.dirX * scale) / DIRECTION_STEP) * DIRECTION_STEP
      const y = Math.round((intent.dirY * scale) / DIRECTION_STEP) * DIRECTION_STEP
      const last = this.#lastInput.get(agent)
      if (last === undefined || Math.abs(last[0] - x) > INPUT_EPSILON || Math.abs(last[1] - y) > INPUT_EPSILON) {
        this.#lastInput.set(agent, [x, y])
        this.#call('updatePlayerInput', { dirX: x, dirY: y }, identity)
      }
      if (intent.split) this.#call('playerSplit', {}, identity)
    }
    this.#report()
  }

  /** Waits for the batch in flight (for step-by-step runs and tests). */
  settled(): Promise<void> {
    return this.#runner.settled()
  }

  /** @returns counters since start, see {@link AgentHostMetrics} */
  metrics(): AgentHostMetrics {
    return {
      ...this.#runner.metrics(),
      intentCalls: this.#intentCalls,
      intentErrors: this.#intentErrors,
      systemP50Ms: this.#systemMs.percentile(0.5),
      systemP99Ms: this.#systemMs.percentile(0.99),
      afterTickP50Ms: this.#afterTickMs.percentile(0.5),
      afterTickP99Ms: this.#afterTickMs.percentile(0.99),
    }
  }
}
