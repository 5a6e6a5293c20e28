/** The socket side a {@link ConnectionTraffic} reads: bytes queued and not yet written. */
export interface OutboxSocket {
  /** Bytes queued on the socket, not yet handed to the network (ws `bufferedAmount`). */
  readonly bufferedAmount: number
}

/**
 * What one connection sent and received, and its round-trip time, for the live monitor and the
 * frames-out counter. Recording is a few additions: it runs on every frame.
 */
export class ConnectionTraffic {
  /** When the socket opened, ms since the epoch. */
  readonly openedAt = Date.now()
  /** Bytes received (all frames). */
  bytesIn = 0
  /** Bytes written (all frames). */
  bytesOut = 0
  /** Frames received. */
  framesIn = 0
  /** Frames written. */
  framesOut = 0
  /** Time from the last WebSocket ping to its pong, ms; null before the first pong. */
  rttMs: number | null = null
  /** When the oldest unanswered ping went out (performance.now), or -1. */
  private pingAt = -1
  /** When the RTT was last measured (performance.now). */
  private measuredAt = Number.NEGATIVE_INFINITY

  /** @param socket - the connection's socket, read for {@link outboxBytes} */
  constructor(private readonly socket: OutboxSocket) {}

  /** Records one frame received, `bytes` long. */
  received(bytes: number): void {
    this.bytesIn += bytes
    this.framesIn++
  }

  /** Records one frame written, `bytes` long. */
  sent(bytes: number): void {
    this.bytesOut += bytes
    this.framesOut++
  }

  /** A ping went out now (pongs come back in order: the next pong answers the oldest ping, unless lost for 10 s). */
  pinged(): void {
    const now = performance.now()
    if (this.pingAt < 0 || now - this.pingAt > 10_000) this.pingAt = now
  }

  /** A pong came back now: the time since the oldest unanswered ping is the RTT. */
  ponged(): void {
    if (this.pingAt < 0) return
    const now = performance.now()
    this.rttMs = now - this.pingAt
    this.measuredAt = now
    this.pingAt = -1
  }

  /** @returns whether neither an RTT was measured nor a ping sent within the last `maxAgeMs` ms */
  rttStale(maxAgeMs: number): boolean {
    return performance.now() - Math.max(this.measuredAt, this.pingAt) >= maxAgeMs
  }

  /** Bytes queued on the socket now, not yet written to the network. */
  get outboxBytes(): number {
    return this.socket.bufferedAmount
  }
}
