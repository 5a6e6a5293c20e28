import { errors } from 'jose'
import { AuthError } from './auth-error.js'

/** Turns an error of jose's JWT verification into an {@link AuthError} with the matching code. */
export function toTokenError(error: unknown): AuthError {
  if (error instanceof AuthError) return error
  if (error instanceof errors.JWTExpired) return new AuthError('ERR_TOKEN_EXPIRED', 'the token has expired', { cause: error })
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.reason === 'missing') return new AuthError('ERR_TOKEN_CLAIM_MISSING', `the token has no '${error.claim}' claim`, { cause: error })
    if (error.claim === 'nbf') return new AuthError('ERR_TOKEN_NOT_YET_VALID', 'the token is not valid yet (nbf)', { cause: error })
    if (error.claim === 'aud') return new AuthError('ERR_TOKEN_AUDIENCE', 'the token is for another audience', { cause: error })
    if (error.claim === 'iss') return new AuthError('ERR_TOKEN_ISSUER', 'the token is from another issuer', { cause: error })
    return new AuthError('ERR_TOKEN_CLAIM_INVALID', `the token's '${error.claim}' claim is invalid`, { cause: error })
  }
  if (error instanceof errors.JOSEAlgNotAllowed || error instanceof errors.JOSENotSupported) {
    return new AuthError('ERR_TOKEN_ALGORITHM', 'the token is not signed with Ed25519', { cause: error })
  }
  if (error instanceof errors.JWSSignatureVerificationFailed) return new AuthError('ERR_TOKEN_SIGNATURE', 'the token signature does not verify', { cause: error })
  if (error instanceof errors.JWKSNoMatchingKey) return new AuthError('ERR_TOKEN_UNKNOWN_KEY', 'no key of the issuer matches the token', { cause: error })
  if (error instanceof errors.JWKSTimeout || error instanceof errors.JWKSInvalid) {
    return new AuthError('ERR_ISSUER_UNREACHABLE', 'the issuer key set could not be fetched', { cause: error })
  }
  if (error instanceof errors.JOSEError) return new AuthError('ERR_TOKEN_MALFORMED', 'the token is not a well-formed JWT', { cause: error })
  return new AuthError('ERR_TOKEN_MALFORMED', 'the token could not be verified', { cause: error })
}
