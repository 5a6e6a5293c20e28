import type { Clock } from '../clock.js'

/**
 * Ends a session when its token expires: armed with the token's expiry at each sign-in and
 * refresh, on the server's clock (so tests drive it with a fake one).
 */
export class TokenExpiryTimer {
  private handle: unknown = null

  /**
   * @param clock - timers
   * @param now - the authenticator's wall clock, ms since the epoch
   * @param onExpire - called once when the armed expiry passes
   */
  constructor(
    private readonly clock: Clock,
    private readonly now: () => number,
    private readonly onExpire: () => void,
  ) {}

  /** Arms (or re-arms) the timer for `expiresAt` (ms since the epoch); undefined disarms it. */
  arm(expiresAt: number | undefined): void {
    this.clear()
    if (expiresAt === undefined) return
    this.handle = this.clock.setTimeout(() => {
      this.handle = null
      this.onExpire()
    }, Math.max(0, expiresAt - this.now()))
  }

  /** Disarms the timer. */
  clear(): void {
    if (this.handle !== null) this.clock.clearTimeout(this.handle)
    this.handle = null
  }
}
