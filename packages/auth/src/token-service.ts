import { decodeJwt, jwtVerify, SignJWT } from 'jose'
import { AuthError } from './auth-error.js'
import { toBase64url } from './bytes.js'
import { isIdentity, type Identity } from './identity.js'
import { type KeyRing, TOKEN_ALGORITHM } from './key-ring.js'
import { toTokenError } from './token-errors.js'

/** Options of {@link TokenService}. */
export interface TokenServiceOptions {
  /** The signing keys. */
  readonly keyRing: KeyRing
  /** The `iss` claim: names this server (e.g. its public URL). */
  readonly issuer: string
  /** The `aud` claim: names the service the token is for (e.g. `blackholio`). */
  readonly audience: string
  /** Token lifetime, ms. Default 3 600 000 (one hour). */
  readonly ttlMs?: number
  /** Clock skew allowed on `exp`, `nbf` and `iat`, seconds. Default 30. */
  readonly clockToleranceS?: number
  /** Longer tokens are refused before parsing, characters. Default 4 096. */
  readonly maxTokenLength?: number
  /** Wall-clock time in ms. Default `Date.now`. */
  readonly now?: () => number
}

/** A token just signed. */
export interface IssuedToken {
  /** The compact JWT. */
  readonly token: string
  /** Its `exp`, ms since the epoch. */
  readonly expiresAt: number
}

/** What a verified token says. */
export interface VerifiedToken {
  /** `sub`: the identity the token was issued to. */
  readonly identity: Identity
  /** `exp`, ms since the epoch. */
  readonly expiresAt: number
  /** `jti`: the token's unique id. */
  readonly tokenId: string
  /** `kid` of the key that signed it. */
  readonly kid: string
}

/**
 * Issues and verifies the server's session tokens: JWTs signed with Ed25519 (JWS `alg`
 * `Ed25519`) carrying `iss`, `sub` (the identity), `aud`, `iat`, `exp`, `jti` and a `kid`
 * header. Verification pins the algorithm, requires `exp`, `iat`, `iss`, `aud`, `sub` and
 * `jti`, looks the key up by `kid` in the ring, and allows a small clock tolerance.
 *
 * @example
 * ```ts
 * const me = generateIdentity()
 * const tokens = new TokenService({ keyRing: await KeyRing.open(), issuer: 'https://play.example', audience: 'blackholio' })
 * const { token } = await tokens.issue(me.identity)
 * const { identity } = await tokens.verify(token)
 * ```
 * @see https://www.rfc-editor.org/rfc/rfc7519 (JWT)
 * @see https://www.rfc-editor.org/rfc/rfc8725 (JWT best current practices: pinned algorithms)
 * @see https://www.rfc-editor.org/rfc/rfc8037 (EdDSA in JOSE)
 */
export class TokenService {
  readonly issuer: string
  readonly audience: string
  readonly ttlMs: number
  private readonly ring: KeyRing
  private readonly toleranceS: number
  private readonly maxLength: number
  private readonly now: () => number

  /**
   * @param options - see {@link TokenServiceOptions}
   * @throws {AuthError} `ERR_INVALID_OPTIONS` for an empty issuer or audience or a non-positive lifetime
   */
  constructor(options: TokenServiceOptions) {
    this.ring = options.keyRing
    this.issuer = options.issuer
    this.audience = options.audience
    this.ttlMs = options.ttlMs ?? 3_600_000
    this.toleranceS = options.clockToleranceS ?? 30
    this.maxLength = options.maxTokenLength ?? 4_096
    this.now = options.now ?? Date.now
    if (this.issuer === '' || this.audience === '' || !(this.ttlMs >= 1000) || !(this.toleranceS >= 0)) {
      throw new AuthError('ERR_INVALID_OPTIONS', 'issuer and audience must be non-empty, ttlMs at least 1000 and clockToleranceS not negative')
    }
  }

  /**
   * Signs a token for an identity, valid from now for `ttlMs`.
   * @param identity - the `sub`
   * @returns the token and its expiry (ms since the epoch)
   * @throws {AuthError} `ERR_INVALID_OPTIONS` when `identity` is not 64 hex digits
   */
  async issue(identity: Identity): Promise<IssuedToken> {
    if (!isIdentity(identity)) throw new AuthError('ERR_INVALID_OPTIONS', 'a token subject must be an identity (64 hex digits)')
    const { kid, privateKey } = await this.ring.signingKey()
    const iat = Math.floor(this.now() / 1000)
    const exp = iat + Math.ceil(this.ttlMs / 1000)
    const jti = toBase64url(globalThis.crypto.getRandomValues(new Uint8Array(16)))
    const token = await new SignJWT({})
      .setProtectedHeader({ alg: TOKEN_ALGORITHM, typ: 'JWT', kid })
      .setIssuer(this.issuer)
      .setSubject(identity)
      .setAudience(this.audience)
      .setIssuedAt(iat)
      .setExpirationTime(exp)
      .setJti(jti)
      .sign(privateKey)
    return { token, expiresAt: exp * 1000 }
  }

