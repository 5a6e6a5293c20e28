import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto'
import { ServerError } from './server-error.js'

/** Who a client is: a stable string (the anonymous authenticator uses 64 hex digits). */
export type Identity = string

/** The ways a client can prove who it is, as offered in the Challenge. */
export type AuthMethod = 'anonymous' | 'token' | 'signature'

/** What the server knows when a client answers the Challenge. */
export interface AuthRequest {
  /** The method the client chose in Authenticate. */
  readonly method: AuthMethod
  /** The credential it sent: a token string, a signature, or null for `anonymous`. */
  readonly credential: string | Uint8Array | null
  /** The 32 random bytes sent in this connection's Challenge (sign this for `signature`). */
  readonly nonce: Uint8Array
  /** The token the client presented in Hello, if any. */
  readonly helloToken: string | null
  /** The peer address, for logs and policies. */
  readonly remoteAddress: string | undefined
}

/** A successful authentication: the identity and the token to send in Welcome. */
export interface AuthResult {
  /** The authenticated identity; becomes `ctx.sender` in reducers. */
  readonly identity: Identity
  /** A token the client keeps to come back as the same identity. */
  readonly token: string
  /**
   * When the token expires, ms since the epoch on the authenticator's clock; the session is
   * closed with CloseCode.TokenExpired at that time unless the client refreshes. Omit for
   * tokens that do not expire.
   */
  readonly expiresAt?: number
}

/** A token issued by {@link Authenticator.issueToken}, with its expiry when it has one. */
export interface IssuedToken {
  readonly token: string
  /** ms since the epoch on the authenticator's clock; omit for tokens that do not expire. */
  readonly expiresAt?: number
}

/**
 * The auth seam of the server: decides who a connecting client is. Plug in a
 * different implementation (Ed25519 challenge signatures, JWT) through the
 * `authenticator` option of `createServer`.
 *
 * @example
 * ```ts
 * const allowList: Authenticator = {
 *   methods: ['token'],
 *   authenticate: ({ credential }) => {
 *     if (credential !== 'let-me-in') throw new ServerError('ERR_AUTH_FAILED', 'unknown token')
 *     return { identity: 'admin', token: 'let-me-in' }
 *   },
 *   issueToken: () => 'let-me-in',
 * }
 * ```
 */
export interface Authenticator {
  /** The methods offered in the Challenge, in order of preference. */
  readonly methods: readonly AuthMethod[]
  /**
   * Checks a client's answer to the Challenge.
   * @param request - method, credential, nonce and Hello token, see {@link AuthRequest}
   * @returns the identity and a token for Welcome
   * @throws {ServerError} `ERR_AUTH_FAILED` when the credential is refused (the client is closed with CloseCode.AuthFailed);
   *   `ERR_TOKEN_REFUSED` when a presented token is refused (CloseCode.TokenRefused: the client discards it and signs in again)
   */
  authenticate(request: AuthRequest): AuthResult | Promise<AuthResult>
  /**
   * Issues a fresh token for an identity (RefreshToken requests).
   * @param identity - an identity this authenticator accepted
   * @returns the new token, alone or with its expiry
   */
  issueToken(identity: Identity): string | IssuedToken | Promise<string | IssuedToken>
  /** Optional: the nonce of each Challenge (32 bytes); lets the authenticator make nonces single-use and short-lived. Default: 32 random bytes. */
  createNonce?(): Uint8Array
  /** Optional: the clock of `expiresAt`, ms since the epoch. Default `Date.now`. */
  now?(): number
  /** Optional: the public keys of its tokens as a JWKS document, served at `/.well-known/jwks.json`. */
  jwks?(): unknown
}

/** Options of {@link createAnonymousAuthenticator}. */
export interface AnonymousAuthenticatorOptions {
  /**
   * The HMAC-SHA256 key that signs tokens (≥ 16 bytes). Keep it across
   * restarts to keep tokens valid; default: 32 random bytes per process.
   */
  readonly secret?: string | Uint8Array
}

const IDENTITY_PATTERN = /^[0-9a-f]{64}$/

/**
 * The default authenticator: `anonymous` gives a new random identity (32
 * random bytes, hex) and a token `identity.signature` where the signature is
 * HMAC-SHA256(secret, identity) in base64url; `token` accepts such a token
 * back and restores the same identity, so a reconnecting client is the same
 * player.
 *
 * @param options - `secret`: the signing key, see {@link AnonymousAuthenticatorOptions}
 * @returns an {@link Authenticator} offering `token` and `anonymous`
 * @throws {ServerError} `ERR_INVALID_OPTIONS` when the secret is shorter than 16 bytes
 * @example
 * ```ts
 * import { createServer, defineModule } from '@orrery/server'
 * const module = defineModule({ name: 'arena', components: [], reducers: {} })
 * const secret = process.env.ORRERY_SECRET // at least 16 bytes; a random one per process when unset
 * const server = createServer({ module, authenticator: createAnonymousAuthenticator(secret === undefined ? {} : { secret }) })
 * ```
 * @see https://www.rfc-editor.org/rfc/rfc2104 (HMAC)
 */
export function createAnonymousAuthenticator(options: AnonymousAuthenticatorOptions = {}): Authenticator {
  const secret = options.secret === undefined ? randomBytes(32) : Buffer.from(options.secret)
  if (secret.length < 16) {
    throw new ServerError('ERR_INVALID_OPTIONS', 'authenticator secret must be at least 16 bytes')
  }
  const sign = (identity: Identity): string => createHmac('sha256', secret).update(identity).digest('base64url')
  const issueToken = (identity: Identity): string => `${identity}.${sign(identity)}`

  const verify = (token: string): Identity => {
    const dot = token.indexOf('.')
    const identity = dot < 0 ? '' : token.slice(0, dot)
    if (!IDENTITY_PATTERN.test(identity)) throw new ServerError('ERR_AUTH_FAILED', 'malformed token')
    const expected = Buffer.from(sign(identity))
    const given = Buffer.from(token.slice(dot + 1))
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      throw new ServerError('ERR_AUTH_FAILED', 'token signature does not match')
    }
    return identity
  }

  return {
    methods: ['token', 'anonymous'],
    authenticate(request) {
      if (request.method === 'anonymous') {
        const identity = randomBytes(32).toString('hex')
        return { identity, token: issueToken(identity) }
      }
      if (request.method === 'token') {
        const token = typeof request.credential === 'string' ? request.credential : request.helloToken
        if (token === null) throw new ServerError('ERR_AUTH_FAILED', 'no token presented')
        const identity = verify(token)
        return { identity, token }
      }
      throw new ServerError('ERR_AUTH_FAILED', `method '${request.method}' is not offered`)
    },
    issueToken,
  }
}
