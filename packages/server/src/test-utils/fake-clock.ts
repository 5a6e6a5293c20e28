import type { Clock } from '../clock.js'

/** A manual clock: time moves only through `advance`, which fires due timers in deadline order. */
export class FakeClock implements Clock {
  private time = 0
  private nextId = 1
  private readonly timers = new Map<number, { at: number; fn: () => void }>()
  /** Delays requested from setTimeout, in call order. */
  readonly requestedDelays: number[] = []

  now(): number {
    return this.time
  }

  setTimeout(fn: () => void, delayMs: number): unknown {
    const id = this.nextId++
    this.requestedDelays.push(delayMs)
    this.timers.set(id, { at: this.time + Math.max(0, delayMs), fn })
    return id
  }

  clearTimeout(handle: unknown): void {
    this.timers.delete(handle as number)
  }

  /** Pending timers. */
  get pending(): number {
    return this.timers.size
  }

  /**
   * Moves time forward by `ms`, firing every timer that falls due, in order;
   * `lateness(at)` can make each wake-up happen later than its deadline (a busy event loop).
   */
  advance(ms: number, lateness: (deadline: number) => number = () => 0): void {
    const end = this.time + ms
    for (;;) {
      let first: [number, { at: number; fn: () => void }] | undefined
      for (const entry of this.timers) if (first === undefined || entry[1].at < first[1].at) first = entry
      if (first === undefined || first[1].at > end) break
      this.timers.delete(first[0])
      this.time = Math.max(this.time, Math.min(end, first[1].at + lateness(first[1].at)))
      first[1].fn()
    }
    this.time = end
  }
}