  /**
   * Verifies a token this service (or an earlier run with the same key store) issued.
   * @param token - the compact JWT
   * @returns identity, expiry, token id and kid
   * @throws {AuthError} `ERR_TOKEN_TOO_LARGE`, `ERR_TOKEN_MALFORMED`, `ERR_TOKEN_ALGORITHM`, `ERR_TOKEN_UNKNOWN_KEY`,
   *   `ERR_TOKEN_SIGNATURE`, `ERR_TOKEN_EXPIRED`, `ERR_TOKEN_NOT_YET_VALID`, `ERR_TOKEN_AUDIENCE`, `ERR_TOKEN_ISSUER`,
   *   `ERR_TOKEN_CLAIM_MISSING`, `ERR_TOKEN_CLAIM_INVALID`
   */
  async verify(token: unknown): Promise<VerifiedToken> {
    if (typeof token !== 'string') throw new AuthError('ERR_TOKEN_MALFORMED', 'a token is a string')
    if (token.length > this.maxLength) throw new AuthError('ERR_TOKEN_TOO_LARGE', `the token is longer than ${this.maxLength} characters`)
    let kid = ''
    try {
      const { payload, protectedHeader } = await jwtVerify(
        token,
        (header) => {
          if (typeof header.kid !== 'string') throw new AuthError('ERR_TOKEN_UNKNOWN_KEY', 'the token has no kid')
          const key = this.ring.verificationKey(header.kid)
          if (key === undefined) throw new AuthError('ERR_TOKEN_UNKNOWN_KEY', 'the token was signed by a key this server does not hold (unknown or rotated out)')
          kid = header.kid
          return key
        },
        {
          algorithms: [TOKEN_ALGORITHM],
          issuer: this.issuer,
          audience: this.audience,
          requiredClaims: ['exp', 'iat', 'sub', 'jti'],
          clockTolerance: this.toleranceS,
          currentDate: new Date(this.now()),
          maxTokenAge: `${Math.ceil(this.ttlMs / 1000) + this.toleranceS}s`,
        },
      )
      if (protectedHeader.typ !== undefined && protectedHeader.typ !== 'JWT') throw new AuthError('ERR_TOKEN_MALFORMED', 'the token typ is not JWT')
      if (!isIdentity(payload.sub)) throw new AuthError('ERR_TOKEN_CLAIM_INVALID', "the token's 'sub' is not an identity")
      if (typeof payload.jti !== 'string') throw new AuthError('ERR_TOKEN_CLAIM_INVALID', "the token's 'jti' is not a string")
      return { identity: payload.sub, expiresAt: (payload.exp as number) * 1000, tokenId: payload.jti, kid }
    } catch (error) {
      throw toTokenError(error)
    }
  }
}

/**
 * Reads a token's expiry without verifying it (a client scheduling its refresh).
 * @param token - a compact JWT
 * @returns `exp` in ms since the epoch, or `null` when the token is not a JWT with a numeric `exp`
 * @example
 * ```ts
 * declare const token: string
 * const refreshAt = (tokenExpiry(token) ?? Infinity) - 60_000
 * ```
 */
export function tokenExpiry(token: string): number | null {
  try {
    const { exp } = decodeJwt(token)
    return typeof exp === 'number' && Number.isFinite(exp) ? exp * 1000 : null
  } catch {
    return null
  }
}

/**
 * Reads a token's subject (`sub`) without verifying it: only to compare with an identity
 * proven some other way, never as proof.
 * @param token - a compact JWT
 * @returns the `sub` string, or `null` when the token is not a JWT with a string `sub`
 * @example
 * ```ts
 * declare const helloToken: string
 * declare const signer: string // the identity that signed the challenge
 * declare function refuse(): never
 * if (tokenSubject(helloToken) !== signer) refuse()
 * ```
 */
export function tokenSubject(token: string): string | null {
  try {
    const { sub } = decodeJwt(token)
    return typeof sub === 'string' ? sub : null
  } catch {
    return null
  }
}

/**
 * Reads a token's issuer (`iss`) without verifying it: only to choose which issuer's keys verify it.
 * @param token - a compact JWT
 * @returns the `iss` string, or `null` when the token is not a JWT with a string `iss`
 * @example
 * ```ts
 * declare const token: string
 * declare const issuers: Map<string, ExternalIssuer>
 * const verifier = issuers.get(tokenIssuer(token) ?? '')
 * ```
 */
export function tokenIssuer(token: string): string | null {
  try {
    const { iss } = decodeJwt(token)
    return typeof iss === 'string' ? iss : null
  } catch {
    return null
  }
}
