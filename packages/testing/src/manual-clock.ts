import type { Clock } from '@orrery/server'

/**
 * A clock whose time moves only through {@link ManualClock.advance}: the server's timers (heartbeat pings and
 * idle timeouts, session resume windows, group commits) fire when a test says so, never on their own.
 *
 * @example
 * ```ts
 * const clock = new ManualClock()
 * let fired = 0
 * clock.setTimeout(() => fired++, 1_000)
 * clock.advance(999) // fired === 0
 * clock.advance(1) // fired === 1
 * ```
 */
export class ManualClock implements Clock {
  private time = 0
  private nextId = 1
  private readonly timers = new Map<number, { readonly at: number; readonly fn: () => void }>()

  /** The current time, ms since the clock was made. */
  now(): number {
    return this.time
  }

  /**
   * Schedules `fn` to run when the clock has advanced `delayMs` milliseconds (negative delays count as 0).
   * @returns a handle for {@link ManualClock.clearTimeout}
   */
  setTimeout(fn: () => void, delayMs: number): unknown {
    const id = this.nextId++
    this.timers.set(id, { at: this.time + Math.max(0, delayMs), fn })
    return id
  }

  /** Cancels a pending timer (an unknown or fired handle is ignored). */
  clearTimeout(handle: unknown): void {
    this.timers.delete(handle as number)
  }

  /** The number of timers waiting to fire. */
  get pending(): number {
    return this.timers.size
  }

  /**
   * Moves time forward by `ms` milliseconds, firing every timer that falls due in deadline order (a timer a
   * firing timer sets also fires when it falls due before the end).
   * @param ms - how far to move, ms (≥ 0)
   * @throws {RangeError} when `ms` is negative or not finite
   */
  advance(ms: number): void {
    if (!(ms >= 0) || !Number.isFinite(ms)) throw new RangeError(`advance(ms) needs a finite ms ≥ 0, got ${ms}`)
    const end = this.time + ms
    for (;;) {
      let first: [number, { readonly at: number; readonly fn: () => void }] | undefined
      for (const entry of this.timers) if (first === undefined || entry[1].at < first[1].at) first = entry
      if (first === undefined || first[1].at > end) break
      this.timers.delete(first[0])
      this.time = first[1].at
      first[1].fn()
    }
    this.time = end
  }
}
