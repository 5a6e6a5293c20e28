import { AuthError } from './auth-error.js'
import { toBase64url, utf8 } from './bytes.js'
import { PUBLIC_KEY_BYTES, SIGNATURE_BYTES, verifyEd25519 } from './ed25519.js'
import { type Identity, identityOfPublicKey, type KeyIdentity } from './identity.js'
import { matchesServerName } from './server-name.js'

/** The first line of every signed challenge: names the protocol and the purpose. */
export const CHALLENGE_CONTEXT = 'orrery/1 sign-in'
/** Version byte leading a signature credential. */
export const CREDENTIAL_VERSION = 1
const MAX_SERVER_NAME_BYTES = 255
const HEADER_BYTES = 1 + PUBLIC_KEY_BYTES + SIGNATURE_BYTES
const decoder = new TextDecoder('utf-8', { fatal: true })

/**
 * The exact bytes a client signs to answer a Challenge: UTF-8 of
 * `orrery/1 sign-in\nserver: <name>\nnonce: <base64url nonce>`. The text names the protocol, the
 * purpose and the server, so the signature is useless for any other protocol, purpose or server.
 *
 * @param serverName - the authority the client connected to, see {@link serverNameOf}
 * @param nonce - the Challenge's nonce (32 bytes)
 * @returns the bytes to sign
 * @example
 * ```ts
 * const nonce = crypto.getRandomValues(new Uint8Array(32))
 * challengeMessage('localhost:3000', nonce)
 * ```
 */
export function challengeMessage(serverName: string, nonce: Uint8Array): Uint8Array {
  return utf8(`${CHALLENGE_CONTEXT}\nserver: ${serverName.toLowerCase()}\nnonce: ${toBase64url(nonce)}`)
}

/** A decoded signature credential. */
export interface ChallengeCredential {
  readonly publicKey: Uint8Array
  readonly signature: Uint8Array
  /** The server name the client signed for. */
  readonly serverName: string
}

/**
 * Signs a Challenge: the credential of an Authenticate `{ method: 'signature' }`, laid out as
 * `0x01 ‖ public key (32) ‖ signature (64) ‖ UTF-8 server name`.
 *
 * @param identity - the client's key identity
 * @param challenge - `serverName` (see {@link serverNameOf}) and the 32-byte `nonce`
 * @returns the credential bytes
 * @example
 * ```ts
 * const me = generateIdentity()
 * const url = 'wss://play.example/game'
 * declare const nonce: Uint8Array // from the server's challenge
 * const credential = signChallenge(me, { serverName: serverNameOf(url), nonce })
 * ```
 */
export function signChallenge(identity: KeyIdentity, challenge: { readonly serverName: string; readonly nonce: Uint8Array }): Uint8Array {
  const name = utf8(challenge.serverName.toLowerCase())
  const signature = identity.sign(challengeMessage(challenge.serverName, challenge.nonce))
  const out = new Uint8Array(HEADER_BYTES + name.length)
  out[0] = CREDENTIAL_VERSION
  out.set(identity.publicKey, 1)
  out.set(signature, 1 + PUBLIC_KEY_BYTES)
  out.set(name, HEADER_BYTES)
  return out
}

/**
 * Splits a signature credential into its parts without verifying it.
 * @param credential - the bytes of an Authenticate credential
 * @returns public key, signature and server name
 * @throws {AuthError} `ERR_CREDENTIAL_MALFORMED` when the layout, version or name is wrong
 * @example
 * ```ts
 * declare const credential: Uint8Array // from the client's authenticate message
 * parseChallengeCredential(credential).serverName
 * ```
 */
export function parseChallengeCredential(credential: unknown): ChallengeCredential {
  if (!(credential instanceof Uint8Array) || credential.length <= HEADER_BYTES || credential.length > HEADER_BYTES + MAX_SERVER_NAME_BYTES) {
    throw new AuthError('ERR_CREDENTIAL_MALFORMED', 'a signature credential is 0x01, a 32-byte key, a 64-byte signature and a server name')
  }
  if (credential[0] !== CREDENTIAL_VERSION) throw new AuthError('ERR_CREDENTIAL_MALFORMED', `unknown credential version ${credential[0]}`)
  let serverName: string
  try {
    serverName = decoder.decode(credential.subarray(HEADER_BYTES))
  } catch (cause) {
    throw new AuthError('ERR_CREDENTIAL_MALFORMED', 'the server name is not UTF-8', { cause })
  }
  return {
    publicKey: credential.slice(1, 1 + PUBLIC_KEY_BYTES),
    signature: credential.slice(1 + PUBLIC_KEY_BYTES, HEADER_BYTES),
    serverName,
  }
}

/**
 * Verifies a signature credential against the nonce this connection was sent and the names of
 * this server.
 *
 * @param credential - the Authenticate credential bytes
 * @param expected - `nonce`: the Challenge nonce of this connection; `serverNames`: the names this server answers to
 * @returns the signer's identity and public key
 * @throws {AuthError} `ERR_CREDENTIAL_MALFORMED`; `ERR_WRONG_SERVER` when it was signed for another server;
 *   `ERR_KEY_INVALID` / `ERR_KEY_SMALL_ORDER` for a refused key; `ERR_SIGNATURE_INVALID` when the signature
 *   does not verify strictly over this nonce
 * @example
 * ```ts
 * declare const credential: Uint8Array // from the client's authenticate message
 * declare const nonce: Uint8Array // the nonce this server issued
 * const { identity } = verifyChallengeCredential(credential, { nonce, serverNames: ['localhost'] })
 * ```
 * @see https://www.rfc-editor.org/rfc/rfc8032#section-5.1.7
 */
export function verifyChallengeCredential(
  credential: unknown,
  expected: { readonly nonce: Uint8Array; readonly serverNames: readonly string[] },
): { readonly identity: Identity; readonly publicKey: Uint8Array } {
  const parsed = parseChallengeCredential(credential)
  if (!matchesServerName(parsed.serverName, expected.serverNames)) {
    throw new AuthError('ERR_WRONG_SERVER', `the challenge was signed for another server ('${parsed.serverName.slice(0, 64)}')`)
  }
  const identity = identityOfPublicKey(parsed.publicKey)
  if (!verifyEd25519(parsed.signature, challengeMessage(parsed.serverName, expected.nonce), parsed.publicKey)) {
    throw new AuthError('ERR_SIGNATURE_INVALID', 'the signature does not verify over this challenge')
  }
  return { identity, publicKey: parsed.publicKey }
}
