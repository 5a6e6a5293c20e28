import { type CryptoKey, calculateJwkThumbprint, importJWK, type JWK } from 'jose'
import { AuthError } from './auth-error.js'
import { fromBase64url, toBase64url } from './bytes.js'
import { publicKeyOf, randomSecretKey } from './ed25519.js'

/** The JWS algorithm of every token this package signs (fully specified Ed25519). */
export const TOKEN_ALGORITHM = 'Ed25519'

/** Where a key ring keeps its keys between runs: a file in the server's data folder, or memory. */
export interface KeyRingStore {
  /** Names the store in error messages; never contains secrets. */
  readonly description: string
  /** Returns the stored text, or `null` when nothing is stored yet. */
  load(): Promise<string | null> | string | null
  /** Replaces the stored text (atomically where the medium allows). */
  save(text: string): Promise<void> | void
}

/** A public key as published in the JWKS document. */
export interface PublicJwk {
  readonly kty: 'OKP'
  readonly crv: 'Ed25519'
  readonly x: string
  readonly kid: string
  readonly alg: typeof TOKEN_ALGORITHM
  readonly use: 'sig'
}

/** A JSON Web Key Set of the ring's public keys. */
export interface JwkSet {
  readonly keys: readonly PublicJwk[]
}

interface StoredKey {
  kid: string
  /** base64url secret key (RFC 8037 `d`). */
  d: string
  createdAt: number
  /** When it stopped signing; null for the current key. */
  retiredAt: number | null
}

interface LiveKey extends StoredKey {
  x: string
  privateKey: CryptoKey
  publicKey: CryptoKey
}

/** Options of {@link KeyRing.open}. */
export interface KeyRingOptions {
  /** Where keys persist. Default: memory (keys are lost on restart, so are the tokens they signed). */
  readonly store?: KeyRingStore
  /** A signing key older than this is replaced at the next signature, ms. Default 7 days. */
  readonly rotateAfterMs?: number
  /** How long a retired key keeps verifying: the longest token lifetime plus clock tolerance, ms. Default 1 hour + 60 s. */
  readonly retainAfterRetireMs?: number
  /** Wall-clock time in ms. Default `Date.now`. */
  readonly now?: () => number
}

const DAY_MS = 86_400_000

/**
 * The server's token signing keys: one current Ed25519 key that signs, and retired keys kept
 * by `kid` until every token they signed has expired. Keys persist in a {@link KeyRingStore}
 * so tokens survive restarts; the public halves are published as a JWKS document.
 *
 * @example
 * ```ts
 * import { createFileKeyRingStore } from '@orrery/auth/node'
 * const ring = await KeyRing.open({ store: createFileKeyRingStore('./data') })
 * const { kid } = await ring.signingKey()
 * ```
 * @see https://www.rfc-editor.org/rfc/rfc8037 (OKP keys in JOSE)
 * @see https://www.rfc-editor.org/rfc/rfc7517#section-5 (JWK Set)
 * @see https://www.rfc-editor.org/rfc/rfc7638 (thumbprints, used as kid)
 */
export class KeyRing {
  private keys: LiveKey[] = []
  private readonly store: KeyRingStore | null
  private readonly rotateAfterMs: number
  private readonly retainMs: number
  private readonly now: () => number
  private rotating: Promise<void> | null = null

  private constructor(options: KeyRingOptions) {
    this.store = options.store ?? null
    this.rotateAfterMs = options.rotateAfterMs ?? 7 * DAY_MS
    this.retainMs = options.retainAfterRetireMs ?? 3_660_000
    this.now = options.now ?? Date.now
    if (!(this.rotateAfterMs > 0) || !(this.retainMs >= 0)) throw new AuthError('ERR_INVALID_OPTIONS', 'rotateAfterMs must be positive and retainAfterRetireMs not negative')
  }

  /**
   * Opens a key ring: loads its stored keys, drops those past retention, and creates a first
   * key when there is none.
   * @param options - see {@link KeyRingOptions}
   * @returns the ring
   * @throws {AuthError} `ERR_IDENTITY_CORRUPT` when the stored keys do not parse; `ERR_STORAGE`/`ERR_STORAGE_PERMISSIONS` from the store
   */
  static async open(options: KeyRingOptions = {}): Promise<KeyRing> {
    const ring = new KeyRing(options)
    const text = (await ring.store?.load()) ?? null
    if (text !== null) ring.keys = await Promise.all(parseStored(text, ring.store?.description ?? 'key store').map(toLive))
    const changed = ring.prune()
    if (ring.keys.every((k) => k.retiredAt !== null)) await ring.rotate()
    else if (changed) await ring.persist()
    return ring
  }

