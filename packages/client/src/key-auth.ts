import { type KeyIdentity, serverNameOf, signChallenge, tokenExpiry } from '@orrery/auth'
import type { AuthAnswer, AuthChallenge } from '@orrery/connection'
import { ClientError } from './client-error.js'

/** Options of {@link createKeyAuth}. */
export interface KeyAuthOptions {
  /** A token with less than this left is not presented; the client signs instead, ms. Default 5 000. */
  readonly minTokenLifeMs?: number
  /** Wall-clock time, ms since the epoch. Default `Date.now`. */
  readonly now?: () => number
}

/**
 * The auth seam of a client with a key identity: presents its in-memory token while it has
 * life left and the server takes tokens, otherwise signs the Challenge for the server it
 * connected to (the name comes from `url`, never from the server).
 *
 * @param identity - the client's key identity (see `@orrery/auth`)
 * @param url - the server URL the client connects to
 * @param options - see {@link KeyAuthOptions}
 * @returns a function for the `auth` option of `@orrery/connection`
 * @throws {ClientError} (from the returned function) `ERR_CONNECT_FAILED` when the server offers neither `token` nor `signature`
 * @example
 * ```ts
 * import { generateIdentity } from '@orrery/auth'
 * const me = generateIdentity()
 * const auth = createKeyAuth(me, 'wss://play.example')
 * ```
 */
export function createKeyAuth(identity: KeyIdentity, url: string, options: KeyAuthOptions = {}): (challenge: AuthChallenge) => AuthAnswer {
  const serverName = serverNameOf(url)
  const now = options.now ?? Date.now
  const minLife = options.minTokenLifeMs ?? 5_000
  return ({ nonce, methods, token }) => {
    if (token !== null && methods.includes('token')) {
      const expiresAt = tokenExpiry(token)
      if (expiresAt !== null && expiresAt - now() > minLife) return { method: 'token', credential: token }
    }
    if (!methods.includes('signature')) {
      throw new ClientError('ERR_CONNECT_FAILED', `the server offers ${methods.join(', ')}, not key signatures`)
    }
    return { method: 'signature', credential: signChallenge(identity, { serverName, nonce }) }
  }
}

/**
 * The early answer of a client with a key identity (the `earlyAuth` option of `@orrery/connection`): its
 * token, sent right behind Hello, while it has life left; else null (the client signs the Challenge).
 *
 * @param options - see {@link KeyAuthOptions}
 * @returns a function for the `earlyAuth` option
 * @example
 * ```ts
 * const earlyAuth = createKeyEarlyAuth()
 * ```
 */
export function createKeyEarlyAuth(options: KeyAuthOptions = {}): (token: string | null) => AuthAnswer | null {
  const now = options.now ?? Date.now
  const minLife = options.minTokenLifeMs ?? 5_000
  return (token) => {
    if (token === null) return null
    const expiresAt = tokenExpiry(token)
    return expiresAt !== null && expiresAt - now() > minLife ? { method: 'token', credential: token } : null
  }
}
