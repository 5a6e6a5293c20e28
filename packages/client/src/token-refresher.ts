import { tokenExpiry } from '@orrery/auth'

/** Options of {@link TokenRefresher}. */
export interface TokenRefresherOptions {
  /** Refresh this long before the token expires, ms. */
  readonly marginMs: number
  /** Wall-clock time, ms since the epoch. */
  readonly now: () => number
  /** Asks the server for a new token (the caller hands the new token back through `schedule`). */
  readonly refresh: () => Promise<unknown>
  /** A refresh failed (the session may close with TokenExpired; the client then signs in again). */
  readonly onError: (error: unknown) => void
  readonly setTimeout?: (fn: () => void, ms: number) => unknown
  readonly clearTimeout?: (handle: unknown) => void
}

/**
 * Refreshes a JWT over the open connection before it expires: at `exp − marginMs`, but never
 * before half of its remaining life has passed (a margin longer than the lifetime would
 * otherwise refresh in a loop). A token without `exp` is never refreshed.
 */
export class TokenRefresher {
  private handle: unknown = null
  private readonly set: (fn: () => void, ms: number) => unknown
  private readonly clear: (handle: unknown) => void

  /** @param options - see {@link TokenRefresherOptions} */
  constructor(private readonly options: TokenRefresherOptions) {
    this.set = options.setTimeout ?? ((fn, ms) => setTimeout(fn, ms))
    this.clear = options.clearTimeout ?? ((h) => clearTimeout(h as ReturnType<typeof setTimeout>))
  }

  /**
   * (Re)arms the refresh for `token`.
   * @returns the delay chosen in ms, or null when nothing was scheduled
   */
  schedule(token: string | null): number | null {
    this.stop()
    const expiresAt = token === null ? null : tokenExpiry(token)
    if (expiresAt === null) return null
    const left = expiresAt - this.options.now()
    if (left <= 0) return null
    const delay = Math.max(left - this.options.marginMs, left / 2)
    this.handle = this.set(() => {
      this.handle = null
      this.options.refresh().catch((error: unknown) => this.options.onError(error))
    }, delay)
    return delay
  }

  /** Cancels a pending refresh. */
  stop(): void {
    if (this.handle !== null) this.clear(this.handle)
    this.handle = null
  }
}
