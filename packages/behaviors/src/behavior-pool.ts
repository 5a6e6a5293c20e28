import type { Worker } from 'node:worker_threads'
import { BehaviorError } from './behavior-error.js'
import type { CallOutcome } from './call-outcome.js'
import { resolveSandboxLimits, type SandboxLimits } from './limits.js'
import { spawnSandboxWorker } from './spawn-worker.js'
import type { AgentCall, FromWorker, ToWorker, WorkerSetup } from './worker-protocol.js'

/** Options of {@link createBehaviorPool}. */
export interface BehaviorPoolOptions {
  /** Worker threads (each runs its agents' calls one after another). Default 1. */
  readonly threads?: number
  /** Limits of every sandbox, see {@link SandboxLimits}. */
  readonly limits?: Partial<SandboxLimits>
  /**
   * A module exporting `buildView` (a `ViewBuilder`) that each worker thread loads: calls' inputs then
   * go through it, with the batch's frame, to become views (see {@link BehaviorPool.run}).
   */
  readonly viewModule?: URL | string
  /**
   * Nice value of the worker threads, -20 to 19 (on Linux a thread has its own): a higher one lets the tick
   * thread run first when cores are scarce, so the behaviours wait rather than the tick. Default 10.
   */
  readonly nice?: number
}

interface Slot {
  worker: Worker
  agents: Set<string>
  pending: Map<number, (outcomes: readonly CallOutcome[]) => void>
}

/**
 * Worker threads that hold one sandbox per agent and run batches of calls off the caller's thread.
 * An agent stays on the thread it was loaded on; a new agent goes to the thread with the fewest.
 *
 * @example
 * const pool = await createBehaviorPool({ threads: 2, limits: { cpuBudgetMs: 5 } })
 * pool.load('agent-1', 'function tick(v) { return { dirX: 1, dirY: 0 } }')
 * const [outcome] = await pool.run([{ agent: 'agent-1', input: '{}', seed: 1, now: Date.now() }])
 * await pool.close()
 */
export class BehaviorPool {
  readonly #slots: Slot[]
  readonly #limits: SandboxLimits
  readonly #setup: WorkerSetup
  readonly #home = new Map<string, Slot>()
  readonly #code = new Map<string, string>()
  #batch = 0
  #closed = false

  /** Use {@link createBehaviorPool}. */
  constructor(workers: readonly Worker[], limits: SandboxLimits, setup: WorkerSetup) {
    this.#limits = limits
    this.#setup = setup
    this.#slots = workers.map((worker) => this.#attach({ worker, agents: new Set(), pending: new Map() }))
  }

  #attach(slot: Slot): Slot {
    slot.worker.on('message', (message: FromWorker) => {
      if (message.type !== 'done') return
      const resolve = slot.pending.get(message.batch)
      slot.pending.delete(message.batch)
      resolve?.(message.outcomes)
    })
    slot.worker.on('error', () => {})
    slot.worker.once('exit', () => {
      if (this.#closed) return
      // The thread died (it should not: sandboxes fail alone). Its calls in flight fail; a new thread reloads its agents.
      for (const [, resolve] of slot.pending) resolve([])
      slot.pending.clear()
      slot.worker = spawnSandboxWorker(this.#setup)
      this.#attach(slot)
      for (const agent of slot.agents) this.#post(slot, { type: 'load', agent, code: this.#code.get(agent) ?? '', limits: this.#limits })
    })
    return slot
  }

  /** Worker threads in the pool. */
  get threads(): number {
    return this.#slots.length
  }

  /** Agents loaded. */
  get agents(): number {
    return this.#home.size
  }

  #post(slot: Slot, message: ToWorker): void {
    slot.worker.postMessage(message)
  }

