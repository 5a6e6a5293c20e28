/**
 * Why a call into a behaviour gave no intent:
 * - `interrupted`: it ran past its CPU budget (an endless loop, a slow regular expression);
 * - `out-of-memory`: it allocated past the sandbox's memory limit;
 * - `stack-overflow`: it recursed past the sandbox's stack limit;
 * - `threw`: it threw (any value, Error or not);
 * - `result-too-large`: its result, as JSON, is longer than the limit;
 * - `invalid-result`: its result is not JSON data;
 * - `invalid-intent`: its result is JSON but not an intent the host accepts;
 * - `load-failed`: the script itself failed when it was evaluated;
 * - `suspended`: the agent is suspended and was not called.
 */
export type FailureReason =
  | 'interrupted'
  | 'out-of-memory'
  | 'stack-overflow'
  | 'threw'
  | 'result-too-large'
  | 'invalid-result'
  | 'invalid-intent'
  | 'load-failed'
  | 'suspended'

/** The reasons that count towards an agent's suspension: it took more than its share of CPU, memory or stack. */
export const RESOURCE_OFFENCES: ReadonlySet<FailureReason> = new Set<FailureReason>(['interrupted', 'out-of-memory', 'stack-overflow'])

/** One call into a behaviour: the value it returned, or why it returned none, and the CPU time it used. */
export type CallOutcome =
  | { readonly ok: true; readonly value: unknown; readonly usedMs: number }
  | { readonly ok: false; readonly reason: FailureReason; readonly message: string; readonly usedMs: number }
