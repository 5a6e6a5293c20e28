import type { AuthAnswer, AuthChallenge } from './connection-types.js'

/**
 * The default auth seam: method 'token' with the known token when the server accepts tokens,
 * otherwise 'anonymous'.
 *
 * @param challenge - the server's Challenge plus the token the connection knows
 * @returns the Authenticate answer
 * @example
 * ```ts
 * const nonce = crypto.getRandomValues(new Uint8Array(32)) // from the server's Challenge
 * defaultAuth({ nonce, methods: ['anonymous', 'token'], token: 'abc' }) // { method: 'token', credential: 'abc' }
 * ```
 */
export function defaultAuth(challenge: AuthChallenge): AuthAnswer {
  if (challenge.token !== null && challenge.methods.includes('token')) {
    return { method: 'token', credential: challenge.token }
  }
  return { method: 'anonymous', credential: null }
}
