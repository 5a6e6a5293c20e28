import type { CallOutcome } from './call-outcome.js'
import type { SandboxLimits } from './limits.js'

/** One call of a batch: which agent, its view as JSON text, its `Math.random` seed, the frozen time (ms since epoch). */
export interface AgentCall {
  /** The agent's id (unique in the pool). */
  readonly agent: string
  /** The view the behaviour's `tick` receives, as JSON text. */
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
  | { readonly type: 'run'; readonly batch: number; readonly calls: readonly AgentCall[] }

/** Messages from a worker thread to the pool. */
export type FromWorker =
  | { readonly type: 'ready' }
  | { readonly type: 'done'; readonly batch: number; readonly outcomes: readonly CallOutcome[] }
