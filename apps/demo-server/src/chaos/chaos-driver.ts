import type { FaultProxy } from '@orrery/tooling-chaos'

/** What the chaos driver did. */
export interface ChaosCounts {
  /** Connections cut (both ends see an abnormal closure). */
  cuts: number
  /** Connections stalled (black-holed: open but silent, as a half-open socket). */
  stalls: number
}

/**
 * Faults for `--chaos`: every `everyMs`, one connection through the proxy, taken at random, is cut or
 * stalled (half the time each). A stalled connection is cut for good a few seconds later, so the proxy
 * does not keep its sockets.
 */
export class ChaosDriver {
  readonly counts: ChaosCounts = { cuts: 0, stalls: 0 }
  private timer: ReturnType<typeof setInterval> | null = null
  private readonly later = new Set<ReturnType<typeof setTimeout>>()

  /**
   * @param proxy - the proxy between the bots and the server
   * @param everyMs - time between two faults
   * @param random - uniform in [0, 1)
   */
  constructor(
    private readonly proxy: FaultProxy,
    private readonly everyMs: number,
    private readonly random: () => number = Math.random,
  ) {}

  /** Starts the faults. */
  start(): void {
    this.timer ??= setInterval(() => this.fault(), this.everyMs)
  }

  /** Stops the faults (open links are left as they are). */
  stop(): void {
    if (this.timer !== null) clearInterval(this.timer)
    this.timer = null
    for (const t of this.later) clearTimeout(t)
    this.later.clear()
  }

  private fault(): void {
    const links = this.proxy.links
    if (links.length === 0) return
    const link = links[Math.floor(this.random() * links.length)]
    if (link === undefined) return
    if (this.random() < 0.5) {
      link.cut()
      this.counts.cuts++
      return
    }
    link.blackhole()
    this.counts.stalls++
    const t = setTimeout(() => {
      this.later.delete(t)
      link.cut()
    }, 5_000)
    this.later.add(t)
  }
}
