import { TokenBucket } from 'limiter'
import type { HandshakeLimiter } from '../auth/handshake-limiter.js'

/**
 * Decides, before a WebSocket exists, whether an upgrade request may go on: an address that spent its
 * handshakes (its abuse included) gets HTTP 429, and past the server-wide handshake budget (a token bucket)
 * every new connection gets HTTP 503, so a flood of handshakes from many addresses cannot take the CPU that
 * established sessions need (each handshake verifies a signature or a token).
 */
export class UpgradeGate {
  private readonly bucket: TokenBucket

  /**
   * @param handshakes - the per-address and per-identity handshake limiter
   * @param perSecond - new connections per second the server accepts in all
   * @param burst - new connections accepted at once
   */
  constructor(
    private readonly handshakes: HandshakeLimiter,
    perSecond: number,
    burst: number,
  ) {
    this.bucket = new TokenBucket({ bucketSize: burst, tokensPerInterval: perSecond, interval: 1000 })
    this.bucket.content = burst
  }

  /**
   * @param address - the peer's IP address
   * @returns null to accept, or the HTTP status to refuse with (429, 503)
   */
  async check(address: string | undefined): Promise<number | null> {
    if (await this.handshakes.isSpent(address)) return 429
    return this.bucket.tryRemoveTokens(1) ? null : 503
  }
}
