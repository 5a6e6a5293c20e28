import {
  AuthError,
  type ExternalIssuer,
  KeyRing,
  type KeyRingStore,
  LOOPBACK_SERVER_NAMES,
  NonceStore,
  TokenService,
  tokenIssuer,
  tokenSubject,
  verifyChallengeCredential,
} from '@orrery/auth'
import { createFileKeyRingStore } from '@orrery/auth/node'
import type { Authenticator, AuthRequest, AuthResult, IssuedToken } from '../authenticator.js'
import { ServerError } from '../server-error.js'

/** Options of {@link createKeyAuthenticator}. Durations in milliseconds. */
export interface KeyAuthenticatorOptions {
  /** The server's data folder: signing keys persist in `<dataDir>/signing-keys.json` (0600, folder 0700). Default: keys in memory (tokens die with the process). */
  readonly dataDir?: string
  /** A key store of your own (e.g. a secret manager); overrides `dataDir`. */
  readonly keyStore?: KeyRingStore
  /** The tokens' `iss`: this server's public URL or name. Default `orrery`. */
  readonly issuer?: string
  /** The tokens' `aud`: the service they are for. Default `orrery`. */
  readonly audience?: string
  /** The names clients connect to (URL authority, port optional): a signature for any other name is refused. Default: localhost, 127.0.0.1, [::1]. */
  readonly serverNames?: readonly string[]
  /** Token lifetime. Default 3 600 000 (one hour). */
  readonly tokenTtlMs?: number
  /** Clock skew allowed when verifying tokens, seconds. Default 30. */
  readonly clockToleranceS?: number
  /** How long a Challenge may be answered. Default 30 000. */
  readonly nonceTtlMs?: number
  /** A signing key older than this is replaced. Default 7 days. */
  readonly rotateAfterMs?: number
  /**
   * External issuers (OpenID Connect providers, see `createExternalIssuer` of `@orrery/auth`) whose
   * tokens are accepted as method `token`; the player's identity is derived from `iss` + `sub`, and
   * the session then runs on this server's own tokens. Default: none.
   */
  readonly externalIssuers?: readonly ExternalIssuer[]
  /** Wall-clock time, ms since the epoch (inject a fake in tests). Default `Date.now`. */
  readonly now?: () => number
}

/** The Ed25519/JWT authenticator: the {@link Authenticator} seam plus its key ring and token service. */
export interface KeyAuthenticator extends Authenticator {
  readonly methods: readonly ['signature', 'token']
  /** Resolves once the signing keys are loaded (or created); every other call waits for it too. */
  ready(): Promise<void>
  /** The key ring (for `rotate()` and `kids`), after `ready()`. */
  keyRing(): Promise<KeyRing>
  /** The token service (issue and verify tokens outside a handshake), after `ready()`. */
  tokens(): Promise<TokenService>
  createNonce(): Uint8Array
  now(): number
  jwks(): Promise<unknown>
  issueToken(identity: string): Promise<IssuedToken>
}

/**
 * The authenticator of Ed25519 identities: a client signs the Challenge nonce (method
 * `signature`) or presents an unexpired token of this server (method `token`); either way it
 * gets a fresh EdDSA JWT. Nonces are single-use and short-lived; signing keys persist in the
 * data folder, rotate, and are published at `/.well-known/jwks.json`.
 *
 * @param options - see {@link KeyAuthenticatorOptions}
 * @returns the authenticator, for the `authenticator` option of `createServer`
 * @throws {ServerError} (from `authenticate`) `ERR_AUTH_FAILED` with the `@orrery/auth` code first in the message;
 *   `ERR_TOKEN_REFUSED` when a token answer is refused
 * @example
 * ```ts
 * import { createServer, defineModule } from '@orrery/server'
 * const module = defineModule({ name: 'arena', components: [], reducers: {} })
 * const authenticator = createKeyAuthenticator({ dataDir: './data', issuer: 'https://play.example', audience: 'blackholio', serverNames: ['play.example'] })
 * const server = createServer({ module, authenticator })
 * ```
 * @see https://www.rfc-editor.org/rfc/rfc8032 (Ed25519)
 * @see https://www.rfc-editor.org/rfc/rfc7519 (JWT)
 */