  /**
   * Loads (or replaces) an agent's behaviour in a sandbox of its own. A script that fails when evaluated
   * is reported by every later call of the agent as `load-failed`.
   *
   * @param agent - the agent's id
   * @param code - the behaviour's script, checked beforehand with `checkBehaviorCode`
   * @throws BehaviorError `ERR_POOL_CLOSED` after {@link BehaviorPool.close}
   */
  load(agent: string, code: string): void {
    if (this.#closed) throw new BehaviorError('ERR_POOL_CLOSED', 'the behaviour pool is closed')
    let slot = this.#home.get(agent)
    if (slot === undefined) {
      slot = this.#slots.reduce((a, b) => (b.agents.size < a.agents.size ? b : a))
      slot.agents.add(agent)
      this.#home.set(agent, slot)
    }
    this.#code.set(agent, code)
    this.#post(slot, { type: 'load', agent, code, limits: this.#limits })
  }

  /**
   * Frees an agent's sandbox; its later calls fail with `load-failed`. Unknown agents are ignored.
   *
   * @param agent - the agent's id
   */
  unload(agent: string): void {
    const slot = this.#home.get(agent)
    if (slot === undefined || this.#closed) return
    slot.agents.delete(agent)
    this.#home.delete(agent)
    this.#code.delete(agent)
    this.#post(slot, { type: 'unload', agent })
  }

  /**
   * Runs one call per agent on their threads, in parallel across threads.
   *
   * @param calls - the calls; an agent that is not loaded gets `load-failed`
   * @param frame - with a `viewModule`: the data its `buildView(frame, call.input)` reads (cloned once per thread)
   * @returns one outcome per call, in the order of `calls`
   * @throws BehaviorError `ERR_POOL_CLOSED` after {@link BehaviorPool.close}
   */
  async run(calls: readonly AgentCall[], frame?: unknown): Promise<CallOutcome[]> {
    if (this.#closed) throw new BehaviorError('ERR_POOL_CLOSED', 'the behaviour pool is closed')
    const outcomes: CallOutcome[] = new Array(calls.length)
    const groups = new Map<Slot, number[]>()
    calls.forEach((call, i) => {
      const slot = this.#home.get(call.agent)
      if (slot === undefined) {
        outcomes[i] = { ok: false, reason: 'load-failed', message: 'no behaviour loaded for this agent', usedMs: 0 }
        return
      }
      const group = groups.get(slot) ?? []
      group.push(i)
      groups.set(slot, group)
    })
    const batch = ++this.#batch
    await Promise.all(
      [...groups].map(
        ([slot, indexes]) =>
          new Promise<void>((resolve) => {
            slot.pending.set(batch, (results) => {
              indexes.forEach((i, k) => {
                outcomes[i] = results[k] ?? { ok: false, reason: 'threw', message: 'the worker thread failed', usedMs: 0 }
              })
              resolve()
            })
            this.#post(slot, { type: 'run', batch, calls: indexes.map((i) => calls[i] as AgentCall), frame })
          }),
      ),
    )
    return outcomes
  }

  /** Stops the worker threads; calls in flight resolve with failures. Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    for (const slot of this.#slots) {
      for (const [, resolve] of slot.pending) resolve([])
      slot.pending.clear()
    }
    await Promise.all(this.#slots.map((slot) => slot.worker.terminate()))
  }
}

function ready(worker: Worker): Promise<void> {
  return new Promise((resolve, reject) => {
    const onMessage = (message: FromWorker): void => {
      if (message.type !== 'ready') return
      worker.off('error', onError)
      worker.off('message', onMessage)
      resolve()
    }
    const onError = (error: unknown): void => {
      worker.off('message', onMessage)
      reject(new BehaviorError('ERR_WORKER_FAILED', `a sandbox worker thread failed to start: ${String(error)}`, { cause: error }))
    }
    worker.on('message', onMessage)
    worker.once('error', onError)
  })
}

/**
 * Starts a pool of sandbox worker threads and waits until each has loaded QuickJS.
 *
 * @param options - `threads` (default 1), `limits` of every sandbox
 * @returns the pool
 * @throws BehaviorError `ERR_INVALID_OPTIONS` for a bad thread count or limit; `ERR_WORKER_FAILED` when a thread fails to start
 * @example
 * const pool = await createBehaviorPool({ threads: 2 })
 */
export async function createBehaviorPool(options: BehaviorPoolOptions = {}): Promise<BehaviorPool> {
  const threads = options.threads ?? 1
  if (!Number.isInteger(threads) || threads < 1 || threads > 64) {
    throw new BehaviorError('ERR_INVALID_OPTIONS', `threads must be an integer in [1, 64], got ${String(threads)}`)
  }
  const limits = resolveSandboxLimits(options.limits)
  const nice = options.nice ?? 10
  if (!Number.isInteger(nice) || nice < -20 || nice > 19) throw new BehaviorError('ERR_INVALID_OPTIONS', `nice must be an integer in [-20, 19], got ${String(nice)}`)
  const setup: WorkerSetup = { viewModule: options.viewModule === undefined ? null : String(options.viewModule), nice }
  const workers = Array.from({ length: threads }, () => spawnSandboxWorker(setup))
  try {
    await Promise.all(workers.map(ready))
  } catch (error) {
    await Promise.all(workers.map((w) => w.terminate()))
    throw error
  }
  return new BehaviorPool(workers, limits, setup)
}
