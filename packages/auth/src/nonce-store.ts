import { AuthError } from './auth-error.js'
import { toBase64url } from './bytes.js'

/** Options of {@link NonceStore}. */
export interface NonceStoreOptions {
  /** How long a nonce may be answered after it was issued, ms. Default 30 000. */
  readonly ttlMs?: number
  /** Nonces kept at most (outstanding plus recently used); the oldest go first. Default 100 000. */
  readonly maxEntries?: number
  /** Wall-clock time in ms (inject a fake in tests). Default `Date.now`. */
  readonly now?: () => number
  /** Source of random bytes. Default `crypto.getRandomValues`. */
  readonly random?: (bytes: Uint8Array) => Uint8Array
}

/**
 * Issues single-use, short-lived Challenge nonces and checks them when answered: an unknown,
 * replayed or expired nonce is refused. Used nonces are remembered until they would have
 * expired, so a replay is told apart from a nonce this server never sent.
 *
 * @example
 * ```ts
 * const nonces = new NonceStore({ ttlMs: 30_000 })
 * const nonce = nonces.issue()
 * nonces.consume(nonce) // ok once; a second call throws ERR_NONCE_REPLAYED
 * ```
 */
export class NonceStore {
  private readonly ttlMs: number
  private readonly maxEntries: number
  private readonly now: () => number
  private readonly random: (bytes: Uint8Array) => Uint8Array
  /** base64url nonce → issue time and whether it was used; Map order is issue order. */
  private readonly entries = new Map<string, { issuedAt: number; used: boolean }>()

  /** @param options - see {@link NonceStoreOptions} */
  constructor(options: NonceStoreOptions = {}) {
    this.ttlMs = options.ttlMs ?? 30_000
    this.maxEntries = options.maxEntries ?? 100_000
    this.now = options.now ?? Date.now
    this.random = options.random ?? ((bytes) => globalThis.crypto.getRandomValues(bytes))
    if (!(this.ttlMs > 0) || !(this.maxEntries > 0)) throw new AuthError('ERR_INVALID_OPTIONS', 'ttlMs and maxEntries must be positive')
  }

  /** Outstanding and remembered nonces. */
  get size(): number {
    return this.entries.size
  }

  /**
   * A fresh 32-byte nonce, valid for `ttlMs`.
   * @returns the nonce bytes
   */
  issue(): Uint8Array {
    this.sweep()
    const nonce = this.random(new Uint8Array(32))
    this.entries.set(toBase64url(nonce), { issuedAt: this.now(), used: false })
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value as string
      this.entries.delete(oldest)
    }
    return nonce
  }

  /**
   * Marks a nonce used; call once per answer, before verifying the signature over it.
   * @param nonce - the nonce the answered Challenge carried
   * @throws {AuthError} `ERR_NONCE_UNKNOWN` when this store never issued it (or forgot it);
   *   `ERR_NONCE_REPLAYED` when it was already used; `ERR_NONCE_EXPIRED` when older than `ttlMs`
   */
  consume(nonce: Uint8Array): void {
    const key = toBase64url(nonce)
    const entry = this.entries.get(key)
    if (entry === undefined) throw new AuthError('ERR_NONCE_UNKNOWN', 'this nonce was not issued by this server')
    if (entry.used) throw new AuthError('ERR_NONCE_REPLAYED', 'this nonce was already answered')
    entry.used = true
    if (this.now() - entry.issuedAt > this.ttlMs) throw new AuthError('ERR_NONCE_EXPIRED', `the challenge is older than ${this.ttlMs} ms`)
  }

  private sweep(): void {
    const limit = this.now() - this.ttlMs
    for (const [key, entry] of this.entries) {
      if (entry.issuedAt >= limit) break
      this.entries.delete(key)
    }
  }
}