  /** The kids of the keys that verify, newest first. */
  get kids(): readonly string[] {
    return this.keys.map((k) => k.kid)
  }

  /**
   * The key to sign with now; rotates first when the current key is older than `rotateAfterMs`.
   * @returns its kid and private key
   */
  async signingKey(): Promise<{ readonly kid: string; readonly privateKey: CryptoKey }> {
    const current = this.keys[0]
    if (current === undefined || current.retiredAt !== null || this.now() - current.createdAt >= this.rotateAfterMs) await this.rotate()
    const key = this.keys[0] as LiveKey
    return { kid: key.kid, privateKey: key.privateKey }
  }

  /**
   * The public key of a kid, if it still verifies.
   * @param kid - the `kid` header of a token
   * @returns the key, or undefined for an unknown or dropped kid
   */
  verificationKey(kid: string): CryptoKey | undefined {
    this.prune()
    return this.keys.find((k) => k.kid === kid)?.publicKey
  }

  /**
   * Starts a new signing key now; the previous one keeps verifying for `retainAfterRetireMs`.
   * @returns the kid of the new key
   */
  async rotate(): Promise<string> {
    this.rotating ??= (async () => {
      const now = this.now()
      for (const key of this.keys) key.retiredAt ??= now
      const secret = randomSecretKey()
      const x = toBase64url(publicKeyOf(secret))
      // RFC 7638 thumbprint: a kid that names the key itself, stable across restarts.
      const kid = await calculateJwkThumbprint({ kty: 'OKP', crv: 'Ed25519', x }, 'sha256')
      const stored: StoredKey = { kid, d: toBase64url(secret), createdAt: now, retiredAt: null }
      this.keys.unshift(await toLive(stored))
      this.prune()
      await this.persist()
    })().finally(() => {
      this.rotating = null
    })
    await this.rotating
    return (this.keys[0] as LiveKey).kid
  }

  /**
   * The public keys that verify, as a JWKS document (serve it as `application/json`).
   * @returns `{ keys }`, newest first
   */
  jwks(): JwkSet {
    this.prune()
    return { keys: this.keys.map((k) => ({ kty: 'OKP', crv: 'Ed25519', x: k.x, kid: k.kid, alg: TOKEN_ALGORITHM, use: 'sig' })) }
  }

  /** Drops retired keys past retention; returns whether any went. */
  private prune(): boolean {
    const before = this.keys.length
    const now = this.now()
    this.keys = this.keys.filter((k) => k.retiredAt === null || now - k.retiredAt <= this.retainMs)
    return this.keys.length !== before
  }

  private async persist(): Promise<void> {
    if (this.store === null) return
    const keys: StoredKey[] = this.keys.map(({ kid, d, createdAt, retiredAt }) => ({ kid, d, createdAt, retiredAt }))
    await this.store.save(`${JSON.stringify({ format: 'orrery-signing-keys', version: 1, keys }, null, 2)}\n`)
  }
}

function parseStored(text: string, where: string): StoredKey[] {
  const corrupt = (why: string, cause?: unknown): AuthError => new AuthError('ERR_IDENTITY_CORRUPT', `${where} holds no valid signing keys (${why})`, { cause })
  let record: unknown
  try {
    record = JSON.parse(text)
  } catch (cause) {
    throw corrupt('not JSON', cause)
  }
  const r = record as { format?: unknown; version?: unknown; keys?: unknown }
  if (typeof record !== 'object' || record === null || r.format !== 'orrery-signing-keys' || r.version !== 1 || !Array.isArray(r.keys)) {
    throw corrupt('unknown format or version')
  }
  return r.keys.map((k: unknown) => {
    const key = k as Partial<StoredKey>
    const secret = typeof key.d === 'string' ? fromBase64url(key.d) : null
    if (typeof key.kid !== 'string' || key.kid === '' || secret === null || secret.length !== 32 || typeof key.createdAt !== 'number' || !(key.retiredAt === null || typeof key.retiredAt === 'number')) {
      throw corrupt('a key record is invalid')
    }
    return { kid: key.kid, d: key.d as string, createdAt: key.createdAt, retiredAt: key.retiredAt }
  })
}

async function toLive(stored: StoredKey): Promise<LiveKey> {
  const secret = fromBase64url(stored.d) as Uint8Array
  const x = toBase64url(publicKeyOf(secret))
  const jwk: JWK = { kty: 'OKP', crv: 'Ed25519', x, d: stored.d }
  const privateKey = (await importJWK(jwk, TOKEN_ALGORITHM)) as CryptoKey
  const publicKey = (await importJWK({ kty: 'OKP', crv: 'Ed25519', x }, TOKEN_ALGORITHM)) as CryptoKey
  return { ...stored, x, privateKey, publicKey }
}
