import type { BehaviorPool } from './behavior-pool.js'
import { BudgetStats } from './budget-stats.js'
import { type CallOutcome, type FailureReason, RESOURCE_OFFENCES } from './call-outcome.js'
import type { AgentCall } from './worker-protocol.js'

/** Options of {@link AgentRunner}. */
export interface AgentRunnerOptions<I> {
  /** The worker threads the behaviours run on. */
  readonly pool: BehaviorPool
  /** Turns a behaviour's result into an intent, or says (as a string) why it is not one. Runs on the caller's thread. */
  readonly parseIntent: (value: unknown) => I | { readonly invalid: string }
  /** Resource offences (interrupted, out of memory, stack overflow) within {@link offenceWindow} calls that suspend an agent. Default 3. */
  readonly offencesToSuspend?: number
  /** The window of calls offences are counted in. Default 100. */
  readonly offenceWindow?: number
  /** Told once when an agent is suspended, with the reason (e.g. `interrupted: ran past its 5 ms budget 3 times`). */
  readonly onSuspend?: (agent: string, reason: string) => void
  /** Told of every failed call: the agent idles this tick. */
  readonly onFailure?: (agent: string, reason: FailureReason, message: string) => void
}

/** An intent a behaviour computed during `tick`, to apply at the next tick. */
export interface AgentIntent<I> {
  readonly agent: string
  readonly intent: I
  /** The tick the behaviour ran for. */
  readonly tick: number
}

/** Counters of an {@link AgentRunner} since it started. */
export interface BehaviorMetrics {
  /** Agents added and not removed (suspended ones included). */
  readonly agents: number
  /** Agents suspended now. */
  readonly suspended: number
  /** Calls answered (successes and failures). */
  readonly calls: number
  /** Failed calls by reason. */
  readonly failures: Readonly<Record<FailureReason, number>>
  /** Calls stopped by the CPU budget (the `interrupted` failures). */
  readonly interrupts: number
  /** Agents suspended since start. */
  readonly suspensions: number
  /** Ticks whose batch was not sent because the previous one was still running (its agents idle that tick). */
  readonly skippedBatches: number
  /** Intents taken a tick (or more) after the one following their batch's tick, because the batch outran its tick. */
  readonly lateIntents: number
  /** CPU time of one call, median and 99th percentile over the last 4096 calls, ms. */
  readonly budgetP50Ms: number
  readonly budgetP99Ms: number
}

interface AgentState {
  calls: number
  offences: number[]
  suspended: string | null
}

const NO_FAILURES: Record<FailureReason, number> = {
  interrupted: 0,
  'out-of-memory': 0,
  'stack-overflow': 0,
  threw: 0,
  'result-too-large': 0,
  'invalid-result': 0,
  'invalid-intent': 0,
  'load-failed': 0,
  suspended: 0,
}

/**
 * Runs agents' behaviours beside a tick loop that never waits for them: at tick N, {@link AgentRunner.dispatch}
 * sends one batch of calls to the worker threads and returns at once; at tick N + 1, {@link AgentRunner.take}
 * returns the intents that batch computed. A call that fails (over budget, threw, invalid intent...) gives no
 * intent: its agent idles that tick, and the failure is counted and reported with its reason. An agent with
 * too many resource offences is suspended, reported once through `onSuspend`, and no longer called.
 *
 * @example
 * ```ts
 * const pool = await createBehaviorPool({ threads: 1 })
 * const runner = new AgentRunner<number>({ pool, parseIntent: (v) => (typeof v === 'number' ? v : { invalid: 'not a number' }) })
 * runner.add('a1', 'function tick(v) { return v.n + 1 }')
 * const apply = (agent: string, intent: number): void => console.log(agent, intent)
 * // every tick:
 * const tick = 1
 * for (const { agent, intent } of runner.take(tick)) apply(agent, intent)
 * runner.dispatch(tick, [{ agent: 'a1', input: '{"n":1}', seed: tick, now: Date.now() }])
 * ```
 */
export class AgentRunner<I> {
  readonly #options: AgentRunnerOptions<I>
  readonly #agents = new Map<string, AgentState>()
  readonly #budget = new BudgetStats()
  readonly #failures: Record<FailureReason, number> = { ...NO_FAILURES }
  #ready: AgentIntent<I>[] = []
  #inFlight: Promise<void> | null = null
  #calls = 0
  #suspensions = 0
  #skipped = 0
  #late = 0

  /** @param options - see {@link AgentRunnerOptions} */
  constructor(options: AgentRunnerOptions<I>) {
    this.#options = options
  }

