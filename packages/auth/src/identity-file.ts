import { AuthError } from './auth-error.js'
import { bytesEqual, fromBase64url, toBase64url } from './bytes.js'
import { identityFromSecretKey, type KeyIdentity } from './identity.js'

const FORMAT = 'orrery-identity'

/**
 * Serializes a key identity to the text its storage keeps: one JSON object with the format
 * name, version 1, the algorithm and both keys in base64url.
 *
 * @param identity - the key identity to store
 * @returns JSON text, ending with a newline
 * @example
 * ```ts
 * const text = serializeIdentity(generateIdentity())
 * ```
 */
export function serializeIdentity(identity: KeyIdentity): string {
  const record = {
    format: FORMAT,
    version: 1,
    algorithm: 'Ed25519',
    identity: identity.identity,
    publicKey: toBase64url(identity.publicKey),
    secretKey: toBase64url(identity.exportSecretKey()),
  }
  return `${JSON.stringify(record, null, 2)}\n`
}

/**
 * Parses stored identity text back into a key identity, checking every field and that the
 * stored public key and identity match the secret key.
 *
 * @param text - what {@link serializeIdentity} wrote
 * @param where - names the storage in error messages (a path, a storage key)
 * @returns the key identity
 * @throws {AuthError} `ERR_IDENTITY_CORRUPT` when the text is not a valid identity record
 * @example
 * ```ts
 * const identity = parseIdentity(serializeIdentity(generateIdentity()))
 * ```
 */
export function parseIdentity(text: string, where = 'identity storage'): KeyIdentity {
  const corrupt = (why: string, cause?: unknown): AuthError =>
    new AuthError('ERR_IDENTITY_CORRUPT', `${where} holds no valid identity (${why}); restore it from a backup or remove it to create a new identity`, {
      cause,
    })
  let record: unknown
  try {
    record = JSON.parse(text)
  } catch (cause) {
    throw corrupt('not JSON', cause)
  }
  if (typeof record !== 'object' || record === null) throw corrupt('not an object')
  const r = record as Record<string, unknown>
  if (r.format !== FORMAT || r.version !== 1 || r.algorithm !== 'Ed25519') throw corrupt('unknown format, version or algorithm')
  const secret = typeof r.secretKey === 'string' ? fromBase64url(r.secretKey) : null
  const publicKey = typeof r.publicKey === 'string' ? fromBase64url(r.publicKey) : null
  if (secret === null || secret.length !== 32 || publicKey === null) throw corrupt('bad key encoding')
  let identity: KeyIdentity
  try {
    identity = identityFromSecretKey(secret)
  } catch (cause) {
    throw corrupt('unusable secret key', cause)
  }
  if (!bytesEqual(identity.publicKey, publicKey) || r.identity !== identity.identity) {
    throw corrupt('the public key or identity does not match the secret key')
  }
  return identity
}
