import { randomBytes } from 'node:crypto'
import { type Authenticate, CloseCode, type Hello, isCompatibleVersion, PROTOCOL_VERSION, type ServerMessage } from '@orrery/protocol'
import { checkAuthResult } from './admission/auth-result.js'
import type { AuthMethod, AuthResult, Identity } from './authenticator.js'
import { messageOf } from './reducer-dispatcher.js'
import { ServerError } from './server-error.js'
import type { SessionHost } from './session-host.js'

/** Where a connection stands in the Hello → Challenge → Authenticate → Welcome handshake, then after it. */
export type SessionState = 'hello' | 'challenged' | 'authenticating' | 'ready' | 'closed'

/** What the handshake asks of its connection. */
export interface HandshakePort {
  readonly host: SessionHost
  readonly remoteAddress: string | undefined
  /** The connection's state; the handshake moves it from 'hello' to 'ready' (anything may close it meanwhile). */
  state: SessionState
  send(message: ServerMessage): void
  sendError(code: string, message: string, requestId?: number | null): void
  fail(code: string, message: string, closeCode: number, requestId?: number | null): void
  /** An unexpected failure of the server's own code: ends this connection only. */
  crashed(error: unknown): void
  /** The client signed in: stop the handshake timer, keep the identity, arm the token expiry, admit it. */
  signedIn(auth: AuthResult): void
  /** Re-arms the token expiry (after a refresh). */
  armExpiry(expiresAt: number | undefined): void
}

/**
 * The handshake of one connection (docs/protocol.md, "Handshake"): checks Hello's version and the address's
 * handshake budget, sends the Challenge, takes the Authenticate (or a token answer sent right behind Hello),
 * asks the authenticator and the identity's budget, and admits the client; then answers token refreshes.
 */
export class SessionHandshake {
  private helloValue: Hello | null = null
  private nonce: Uint8Array | null = null
  /** An Authenticate with a token that came before the Challenge went out (pipelined behind Hello). */
  private early: Authenticate | null = null

  constructor(private readonly port: HandshakePort) {}

  /** The Hello of this connection, or null before it. */
  get hello(): Hello | null {
    return this.helloValue
  }

  /** Whether a token Authenticate arriving now is an early one (behind Hello, before the Challenge): kept for later. */
  keepEarly(message: Authenticate): boolean {
    if (this.port.state !== 'authenticating' || this.nonce !== null || this.early !== null || message.method !== 'token') return false
    this.early = message
    return true
  }

  async onHello(hello: Hello): Promise<void> {
    const port = this.port
    const host = port.host
    if (!isCompatibleVersion(hello.protocolVersion)) {
      port.fail(
        'ERR_UNSUPPORTED_VERSION',
        `protocol version ${hello.protocolVersion} is not supported (server speaks ${PROTOCOL_VERSION})`,
        CloseCode.UnsupportedVersion,
      )
      return
    }
    this.helloValue = hello
    port.state = 'authenticating'
    if (!(await host.handshakes.allowAddress(port.remoteAddress))) {
      host.counters.rateLimited++
      port.fail('ERR_RATE_LIMITED', 'too many handshakes from this address; retry later', CloseCode.RateLimited)
      return
    }
    if (port.state !== 'authenticating') return
    this.nonce = host.authenticator.createNonce?.() ?? randomBytes(32)
    port.state = 'challenged'
    port.send({ type: 'Challenge', nonce: this.nonce, methods: host.authenticator.methods })
    const early = this.early
    this.early = null
    if (early === null) return
    // A server that takes no tokens refuses the early token as a stale one: the client signs in next time.
    if (!host.authenticator.methods.includes('token')) {
      port.fail('ERR_AUTH_FAILED', 'this server takes no tokens; answer the Challenge', CloseCode.TokenRefused)
      return
    }
    void this.onAuthenticate(early.method, early.credential)
  }

  async onAuthenticate(method: AuthMethod, credential: string | Uint8Array | null): Promise<void> {
    const port = this.port
    const host = port.host
    port.state = 'authenticating'
    const hello = this.helloValue as Hello
    let auth: AuthResult
    try {
      if (!host.authenticator.methods.includes(method)) {
        throw new ServerError('ERR_AUTH_FAILED', `method '${method}' is not offered`)
      }
      auth = await host.authenticator.authenticate({
        method,
        credential,
        nonce: this.nonce as Uint8Array,
        helloToken: hello.token,
        remoteAddress: port.remoteAddress,
      })
    } catch (error) {
      const refusedToken = error instanceof ServerError && error.code === 'ERR_TOKEN_REFUSED'
      port.fail('ERR_AUTH_FAILED', messageOf(error), refusedToken ? CloseCode.TokenRefused : CloseCode.AuthFailed)
      return
    }
    if (port.state !== 'authenticating') return
    const problem = checkAuthResult(auth)
    if (problem !== null) {
      port.crashed(new ServerError('ERR_AUTH_FAILED', `the authenticator returned an invalid result: ${problem}`))
      return
    }
    if (!(await host.handshakes.allowIdentity(auth.identity))) {
      host.counters.rateLimited++
      port.fail('ERR_RATE_LIMITED', 'too many sign-ins for this identity; retry later', CloseCode.RateLimited)
      return
    }
    if (port.state !== 'authenticating') return
    port.signedIn(auth)
  }

  async onRefreshToken(requestId: number, identity: Identity): Promise<void> {
    const port = this.port
    const host = port.host
    try {
      const issued = await host.authenticator.issueToken(identity)
      const { token, expiresAt } = typeof issued === 'string' ? { token: issued, expiresAt: undefined } : issued
      if (port.state !== 'ready') return
      port.armExpiry(expiresAt)
      port.send({ type: 'TokenRefreshed', requestId, token })
    } catch (error) {
      host.counters.errors++
      port.sendError('ERR_AUTH_FAILED', messageOf(error), requestId)
    }
  }
}
