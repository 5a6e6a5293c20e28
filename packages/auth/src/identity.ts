import { sha256 } from '@noble/hashes/sha2.js'
import { AuthError } from './auth-error.js'
import { toHex, utf8 } from './bytes.js'
import { assertPublicKey, publicKeyOf, randomSecretKey, signEd25519 } from './ed25519.js'

/** A public identity: 64 lowercase hex digits (a SHA-256 digest). It is what reducers see as `ctx.sender`. */
export type Identity = string

const IDENTITY_PATTERN = /^[0-9a-f]{64}$/
const KEY_DOMAIN = utf8('orrery/identity/ed25519\0')
const ISSUER_DOMAIN = utf8('orrery/identity/oidc\0')

/**
 * An Ed25519 key pair and the identity derived from it. The secret key is held in a closure,
 * not in a property, so logging or serializing the object never prints it.
 */
export interface KeyIdentity {
  /** The public identity, see {@link identityOfPublicKey}. */
  readonly identity: Identity
  /** The 32-byte public key. */
  readonly publicKey: Uint8Array
  /**
   * Signs bytes with the secret key.
   * @param message - the bytes to sign
   * @returns a 64-byte Ed25519 signature
   */
  sign(message: Uint8Array): Uint8Array
  /** A copy of the 32-byte secret key, for storage only. */
  exportSecretKey(): Uint8Array
}

/**
 * The identity of a public key: hex SHA-256 over a domain tag and the 32 key bytes. Hashing
 * gives every identity the same 64-digit shape whatever proves it (a key, or an external
 * issuer's `iss` + `sub`, hashed under another tag so the two kinds never collide), and
 * SHA-256 is available everywhere (WebCrypto, Node, @noble/hashes) for a client in any language.
 *
 * @param publicKey - a 32-byte Ed25519 public key
 * @returns 64 lowercase hex digits
 * @throws {AuthError} `ERR_KEY_INVALID` / `ERR_KEY_SMALL_ORDER` when the key is refused
 * @example
 * ```ts
 * identityOfPublicKey(generateIdentity().publicKey).length // 64
 * ```
 */
export function identityOfPublicKey(publicKey: Uint8Array): Identity {
  assertPublicKey(publicKey)
  const input = new Uint8Array(KEY_DOMAIN.length + publicKey.length)
  input.set(KEY_DOMAIN)
  input.set(publicKey, KEY_DOMAIN.length)
  return toHex(sha256(input))
}

/**
 * The identity of an external issuer's subject: hex SHA-256 over a domain tag, `iss`, a NUL and `sub`.
 *
 * @param issuer - the token's `iss`
 * @param subject - the token's `sub`
 * @returns 64 lowercase hex digits
 * @example
 * ```ts
 * identityOfIssuerSubject('https://accounts.example', 'user-42').length // 64
 * ```
 * @see https://openid.net/specs/openid-connect-core-1_0.html#ClaimStability (iss + sub is the stable key)
 */
export function identityOfIssuerSubject(issuer: string, subject: string): Identity {
  const body = utf8(`${issuer}\0${subject}`)
  const input = new Uint8Array(ISSUER_DOMAIN.length + body.length)
  input.set(ISSUER_DOMAIN)
  input.set(body, ISSUER_DOMAIN.length)
  return toHex(sha256(input))
}

/**
 * Tells whether a string has the shape of an identity.
 * @param value - any value
 * @returns `true` for 64 lowercase hex digits
 * @example
 * ```ts
 * isIdentity('ab'.repeat(32)) // true
 * ```
 */
export function isIdentity(value: unknown): value is Identity {
  return typeof value === 'string' && IDENTITY_PATTERN.test(value)
}

/**
 * Restores a key identity from its secret key.
 * @param secretKey - the 32-byte seed
 * @returns the key identity
 * @throws {AuthError} `ERR_KEY_INVALID` when the secret key is not 32 bytes
 * @example
 * ```ts
 * const guest = generateIdentity()
 * const same = identityFromSecretKey(guest.exportSecretKey())
 * ```
 */
export function identityFromSecretKey(secretKey: Uint8Array): KeyIdentity {
  const secret = Uint8Array.from(secretKey)
  const publicKey = publicKeyOf(secret)
  const identity = identityOfPublicKey(publicKey)
  return {
    identity,
    publicKey,
    sign: (message) => signEd25519(message, secret),
    exportSecretKey: () => Uint8Array.from(secret),
  }
}

/**
 * A new key identity from the platform's CSPRNG: a guest is simply a fresh key pair.
 * @returns the key identity
 * @example
 * ```ts
 * const guest = generateIdentity()
 * console.log(guest.identity)
 * ```
 */
export function generateIdentity(): KeyIdentity {
  for (;;) {
    try {
      return identityFromSecretKey(randomSecretKey())
    } catch (error) {
      // A random seed essentially never gives a small-order key; draw again if it does.
      if (!(error instanceof AuthError && error.code === 'ERR_KEY_SMALL_ORDER')) throw error
    }
  }
}