  /**
   * Adds an agent, or gives it a new behaviour (and lifts a suspension).
   *
   * @param agent - the agent's id
   * @param code - the behaviour's script, checked with `checkBehaviorCode`
   * @throws BehaviorError `ERR_POOL_CLOSED` after the pool closed
   */
  add(agent: string, code: string): void {
    this.#options.pool.load(agent, code)
    this.#agents.set(agent, { calls: 0, offences: [], suspended: null })
  }

  /** @param agent - the agent to stop running (its sandbox is freed) */
  remove(agent: string): void {
    this.#agents.delete(agent)
    this.#options.pool.unload(agent)
  }

  /**
   * @param agent - the agent's id
   * @returns why the agent is suspended, or null when it runs (or is unknown)
   */
  suspension(agent: string): string | null {
    return this.#agents.get(agent)?.suspended ?? null
  }

  /** @returns true while a batch runs on the worker threads */
  get busy(): boolean {
    return this.#inFlight !== null
  }

  /**
   * Sends one batch of calls (suspended and unknown agents left out) for `tick` and returns at once.
   *
   * @param tick - the tick the views were taken at
   * @param calls - one call per agent to run
   * @param frame - the data a pool's `viewModule` builds the views from (see `BehaviorPool.run`)
   * @returns false, sending nothing, when the previous batch is still running (its agents idle this tick)
   */
  dispatch(tick: number, calls: readonly AgentCall[], frame?: unknown): boolean {
    if (this.#inFlight !== null) {
      this.#skipped++
      return false
    }
    const running = calls.filter((call) => {
      const state = this.#agents.get(call.agent)
      return state !== undefined && state.suspended === null
    })
    if (running.length === 0) return true
    this.#inFlight = this.#options.pool.run(running, frame).then(
      (outcomes) => {
        this.#inFlight = null
        outcomes.forEach((outcome, i) => {
          this.#settle(tick, (running[i] as AgentCall).agent, outcome)
        })
      },
      () => {
        this.#inFlight = null
      },
    )
    return true
  }

  /** Waits for the batch in flight, if any (for tests and step-by-step runs). */
  async settled(): Promise<void> {
    await this.#inFlight
  }

  /**
   * The intents computed since the last take: those of the previous tick's batch, or, when that batch
   * outran its tick (the next batch was then skipped), of the one before, a tick late (counted in `lateIntents`).
   *
   * @param tick - the tick starting now
   * @returns the intents to apply now, in the order of the batch
   */
  take(tick: number): AgentIntent<I>[] {
    const ready = this.#ready
    this.#ready = []
    for (const entry of ready) if (entry.tick < tick - 1) this.#late++
    return ready
  }

  #fail(agent: string, reason: FailureReason, message: string): void {
    this.#failures[reason]++
    this.#options.onFailure?.(agent, reason, message)
  }

  #settle(tick: number, agent: string, outcome: CallOutcome): void {
    this.#calls++
    this.#budget.record(outcome.usedMs)
    const state = this.#agents.get(agent)
    if (state === undefined) return
    state.calls++
    if (outcome.ok) {
      const intent = this.#options.parseIntent(outcome.value)
      if (intent !== null && typeof intent === 'object' && 'invalid' in intent) this.#fail(agent, 'invalid-intent', String(intent.invalid))
      else this.#ready.push({ agent, intent: intent as I, tick })
      return
    }
    this.#fail(agent, outcome.reason, outcome.message)
    if (!RESOURCE_OFFENCES.has(outcome.reason)) return
    const window = this.#options.offenceWindow ?? 100
    state.offences.push(state.calls)
    while ((state.offences[0] ?? state.calls) <= state.calls - window) state.offences.shift()
    if (state.offences.length >= (this.#options.offencesToSuspend ?? 3) && state.suspended === null) {
      state.suspended = `${outcome.reason} ${state.offences.length} times in ${window} calls (last: ${outcome.message})`
      this.#suspensions++
      this.#options.pool.unload(agent)
      this.#options.onSuspend?.(agent, state.suspended)
    }
  }

  /** @returns counters since start, see {@link BehaviorMetrics} */
  metrics(): BehaviorMetrics {
    let suspended = 0
    for (const state of this.#agents.values()) if (state.suspended !== null) suspended++
    return {
      agents: this.#agents.size,
      suspended,
      calls: this.#calls,
      failures: { ...this.#failures },
      interrupts: this.#failures.interrupted,
      suspensions: this.#suspensions,
      skippedBatches: this.#skipped,
      lateIntents: this.#late,
      budgetP50Ms: this.#budget.percentile(0.5),
      budgetP99Ms: this.#budget.percentile(0.99),
    }
  }
}
