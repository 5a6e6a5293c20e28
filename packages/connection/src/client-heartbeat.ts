import type { LinkHealth } from './link-health.js'

/**
 * Keeps one connected socket honest: a Ping every interval (RTT, jitter, loss), and a socket that receives
 * nothing at all for the timeout is declared dead (a half-open connection). A beat that comes late (the
 * client's own event loop was stalled) gives no verdict: the frames that arrived meanwhile are read after
 * the timer, so the silence it sees is the stall's, not the socket's; it pings, and the next beat judges.
 */
export class ClientHeartbeat {
  private timer: ReturnType<typeof setInterval> | undefined
  private lastReceivedAt: number
  private lastBeatAt: number

  /**
   * @param intervalMs - time between Pings; 0 or less: no Pings and no timeout
   * @param timeoutMs - silence after which the socket is dead
   * @param health - where Pings are recorded
   * @param ping - sends a Ping with this clientTime (ms, `performance.now()`)
   * @param silent - the socket received nothing for `timeoutMs`
   * @param now - the clock, ms (default `performance.now`)
   */
  constructor(
    private readonly intervalMs: number,
    private readonly timeoutMs: number,
    private readonly health: LinkHealth,
    private readonly ping: (clientTime: number) => void,
    private readonly silent: () => void,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.lastReceivedAt = now()
    this.lastBeatAt = this.lastReceivedAt
  }

  /** Sends the first Ping and starts the timer. */
  start(): void {
    if (this.intervalMs <= 0) return
    this.lastBeatAt = this.now()
    this.send()
    this.timer = setInterval(() => this.beat(), this.intervalMs)
  }

  /** Anything arrived on the socket. */
  received(): void {
    this.lastReceivedAt = this.now()
  }

  /** Stops the timer. */
  stop(): void {
    clearInterval(this.timer)
    this.timer = undefined
  }

  private beat(): void {
    const now = this.now()
    const late = now - this.lastBeatAt > 1.5 * this.intervalMs
    this.lastBeatAt = now
    // A Pong later than two intervals counts as lost (the next-but-one Ping is due).
    this.health.expire(now, 2 * this.intervalMs)
    if (!late && now - this.lastReceivedAt > this.timeoutMs) {
      this.stop()
      this.silent()
      return
    }
    this.send()
  }

  private send(): void {
    const clientTime = this.now()
    this.health.pinged(clientTime)
    this.ping(clientTime)
  }
}
