import { ed25519 } from '@noble/curves/ed25519.js'
import { AuthError } from './auth-error.js'

/** Length of an Ed25519 public key, bytes. */
export const PUBLIC_KEY_BYTES = 32
/** Length of an Ed25519 secret key (the RFC 8032 seed), bytes. */
export const SECRET_KEY_BYTES = 32
/** Length of an Ed25519 signature, bytes. */
export const SIGNATURE_BYTES = 64

/**
 * Checks that bytes are a public key this package accepts: 32 bytes, a canonical encoding of a
 * curve point (strict RFC 8032 decoding, no ZIP-215 leniency) and not of small order (a
 * small-order key lets one signature verify for many messages).
 *
 * @param publicKey - the 32-byte encoded point
 * @throws {AuthError} `ERR_KEY_INVALID` for a wrong length or a non-canonical or off-curve encoding;
 *   `ERR_KEY_SMALL_ORDER` for a point of order 1, 2, 4 or 8
 * @example
 * ```ts
 * assertPublicKey(generateIdentity().publicKey)
 * ```
 * @see https://www.rfc-editor.org/rfc/rfc8032#section-5.1.3 (decoding)
 */
export function assertPublicKey(publicKey: Uint8Array): void {
  if (!(publicKey instanceof Uint8Array) || publicKey.length !== PUBLIC_KEY_BYTES) {
    throw new AuthError('ERR_KEY_INVALID', `an Ed25519 public key is ${PUBLIC_KEY_BYTES} bytes`)
  }
  let point: ReturnType<typeof ed25519.Point.fromBytes>
  try {
    point = ed25519.Point.fromBytes(publicKey, false)
  } catch (cause) {
    throw new AuthError('ERR_KEY_INVALID', 'the public key is not a canonical Ed25519 point', { cause })
  }
  if (point.isSmallOrder()) throw new AuthError('ERR_KEY_SMALL_ORDER', 'the public key is a small-order point')
}

/**
 * Signs a message with Ed25519 (pure, no prehash).
 *
 * @param message - the bytes to sign
 * @param secretKey - the 32-byte seed
 * @returns the 64-byte signature R ‖ S
 * @throws {AuthError} `ERR_KEY_INVALID` when the secret key is not 32 bytes
 * @example
 * ```ts
 * const secretKey = generateIdentity().exportSecretKey()
 * const signature = signEd25519(new TextEncoder().encode('hi'), secretKey)
 * ```
 * @see https://www.rfc-editor.org/rfc/rfc8032#section-5.1.6
 */
export function signEd25519(message: Uint8Array, secretKey: Uint8Array): Uint8Array {
  if (!(secretKey instanceof Uint8Array) || secretKey.length !== SECRET_KEY_BYTES) {
    throw new AuthError('ERR_KEY_INVALID', `an Ed25519 secret key is ${SECRET_KEY_BYTES} bytes`)
  }
  return ed25519.sign(message, secretKey)
}

/**
 * Verifies an Ed25519 signature strictly: `zip215: false` (canonical R and A encodings, S < L,
 * cofactorless equation) and small-order public keys refused.
 *
 * @param signature - 64 bytes R ‖ S
 * @param message - the signed bytes
 * @param publicKey - the signer's 32-byte public key
 * @returns `true` when the signature is valid; `false` for any invalid or non-canonical signature
 * @throws {AuthError} `ERR_KEY_INVALID` / `ERR_KEY_SMALL_ORDER` when the public key is refused (see {@link assertPublicKey})
 * @example
 * ```ts
 * declare const signature: Uint8Array
 * declare const message: Uint8Array
 * declare const publicKey: Uint8Array
 * verifyEd25519(signature, message, publicKey) // true
 * ```
 * @see https://www.rfc-editor.org/rfc/rfc8032#section-5.1.7
 */
export function verifyEd25519(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): boolean {
  assertPublicKey(publicKey)
  if (!(signature instanceof Uint8Array) || signature.length !== SIGNATURE_BYTES) return false
  try {
    return ed25519.verify(signature, message, publicKey, { zip215: false })
  } catch {
    return false
  }
}

/**
 * Derives the public key of a secret key.
 * @param secretKey - the 32-byte seed
 * @returns the 32-byte public key
 * @throws {AuthError} `ERR_KEY_INVALID` when the secret key is not 32 bytes
 * @example
 * ```ts
 * declare const secretKey: Uint8Array // 32 bytes
 * const publicKey = publicKeyOf(secretKey)
 * ```
 * @see https://www.rfc-editor.org/rfc/rfc8032#section-5.1.5
 */
export function publicKeyOf(secretKey: Uint8Array): Uint8Array {
  if (!(secretKey instanceof Uint8Array) || secretKey.length !== SECRET_KEY_BYTES) {
    throw new AuthError('ERR_KEY_INVALID', `an Ed25519 secret key is ${SECRET_KEY_BYTES} bytes`)
  }
  return ed25519.getPublicKey(secretKey)
}

/**
 * A new random secret key (32 bytes from the platform's CSPRNG).
 * @returns the seed
 * @example
 * ```ts
 * const secretKey = randomSecretKey()
 * ```
 */
export function randomSecretKey(): Uint8Array {
  return ed25519.utils.randomSecretKey()
}
