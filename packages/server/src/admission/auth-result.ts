import type { AuthResult } from '../authenticator.js'

/**
 * Checks what a custom authenticator returned before the server relies on it: a custom `authenticate`
 * that answers something else must end its own session, not the process.
 *
 * @param auth - the authenticator's answer
 * @returns null when it is an AuthResult, else what is wrong with it
 */
export function checkAuthResult(auth: unknown): string | null {
  if (typeof auth !== 'object' || auth === null) return 'not an object'
  const { identity, token, expiresAt } = auth as Partial<Record<keyof AuthResult, unknown>>
  if (typeof identity !== 'string' || identity.length === 0) return 'identity is not a non-empty string'
  if (typeof token !== 'string') return 'token is not a string'
  if (expiresAt !== undefined && !(typeof expiresAt === 'number' && Number.isFinite(expiresAt))) return 'expiresAt is not a finite number'
  return null
}
