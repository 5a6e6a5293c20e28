import { PROTOCOL_VERSION, type ServerMessage, type Welcome } from '@orrery/protocol'
import { ConnectionError } from './connection-error.js'
import type { AuthAnswer, AuthChallenge, ResumeInfo } from './connection-types.js'
import { defaultAuth } from './default-auth.js'
import type { SocketLink } from './socket-link.js'

/** What a {@link Handshake} asks of its connection. */
export interface HandshakeHost {
  /** The auth seam (default: {@link defaultAuth}). */
  readonly auth: ((challenge: AuthChallenge) => Promise<AuthAnswer> | AuthAnswer) | undefined
  /** The token to present now. */
  token(): string | null
  /** Where to resume, or null (may throw: the handshake then fails). */
  resume(): ResumeInfo | null
  /** A token answer to send right behind Hello (before the Challenge), or null to wait for the Challenge. */
  earlyAnswer(): AuthAnswer | null
  /** Welcome arrived. */
  welcome(welcome: Welcome): void
  /** The handshake cannot succeed whatever the retries (the auth or resume seam threw). */
  fail(error: ConnectionError): void
  /** The server broke the handshake's order: drop the socket and retry. */
  protocolError(error: ConnectionError): void
  /** The server explained a refusal before its close (the close decides what happens next). */
  remoteError(error: ConnectionError): void
}

type Phase = 'opening' | 'challenge' | 'early' | 'auth' | 'welcome' | 'done'

/**
 * The handshake on one socket: Hello (version, token, resume point) → Challenge → Authenticate (through the
 * auth seam) → Welcome, each step only in its place. With a token to present, Authenticate may go right
 * behind Hello (2.1), which saves a round trip: the Challenge that follows is then only acknowledged.
 */
export class Handshake {
  private phase: Phase = 'opening'

  /**
   * @param link - the socket
   * @param host - the connection
   */
  constructor(
    private readonly link: SocketLink,
    private readonly host: HandshakeHost,
  ) {}

  /** Whether Welcome arrived. */
  get done(): boolean {
    return this.phase === 'done'
  }

  /** Whether Authenticate went out behind Hello, before the Challenge. */
  get pipelined(): boolean {
    return this.early
  }

  private early = false

  /** The socket opened: say Hello. */
  opened(): void {
    let resume: ResumeInfo | null
    try {
      resume = this.host.resume()
    } catch (cause) {
      this.host.fail(new ConnectionError('ERR_HANDSHAKE', 'the resume option threw', { cause }))
      return
    }
    this.phase = 'challenge'
    this.link.write({ type: 'Hello', protocolVersion: PROTOCOL_VERSION, token: this.host.token(), resume })
    const answer = this.host.earlyAnswer()
    if (answer === null) return
    this.early = true
    this.phase = 'early'
    this.link.write({ type: 'Authenticate', method: answer.method, credential: answer.credential })
  }

  /** A server message before Welcome. */
  receive(message: ServerMessage): void {
    if (message.type === 'Error') {
      this.host.remoteError(new ConnectionError('ERR_HANDSHAKE', message.message, { remoteCode: message.code }))
      return
    }
    if (this.phase === 'early' && message.type === 'Challenge') {
      this.phase = 'welcome'
      return
    }
    if (this.phase === 'challenge' && message.type === 'Challenge') {
      this.phase = 'auth'
      void this.authenticate(message.nonce, message.methods)
      return
    }
    if (this.phase === 'welcome' && message.type === 'Welcome') {
      this.phase = 'done'
      this.host.welcome(message)
      return
    }
    this.host.protocolError(new ConnectionError('ERR_PROTOCOL', `unexpected ${message.type} during the handshake`))
  }

  private async authenticate(nonce: Uint8Array, methods: readonly string[]): Promise<void> {
    const auth = this.host.auth ?? defaultAuth
    let answer: AuthAnswer
    try {
      answer = await auth({ nonce, methods, token: this.host.token() })
    } catch (cause) {
      if (this.link.isOpen) this.host.fail(new ConnectionError('ERR_HANDSHAKE', 'the auth function threw', { cause }))
      return
    }
    if (!this.link.isOpen || this.phase !== 'auth') return
    this.phase = 'welcome'
    this.link.write({ type: 'Authenticate', method: answer.method, credential: answer.credential })
  }
}
