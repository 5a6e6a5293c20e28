import { generateIdentity, type KeyIdentity, signChallenge } from '@orrery/auth'
import { PROTOCOL_VERSION, type Welcome } from '@orrery/protocol'
import type { RawClient } from './helpers.js'

/** The Ed25519 handshake over a raw socket: Hello, Challenge, a signature (or a token), Welcome. */
export async function signIn(
  raw: RawClient,
  identity: KeyIdentity,
  options: { serverName?: string; token?: string | null; helloToken?: string | null } = {},
): Promise<Welcome> {
  raw.send({ type: 'Hello', protocolVersion: PROTOCOL_VERSION, token: options.helloToken ?? null, resume: null })
  const { nonce } = await raw.next('Challenge')
  if (options.token !== undefined && options.token !== null) {
    raw.send({ type: 'Authenticate', method: 'token', credential: options.token })
  } else {
    raw.send({ type: 'Authenticate', method: 'signature', credential: signChallenge(identity, { serverName: options.serverName ?? '127.0.0.1', nonce }) })
  }
  return raw.next('Welcome')
}

export { generateIdentity }
