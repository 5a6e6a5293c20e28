import { createRemoteJWKSet, errors, type JWTVerifyGetKey, jwtVerify } from 'jose'
import { AuthError } from './auth-error.js'
import { type Identity, identityOfIssuerSubject } from './identity.js'
import { toTokenError } from './token-errors.js'

/** Options of {@link createExternalIssuer}. */
export interface ExternalIssuerOptions {
  /** The issuer's `iss`, exactly as it appears in its tokens (e.g. `https://accounts.example`). */
  readonly issuer: string
  /** The `aud` its tokens must carry for this service (the client id registered with the issuer). */
  readonly audience: string
  /** Where its JWKS document is. Default: `<issuer>/.well-known/jwks.json`; OpenID providers publish it as `jwks_uri` in their discovery document. */
  readonly jwksUrl?: string
  /** Accepted signature algorithms; symmetric ones are never accepted. Default `['RS256', 'ES256', 'Ed25519', 'EdDSA']`. */
  readonly algorithms?: readonly string[]
  /** Clock skew allowed, seconds. Default 30. */
  readonly clockToleranceS?: number
  /** Longer tokens are refused before parsing, characters. Default 8 192. */
  readonly maxTokenLength?: number
  /** Time allowed for a JWKS fetch, ms. Default 5 000. */
  readonly fetchTimeoutMs?: number
  /** Wall-clock time, ms since the epoch. Default `Date.now`. */
  readonly now?: () => number
  /** The key set source instead of fetching `jwksUrl` (tests, keys pinned in configuration). */
  readonly keys?: JWTVerifyGetKey
}

/** What a token of an external issuer proves. */
export interface ExternalIdentity {
  /** `identityOfIssuerSubject(iss, sub)`: stable per issuer and subject, never equal to a key identity. */
  readonly identity: Identity
  readonly issuer: string
  readonly subject: string
  /** `exp`, ms since the epoch. */
  readonly expiresAt: number
}

/** A configured external issuer. */
export interface ExternalIssuer {
  readonly issuer: string
  /**
   * Verifies one of its tokens.
   * @param token - a compact JWT (e.g. an OpenID Connect ID token)
   * @returns the identity it maps to
   * @throws {AuthError} the `ERR_TOKEN_*` codes of `TokenService.verify`, and `ERR_ISSUER_UNREACHABLE` when the key set cannot be fetched
   */
  verify(token: string): Promise<ExternalIdentity>
}

const SYMMETRIC = /^HS/i
const DEFAULT_ALGORITHMS = ['RS256', 'ES256', 'Ed25519', 'EdDSA']

/**
 * An external token issuer (an OpenID Connect provider) whose tokens a server accepts: keys
 * from its JWKS by URL (cached and refreshed on unknown `kid` by jose's remote key set),
 * `iss` and `aud` pinned, `exp` and `sub` required, and `iss` + `sub` mapped to an identity.
 *
 * @param options - see {@link ExternalIssuerOptions}
 * @returns the issuer
 * @throws {AuthError} `ERR_INVALID_OPTIONS` for an empty issuer or audience, a symmetric algorithm or a JWKS URL that is not https (http only on loopback)
 * @example
 * ```ts
 * const CLIENT_ID = '1234.apps.googleusercontent.com'
 * declare const idToken: string // from Google Sign-In
 * const google = createExternalIssuer({ issuer: 'https://accounts.google.com', audience: CLIENT_ID, jwksUrl: 'https://www.googleapis.com/oauth2/v3/certs' })
 * const { identity } = await google.verify(idToken)
 * ```
 * @see https://openid.net/specs/openid-connect-core-1_0.html#IDTokenValidation
 * @see https://www.rfc-editor.org/rfc/rfc8725 (JWT best current practices)
 */
export function createExternalIssuer(options: ExternalIssuerOptions): ExternalIssuer {
  const algorithms = [...(options.algorithms ?? DEFAULT_ALGORITHMS)]
  if (options.issuer === '' || options.audience === '' || algorithms.length === 0 || algorithms.some((a) => SYMMETRIC.test(a) || a === 'none')) {
    throw new AuthError('ERR_INVALID_OPTIONS', 'an external issuer needs an issuer, an audience and asymmetric algorithms only')
  }
  let keys = options.keys
  if (keys === undefined) {
    let url: URL
    try {
      url = new URL(options.jwksUrl ?? `${options.issuer.replace(/\/+$/, '')}/.well-known/jwks.json`)
    } catch (cause) {
      throw new AuthError('ERR_INVALID_OPTIONS', 'the JWKS URL does not parse', { cause })
    }
    const loopback = url.hostname === '127.0.0.1' || url.hostname === 'localhost' || url.hostname === '[::1]'
    if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) {
      throw new AuthError('ERR_INVALID_OPTIONS', 'the JWKS URL must be https (http is allowed on loopback only)')
    }
    keys = createRemoteJWKSet(url, { timeoutDuration: options.fetchTimeoutMs ?? 5_000 })
  }
  const getKey = keys
  const now = options.now ?? Date.now
  const maxLength = options.maxTokenLength ?? 8_192
  return {
    issuer: options.issuer,
    async verify(token) {
      if (token.length > maxLength) throw new AuthError('ERR_TOKEN_TOO_LARGE', `the token is longer than ${maxLength} characters`)
      try {
        const { payload } = await jwtVerify(token, getKey, {
          algorithms,
          issuer: options.issuer,
          audience: options.audience,
          requiredClaims: ['exp', 'sub'],
          clockTolerance: options.clockToleranceS ?? 30,
          currentDate: new Date(now()),
        })
        const subject = payload.sub as string
        return {
          identity: identityOfIssuerSubject(options.issuer, subject),
          issuer: options.issuer,
          subject,
          expiresAt: (payload.exp as number) * 1000,
        }
      } catch (error) {
        // Not a JOSE verdict on the token: the key set fetch itself failed (refused, DNS, TLS).
        if (!(error instanceof errors.JOSEError) && !(error instanceof AuthError)) {
          throw new AuthError('ERR_ISSUER_UNREACHABLE', `the key set of ${options.issuer} could not be fetched`, { cause: error })
        }
        throw toTokenError(error)
      }
    },
  }
}
