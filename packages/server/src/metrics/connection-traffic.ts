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
  private pingAt = -1

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

  /** A ping went out now. */
  pinged(): void {
    this.pingAt = performance.now()
  }

  /** A pong came back now: the round trip since the last ping is the RTT. */
  ponged(): void {
    if (this.pingAt < 0) return
    this.rttMs = performance.now() - this.pingAt
    this.pingAt = -1
  }

  /** Bytes queued on the socket now, not yet written to the network. */
  get outboxBytes(): number {
    return this.socket.bufferedAmount
  }
}
