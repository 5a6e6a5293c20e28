import type { Clock } from './clock.js'

/** Options of {@link TickLoop}. */
export interface TickLoopOptions {
  /** Length of one tick in milliseconds (1000 / tickRate). */
  readonly periodMs: number
  /** At most this many ticks run back to back when the loop is late; older missed ticks are skipped. */
  readonly maxCatchUpTicks: number
  /** Time source and timers. */
  readonly clock: Clock
  /** Runs one tick; a throw is reported to `onError` and the loop goes on. */
  readonly onTick: () => void
  /** Receives errors thrown by `onTick`. */
  readonly onError: (error: unknown) => void
}

/**
 * A fixed-rate loop that does not drift: tick n is due at `start + n·period`
 * (an absolute schedule), and each wake-up sets one timer to the next
 * deadline. When a wake-up comes late, the missed ticks run back to back, up
 * to `maxCatchUpTicks`; slots beyond that are skipped (counted in `skipped`)
 * so a long stall never turns into a burst.
 *
 * @example
 * ```ts
 * let ticks = 0
 * const step = () => {
 *   ticks++ // advance the world by one tick
 * }
 * const loop = new TickLoop({ periodMs: 50, maxCatchUpTicks: 4, clock: systemClock, onTick: step, onError: console.error })
 * loop.start()
 * // ...
 * loop.stop()
 * ```
 * @see https://gafferongames.com/post/fix_your_timestep/ (fixed timestep)
 */
export class TickLoop {
  private readonly options: TickLoopOptions
  private startTime = 0
  private slot = 0
  private handle: unknown = null
  private running = false
  private skippedTicks = 0

  /** @param options - period, catch-up cap, clock and the tick callback, see {@link TickLoopOptions} */
  constructor(options: TickLoopOptions) {
    this.options = options
  }

  /** Whether the loop is scheduled. */
  get isRunning(): boolean {
    return this.running
  }

  /** Schedule slots skipped because the loop fell more than `maxCatchUpTicks` behind. */
  get skipped(): number {
    return this.skippedTicks
  }

  /** Starts the schedule now: the first tick is due one period from now. Does nothing if running. */
  start(): void {
    if (this.running) return
    this.running = true
    this.startTime = this.options.clock.now()
    this.slot = 0
    this.schedule()
  }

  /** Cancels the pending timer; no tick runs after this returns. */
  stop(): void {
    if (!this.running) return
    this.running = false
    if (this.handle !== null) this.options.clock.clearTimeout(this.handle)
    this.handle = null
  }

  private schedule(): void {
    const { clock, periodMs } = this.options
    const deadline = this.startTime + (this.slot + 1) * periodMs
    this.handle = clock.setTimeout(() => this.wake(), Math.max(0, deadline - clock.now()))
  }

  private wake(): void {
    this.handle = null
    if (!this.running) return
    const { clock, periodMs, maxCatchUpTicks } = this.options
    let due = Math.floor((clock.now() - this.startTime) / periodMs) - this.slot
    if (due > maxCatchUpTicks) {
      this.skippedTicks += due - maxCatchUpTicks
      this.slot += due - maxCatchUpTicks
      due = maxCatchUpTicks
    }
    for (let i = 0; i < due && this.running; i++) {
      this.slot++
      try {
        this.options.onTick()
      } catch (error) {
        this.options.onError(error)
      }
    }
    if (this.running) this.schedule()
  }
}
