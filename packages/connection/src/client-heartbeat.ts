import type { LinkHealth } from './link-health.js'

/**
 * Keeps one connected socket honest: a Ping every interval (RTT, jitter, loss), and a socket that receives
 * nothing at all for the timeout is declared dead (a half-open connection).
 */
export class ClientHeartbeat {
  private timer: ReturnType<typeof setInterval> | undefined
  private lastReceivedAt: number

  /**
   * @param intervalMs - time between Pings; 0 or less: no Pings and no timeout
   * @param timeoutMs - silence after which the socket is dead
   * @param health - where Pings are recorded
   * @param ping - sends a Ping with this clientTime (ms, `performance.now()`)
   * @param silent - the socket received nothing for `timeoutMs`
   */
  constructor(
    private readonly intervalMs: number,
    private readonly timeoutMs: number,
    private readonly health: LinkHealth,
    private readonly ping: (clientTime: number) => void,
    private readonly silent: () => void,
  ) {
    this.lastReceivedAt = performance.now()
  }

  /** Sends the first Ping and starts the timer. */
  start(): void {
    if (this.intervalMs <= 0) return
    this.send()
    this.timer = setInterval(() => this.beat(), this.intervalMs)
  }

  /** Anything arrived on the socket. */
  received(): void {
    this.lastReceivedAt = performance.now()
  }

  /** Stops the timer. */
  stop(): void {
    clearInterval(this.timer)
    this.timer = undefined
  }

  private beat(): void {
    const now = performance.now()
    // A Pong later than two intervals counts as lost (the next-but-one Ping is due).
    this.health.expire(now, 2 * this.intervalMs)
    if (now - this.lastReceivedAt > this.timeoutMs) {
      this.stop()
      this.silent()
      return
    }
    this.send()
  }

  private send(): void {
    const clientTime = performance.now()
    this.health.pinged(clientTime)
    this.ping(clientTime)
  }
}
