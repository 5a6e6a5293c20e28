/** How reconnect delays grow. All durations in milliseconds. */
export interface ReconnectOptions {
  /** Delay cap of the first attempt. Default 250. */
  readonly initialDelayMs?: number
  /** Largest delay cap. Default 10 000. */
  readonly maxDelayMs?: number
  /** Growth factor of the cap per failed attempt. Default 2. */
  readonly multiplier?: number
  /**
   * Share of the cap that is random, 0…1. The default 1 is "full jitter" (uniform in [0, cap]),
   * 0.5 is "equal jitter" (uniform in [cap/2, cap]), 0 is no jitter.
   */
  readonly jitter?: number
  /** Attempts after a drop before the state becomes 'failed'. Default Infinity. */
  readonly maxAttempts?: number
  /** Time connected after which the backoff starts again from its first step, ms. Default 10 000. */
  readonly stableAfterMs?: number
  /** Failed connects in a row (no Welcome) after which the circuit breaker opens. Default 8. */
  readonly breakerThreshold?: number
  /** How long an open breaker waits before it lets one try through, ms. Default 30 000. */
  readonly breakerOpenMs?: number
}

/** {@link ReconnectOptions} with every default filled in. */
export const DEFAULT_RECONNECT: Readonly<Required<ReconnectOptions>> = Object.freeze({
  initialDelayMs: 250,
  maxDelayMs: 10_000,
  multiplier: 2,
  jitter: 1,
  maxAttempts: Number.POSITIVE_INFINITY,
  stableAfterMs: 10_000,
  breakerThreshold: 8,
  breakerOpenMs: 30_000,
})

/**
 * The delay before reconnect attempt `attempt`: exponential growth capped at `maxDelayMs`,
 * with a random share `jitter` so that many clients dropped at once do not return in step.
 *
 * `cap = min(maxDelayMs, initialDelayMs · multiplier^attempt)`,
 * `delay = cap · (1 − jitter) + random() · cap · jitter`.
 *
 * @param attempt - 0 for the first attempt after a drop, then 1, 2, …
 * @param options - {@link ReconnectOptions}; defaults 250 ms, 10 000 ms, ×2, full jitter (1)
 * @param random - a source of uniform numbers in [0, 1), `Math.random` by default
 * @returns the delay in milliseconds, in [cap · (1 − jitter), cap]
 * @example
 * ```ts
 * backoffDelay(3, { initialDelayMs: 100, jitter: 1 }, () => 0.5) // 400 (cap 800, full jitter)
 * ```
 * @see https://aws.amazon.com/blogs/architecture/exponential-backoff-and-jitter/ (AWS Architecture Blog, "Exponential Backoff And Jitter")
 */
export function backoffDelay(attempt: number, options?: ReconnectOptions, random: () => number = Math.random): number {
  const initial = options?.initialDelayMs ?? DEFAULT_RECONNECT.initialDelayMs
  const max = options?.maxDelayMs ?? DEFAULT_RECONNECT.maxDelayMs
  const multiplier = options?.multiplier ?? DEFAULT_RECONNECT.multiplier
  const jitter = Math.min(1, Math.max(0, options?.jitter ?? DEFAULT_RECONNECT.jitter))
  // Clamp the exponent so that the power never overflows to Infinity·0 = NaN.
  const cap = Math.min(max, initial * multiplier ** Math.min(attempt, 1024))
  const safeCap = Number.isFinite(cap) ? cap : max
  return safeCap * (1 - jitter) + random() * safeCap * jitter
}