export function createKeyAuthenticator(options: KeyAuthenticatorOptions = {}): KeyAuthenticator {
  const now = options.now ?? Date.now
  const serverNames = options.serverNames ?? LOOPBACK_SERVER_NAMES
  if (serverNames.length === 0) throw new ServerError('ERR_INVALID_OPTIONS', 'serverNames must name at least one server')
  const external = new Map<string, ExternalIssuer>()
  for (const issuer of options.externalIssuers ?? []) external.set(issuer.issuer, issuer)
  if (external.has(options.issuer ?? 'orrery')) throw new ServerError('ERR_INVALID_OPTIONS', 'an external issuer has the same iss as this server')
  const nonces = new NonceStore({ ttlMs: options.nonceTtlMs ?? 30_000, now })
  const store = options.keyStore ?? (options.dataDir === undefined ? undefined : createFileKeyRingStore(options.dataDir))
  let ring: Promise<KeyRing> | null = null
  const openRing = (): Promise<KeyRing> => {
    ring ??= KeyRing.open({
      ...(store === undefined ? {} : { store }),
      ...(options.rotateAfterMs === undefined ? {} : { rotateAfterMs: options.rotateAfterMs }),
      retainAfterRetireMs: (options.tokenTtlMs ?? 3_600_000) + (options.clockToleranceS ?? 30) * 1000,
      now,
    })
    return ring
  }
  let service: Promise<TokenService> | null = null
  const tokens = (): Promise<TokenService> => {
    service ??= openRing().then(
      (keyRing) =>
        new TokenService({
          keyRing,
          issuer: options.issuer ?? 'orrery',
          audience: options.audience ?? 'orrery',
          ttlMs: options.tokenTtlMs ?? 3_600_000,
          clockToleranceS: options.clockToleranceS ?? 30,
          now,
        }),
    )
    return service
  }

  const refuse = (error: unknown, code: 'ERR_AUTH_FAILED' | 'ERR_TOKEN_REFUSED'): ServerError => {
    if (error instanceof ServerError) return error
    if (error instanceof AuthError) return new ServerError(code, `${error.code}: ${error.message}`, { cause: error })
    return new ServerError('ERR_AUTH_FAILED', 'authentication failed', { cause: error })
  }

  const bySignature = async (request: AuthRequest): Promise<AuthResult> => {
    nonces.consume(request.nonce)
    const { identity } = verifyChallengeCredential(request.credential, { nonce: request.nonce, serverNames })
    if (request.helloToken !== null && tokenSubject(request.helloToken) !== identity) {
      throw new AuthError('ERR_IDENTITY_MISMATCH', 'the Hello token names another identity than the signature')
    }
    const issued = await (await tokens()).issue(identity)
    return { identity, token: issued.token, expiresAt: issued.expiresAt }
  }

  const byToken = async (request: AuthRequest): Promise<AuthResult> => {
    nonces.consume(request.nonce)
    const token = typeof request.credential === 'string' ? request.credential : request.helloToken
    if (token === null) throw new AuthError('ERR_TOKEN_MALFORMED', 'no token presented')
    const service = await tokens()
    const outside = external.get(tokenIssuer(token) ?? '')
    const verified = outside === undefined ? await service.verify(token) : await outside.verify(token)
    if (request.helloToken !== null && request.helloToken !== token && tokenSubject(request.helloToken) !== verified.identity) {
      throw new AuthError('ERR_IDENTITY_MISMATCH', 'the Hello token names another identity than the Authenticate token')
    }
    const issued = await service.issue(verified.identity)
    return { identity: verified.identity, token: issued.token, expiresAt: issued.expiresAt }
  }

  return {
    methods: ['signature', 'token'],
    async ready() {
      await tokens()
    },
    keyRing: openRing,
    tokens,
    createNonce: () => nonces.issue(),
    now,
    async jwks() {
      return (await openRing()).jwks()
    },
    async authenticate(request) {
      if (request.method === 'signature') {
        try {
          return await bySignature(request)
        } catch (error) {
          throw refuse(error, 'ERR_AUTH_FAILED')
        }
      }
      if (request.method === 'token') {
        try {
          return await byToken(request)
        } catch (error) {
          // A stale token is not a stolen identity: the client discards it and signs in again.
          const nonceOrMismatch = error instanceof AuthError && (error.code.startsWith('ERR_NONCE') || error.code === 'ERR_IDENTITY_MISMATCH')
          throw refuse(error, nonceOrMismatch ? 'ERR_AUTH_FAILED' : 'ERR_TOKEN_REFUSED')
        }
      }
      throw new ServerError('ERR_AUTH_FAILED', `method '${request.method}' is not offered; sign the challenge`)
    },
    async issueToken(identity): Promise<IssuedToken> {
      return (await tokens()).issue(identity)
    },
  }
}
