import type { CallOutcome } from './call-outcome.js'
import type { SandboxLimits } from './limits.js'

/** One call of a batch: which agent, its view as JSON text, its `Math.random` seed, the frozen time (ms since epoch). */
export interface AgentCall {
  /** The agent's id (unique in the pool). */
  readonly agent: string
  /**
   * The view the behaviour's `tick` receives, as JSON text; with a pool's `viewModule`, the argument its
   * `buildView(frame, input)` turns into that view on the worker thread.
   */
  readonly input: string
  /** This call's `Math.random` seed (32-bit integer). */
  readonly seed: number
  /** What `Date.now()` returns during the call, ms since epoch. */
  readonly now: number
}

/** Messages from the pool to a worker thread. */
export type ToWorker =
  | { readonly type: 'load'; readonly agent: string; readonly code: string; readonly limits: SandboxLimits }
  | { readonly type: 'unload'; readonly agent: string }
  | { readonly type: 'run'; readonly batch: number; readonly calls: readonly AgentCall[]; readonly frame?: unknown }

/** Messages from a worker thread to the pool. */
export type FromWorker =
  | { readonly type: 'ready' }
  | { readonly type: 'done'; readonly batch: number; readonly outcomes: readonly CallOutcome[] }

/**
 * What a pool's `viewModule` exports as `buildView`: builds one agent's view (JSON text) from the batch's
 * frame (plain data or typed arrays, cloned to each thread once per batch) and the call's input. It runs on
 * the worker thread, outside the sandbox and its budget, so the tick thread only captures the frame.
 */
export type ViewBuilder = (frame: unknown, input: string) => string

/** What the pool passes to each worker thread at start. */
export interface WorkerSetup {
  /** URL of a module exporting `buildView` (a {@link ViewBuilder}), or null. */
  readonly viewModule: string | null
  /** The thread's nice value (Linux: per thread; 0 leaves it as is). */
  readonly nice: number
}
