/**
 * The time source and timer the tick loop uses; inject a fake one to drive
 * the schedule deterministically in tests.
 *
 * @example
 * ```ts
 * const clock: Clock = { now: () => performance.now(), setTimeout: (fn, ms) => setTimeout(fn, ms), clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout) }
 * ```
 */
export interface Clock {
  /** A monotonic time in milliseconds (any origin). */
  now(): number
  /** Calls `fn` once after `delayMs` milliseconds; returns a handle for {@link Clock.clearTimeout}. */
  setTimeout(fn: () => void, delayMs: number): unknown
  /** Cancels a pending timer from {@link Clock.setTimeout}. */
  clearTimeout(handle: unknown): void
}

/**
 * The real clock: `performance.now()` and the global timers.
 *
 * @example
 * ```ts
 * const t0 = systemClock.now()
 * ```
 */
export const systemClock: Clock = {
  now: () => performance.now(),
  setTimeout: (fn, delayMs) => setTimeout(fn, delayMs),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
}
