/**
 * The codes an {@link AuthError} carries; the package README says what to do about each.
 *
 * Keys and signatures: `ERR_KEY_INVALID`, `ERR_KEY_SMALL_ORDER`, `ERR_SIGNATURE_INVALID`,
 * `ERR_CREDENTIAL_MALFORMED`, `ERR_WRONG_SERVER`, `ERR_IDENTITY_MISMATCH`.
 * Challenges: `ERR_NONCE_UNKNOWN`, `ERR_NONCE_REPLAYED`, `ERR_NONCE_EXPIRED`.
 * Tokens: `ERR_TOKEN_MALFORMED`, `ERR_TOKEN_TOO_LARGE`, `ERR_TOKEN_ALGORITHM`, `ERR_TOKEN_UNKNOWN_KEY`,
 * `ERR_TOKEN_SIGNATURE`, `ERR_TOKEN_EXPIRED`, `ERR_TOKEN_NOT_YET_VALID`, `ERR_TOKEN_AUDIENCE`,
 * `ERR_TOKEN_ISSUER`, `ERR_TOKEN_CLAIM_MISSING`, `ERR_TOKEN_CLAIM_INVALID`, `ERR_ISSUER_UNREACHABLE`.
 * Storage and setup: `ERR_IDENTITY_CORRUPT`, `ERR_STORAGE_PERMISSIONS`, `ERR_STORAGE`, `ERR_INVALID_OPTIONS`.
 */
export type AuthErrorCode =
  | 'ERR_KEY_INVALID'
  | 'ERR_KEY_SMALL_ORDER'
  | 'ERR_SIGNATURE_INVALID'
  | 'ERR_CREDENTIAL_MALFORMED'
  | 'ERR_WRONG_SERVER'
  | 'ERR_IDENTITY_MISMATCH'
  | 'ERR_NONCE_UNKNOWN'
  | 'ERR_NONCE_REPLAYED'
  | 'ERR_NONCE_EXPIRED'
  | 'ERR_TOKEN_MALFORMED'
  | 'ERR_TOKEN_TOO_LARGE'
  | 'ERR_TOKEN_ALGORITHM'
  | 'ERR_TOKEN_UNKNOWN_KEY'
  | 'ERR_TOKEN_SIGNATURE'
  | 'ERR_TOKEN_EXPIRED'
  | 'ERR_TOKEN_NOT_YET_VALID'
  | 'ERR_TOKEN_AUDIENCE'
  | 'ERR_TOKEN_ISSUER'
  | 'ERR_TOKEN_CLAIM_MISSING'
  | 'ERR_TOKEN_CLAIM_INVALID'
  | 'ERR_ISSUER_UNREACHABLE'
  | 'ERR_IDENTITY_CORRUPT'
  | 'ERR_STORAGE_PERMISSIONS'
  | 'ERR_STORAGE'
  | 'ERR_INVALID_OPTIONS'

/**
 * The one error class of `@orrery/auth`; `code` says what went wrong. Messages never contain
 * a token, a signature or a secret key, so they are safe to log and to send to a client.
 *
 * @example
 * ```ts
 * declare const tokens: TokenService
 * declare const token: string
 * try {
 *   await tokens.verify(token)
 * } catch (error) {
 *   if (error instanceof AuthError && error.code === 'ERR_TOKEN_EXPIRED') console.warn('sign in again')
 * }
 * ```
 */
export class AuthError extends Error {
  /** The machine-readable reason, one of {@link AuthErrorCode}. */
  readonly code: AuthErrorCode
  override readonly name = 'AuthError'

  /**
   * @param code - the reason, one of {@link AuthErrorCode}
   * @param message - a human-readable explanation (no secrets)
   * @param options - `cause`: the underlying error, if any
   */
  constructor(code: AuthErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.code = code
  }
}
