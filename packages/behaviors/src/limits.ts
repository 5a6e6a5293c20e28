import { BehaviorError } from './behavior-error.js'

/** Resource limits of one sandbox and one call into it. */
export interface SandboxLimits {
  /** Heap the sandbox may allocate, bytes (QuickJS's memory limit). Default 8 MiB. */
  readonly memoryBytes: number
  /** Native stack the sandbox may use, bytes (bounds recursion). Default 256 KiB. */
  readonly stackBytes: number
  /** CPU time one call (or the first evaluation of the script) may take, ms, enforced by an interrupt handler. Default 5. */
  readonly cpuBudgetMs: number
  /** Longest JSON text a call may return, UTF-16 code units. Default 4096. */
  readonly maxResultLength: number
}

/** Limits of the checks a script passes on upload. */
export interface CodeLimits {
  /** Longest script, UTF-16 code units. Default 16 384. */
  readonly maxCodeLength: number
  /** Most syntax nodes a script may have (its measured complexity is reported besides). Default 5000. */
  readonly maxNodes: number
}

/** The default {@link SandboxLimits}. */
export const DEFAULT_SANDBOX_LIMITS: SandboxLimits = Object.freeze({
  memoryBytes: 8 * 1024 * 1024,
  stackBytes: 256 * 1024,
  cpuBudgetMs: 5,
  maxResultLength: 4096,
})

/** The default {@link CodeLimits}. */
export const DEFAULT_CODE_LIMITS: CodeLimits = Object.freeze({ maxCodeLength: 16_384, maxNodes: 5000 })

function positive(name: string, value: number): number {
  if (!(Number.isFinite(value) && value > 0)) {
    throw new BehaviorError('ERR_INVALID_OPTIONS', `${name} must be a positive number, got ${String(value)}`)
  }
  return value
}

/**
 * Fills in and checks sandbox limits.
 *
 * @param partial - the limits to change; the rest keep their defaults
 * @returns complete limits
 * @throws BehaviorError `ERR_INVALID_OPTIONS` when a limit is not a positive number
 * @example
 * resolveSandboxLimits({ cpuBudgetMs: 2 }).memoryBytes // 8388608
 */
export function resolveSandboxLimits(partial: Partial<SandboxLimits> = {}): SandboxLimits {
  const merged = { ...DEFAULT_SANDBOX_LIMITS, ...partial }
  return {
    memoryBytes: positive('memoryBytes', merged.memoryBytes),
    stackBytes: positive('stackBytes', merged.stackBytes),
    cpuBudgetMs: positive('cpuBudgetMs', merged.cpuBudgetMs),
    maxResultLength: positive('maxResultLength', merged.maxResultLength),
  }
}
