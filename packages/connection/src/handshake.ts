import {
  type ClientMessage,
  encodeClientMessage,
  PROTOCOL_VERSION,
  type ServerMessage,
  UPGRADE_FRAMES_PROTOCOL,
  upgradeProtocols,
  type Welcome,
} from '@orrery/protocol'
import { ConnectionError } from './connection-error.js'
import type { AuthAnswer, AuthChallenge, ConnectionOptions, ResumeInfo } from './connection-types.js'
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

/**
 * The answer to send right behind Hello, before the Challenge, or null to wait for it: with a known token and
 * no custom `auth`, method 'token' with it; with `earlyAuth`, what it says; none after a server refused an
 * early answer (4008 from a server older than 2.1).
 *
 * @param token - the token to present, or null
 * @param options - the connection's `auth` and `earlyAuth` options
 * @param refused - whether a server refused an early answer before
 * @returns the answer, or null
 */
export function earlyTokenAnswer(
  token: string | null,
  options: Pick<ConnectionOptions, 'auth' | 'earlyAuth'>,
  refused: boolean,
): AuthAnswer | null {
  if (refused || token === null) return null
  if (options.earlyAuth !== undefined) return options.earlyAuth(token)
  return options.auth === undefined ? { method: 'token', credential: token } : null
}

type Phase = 'opening' | 'challenge' | 'early' | 'auth' | 'welcome' | 'done'

/**
 * The handshake on one socket: Hello (version, token, resume point) → Challenge → Authenticate (through the
 * auth seam) → Welcome, each step only in its place. With a token to present, Authenticate may go right
 * behind Hello (2.1), which saves a round trip: the Challenge that follows is then only acknowledged. Hello
 * (and such an Authenticate) may also ride in the WebSocket upgrade request itself (2.2), which saves another:
 * a resume with a token then costs one round trip after the TCP connect.
 */
export class Handshake {
  private phase: Phase = 'opening'
  private first: ClientMessage[] = []
  private carried = false
  private link: SocketLink | null = null

  /** @param host - the connection */
  constructor(private readonly host: HandshakeHost) {}

  /** Whether Welcome arrived. */
  get done(): boolean {
    return this.phase === 'done'
  }

  /** Whether Authenticate went out behind Hello, before the Challenge. */
  get pipelined(): boolean {
    return this.early
  }

  private early = false

  /**
   * Prepares the first messages (Hello, and a token answer when there is one) before the socket exists.
   *
   * @returns the subprotocols that carry them in the upgrade request, or null when the resume seam threw (the
   *   handshake failed: no socket should be opened)
   */
  prepare(): string[] | null {
    let resume: ResumeInfo | null
    try {
      resume = this.host.resume()
    } catch (cause) {
      this.host.fail(new ConnectionError('ERR_HANDSHAKE', 'the resume option threw', { cause }))
      return null
    }
    this.first = [{ type: 'Hello', protocolVersion: PROTOCOL_VERSION, token: this.host.token(), resume }]
    const answer = this.host.earlyAnswer()
    if (answer !== null) this.first.push({ type: 'Authenticate', method: answer.method, credential: answer.credential })
    return upgradeProtocols(this.first.map(encodeClientMessage))
  }

  /** The socket that carries this handshake. */
  attach(link: SocketLink): void {
    this.link = link
  }

  /** Whether the server took the first messages from the upgrade request (it selected the 2.2 subprotocol). */
  get upgradeCarried(): boolean {
    return this.carried
  }

  /**
   * The socket opened: say Hello, unless the server took it from the upgrade request (it selected
   * {@link UPGRADE_FRAMES_PROTOCOL}).
   *
   * @param protocol - the subprotocol the server selected ('' for none)
   */
  opened(protocol: string): void {
    const link = this.link
    if (link === null) return
    this.carried = protocol === UPGRADE_FRAMES_PROTOCOL
    this.phase = 'challenge'
    const [hello, answer] = this.first
    if (!this.carried && hello !== undefined) link.write(hello)
    if (answer === undefined) return
    this.early = true
    this.phase = 'early'
    if (!this.carried) link.write(answer)
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
      if (this.link?.isOpen === true) this.host.fail(new ConnectionError('ERR_HANDSHAKE', 'the auth function threw', { cause }))
      return
    }
    const link = this.link
    if (link === null || !link.isOpen || this.phase !== 'auth') return
    this.phase = 'welcome'
    link.write({ type: 'Authenticate', method: answer.method, credential: answer.credential })
  }
}
