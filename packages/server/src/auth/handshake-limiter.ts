import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible'

/** The part of a rate-limiter-flexible limiter the handshake uses (memory, Redis, cluster...). */
export interface HandshakeRateLimiter {
  consume(key: string | number, points?: number): Promise<unknown>
  /** The key's state without consuming (rate-limiter-flexible's `get`); optional. */
  get?(key: string | number): Promise<{ readonly consumedPoints: number } | null>
}

/** Handshake budgets; see the server README. */
export interface HandshakeLimits {
  /** Connections one IP address may open per `ipWindowMs`. Default 30. */
  readonly perIp: number
  readonly ipWindowMs: number
  /** Sign-ins one identity may complete per `identityWindowMs`. Default 10. */
  readonly perIdentity: number
  readonly identityWindowMs: number
}

/**
 * Counts handshakes per IP address (when a connection opens) and per identity (when it signs
 * in) with rate-limiter-flexible; the memory backend unless limiters are given (e.g. Redis for
 * a cluster). A store failure lets the handshake through: an outage of the limiter's store
 * must not lock every player out.
 */
export class HandshakeLimiter {
  private readonly byIp: HandshakeRateLimiter
  private readonly byIdentity: HandshakeRateLimiter
  private readonly perIp: number

  /**
   * @param limits - budgets and windows
   * @param limiters - replacements for the memory limiters
   */
  constructor(limits: HandshakeLimits, limiters: { readonly ip?: HandshakeRateLimiter | undefined; readonly identity?: HandshakeRateLimiter | undefined } = {}) {
    this.perIp = limits.perIp
    this.byIp = limiters.ip ?? new RateLimiterMemory({ keyPrefix: 'orrery-ip', points: limits.perIp, duration: limits.ipWindowMs / 1000 })
    this.byIdentity =
      limiters.identity ?? new RateLimiterMemory({ keyPrefix: 'orrery-id', points: limits.perIdentity, duration: limits.identityWindowMs / 1000 })
  }

  /** @returns false when `address` opened too many connections in the window */
  allowAddress(address: string | undefined): Promise<boolean> {
    return allow(this.byIp, address ?? 'unknown')
  }

  /**
   * Tells, without consuming anything, whether `address` has spent its handshakes of the window (its
   * abuse included), so that its next connection can be refused before the WebSocket upgrade.
   * @returns true when the address is over its budget; false when not, or when the limiter cannot tell
   */
  async isSpent(address: string | undefined): Promise<boolean> {
    if (this.byIp.get === undefined) return false
    try {
      const state = await this.byIp.get(address ?? 'unknown')
      return state !== null && state.consumedPoints >= this.perIp
    } catch {
      return false
    }
  }

  /** @returns false when `identity` signed in too often in the window */
  allowIdentity(identity: string): Promise<boolean> {
    return allow(this.byIdentity, identity)
  }

  /**
   * Charges an abusive connection (closed for a malformed frame, a rate limit, a message out of order, an
   * oversized frame) to its address and identity: `points` handshakes of their windows are gone, so a client
   * that keeps reconnecting to repeat the abuse is refused at its next handshakes until the window passes.
   *
   * @param address - the peer's IP address
   * @param identity - the signed-in identity, or null before Welcome
   * @param points - handshakes charged to each
   */
  penalize(address: string | undefined, identity: string | null, points: number): void {
    if (points <= 0) return
    charge(this.byIp, address ?? 'unknown', points)
    if (identity !== null) charge(this.byIdentity, identity, points)
  }
}

function charge(limiter: HandshakeRateLimiter, key: string, points: number): void {
  // A rejection only says the budget is now spent, which is the point; a store failure is ignored.
  try {
    Promise.resolve(limiter.consume(key, points)).catch(() => undefined)
  } catch {
    // a limiter that throws at once: the same
  }
}

async function allow(limiter: HandshakeRateLimiter, key: string): Promise<boolean> {
  try {
    await limiter.consume(key)
    return true
  } catch (rejection) {
    return !(rejection instanceof RateLimiterRes)
  }
}
