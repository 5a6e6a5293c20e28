import { CloseCode, encodeServerMessage, type Hello, type ServerMessage } from '@orrery/protocol'
import { peekRequestId } from '@orrery/protocol/internal'
import type { Logger } from 'pino'
import type { RawData, WebSocket } from 'ws'
import { isAbusiveClose } from './admission/abusive-close.js'
import { FrameBudget } from './admission/frame-budget.js'
import { TokenExpiryTimer } from './auth/token-expiry.js'
import { ConnectionTraffic } from './metrics/connection-traffic.js'
import type { AuthResult, Identity } from './authenticator.js'
import type { UpgradeFrames } from './http/upgrade-frames.js'
import type { ResumableSession } from './resume/resumable-session.js'
import { type HandshakePort, SessionHandshake, type SessionState } from './session-handshake.js'
import { admitFrame, toBytes } from './session-intake.js'
import { routeMessage } from './session-router.js'
import type { SessionHost } from './session-host.js'

export type { SessionCounters, SessionHost } from './session-host.js'


/** Frames sent outside a session's numbered stream (see docs/protocol.md, "Sessions and resume"). */
const UNNUMBERED: ReadonlySet<ServerMessage['type']> = new Set(['Challenge', 'Welcome', 'Pong'])

/** Close codes with which a client says it is done (1005: a close frame without a code): its session ends with the socket. */
const GOODBYE_CODES: ReadonlySet<number> = new Set([CloseCode.Normal, CloseCode.GoingAway, 1005])

/** Time to wait for the peer's close handshake before dropping the socket, ms. */
const CLOSE_GRACE_MS = 2_000

/**
 * One WebSocket connection: enforces frame kind, rate and outbox limits,
 * decodes untrusted frames, runs the Hello → Challenge → Authenticate →
 * Welcome handshake and routes requests to its server. Any failure closes
 * this connection only.
 */
export class ClientSession implements HandshakePort {
  /** A server-unique id for this connection (`ctx.connectionId`). */
  readonly id: string
  /** Resolves when the underlying socket has closed. */
  readonly closed: Promise<void>
  /** The child logger of this connection. */
  readonly log: Logger
  private readonly ws: WebSocket
  /** The server this connection belongs to. */
  readonly host: SessionHost
  private readonly budget: FrameBudget
  /** Where the handshake stands, then 'ready' and 'closed' (the handshake moves it through its port). */
  state: SessionState = 'hello'
  private identityValue: Identity | null = null
  private readonly handshake: SessionHandshake
  private handshakeTimer: ReturnType<typeof setTimeout> | null
  private terminateTimer: ReturnType<typeof setTimeout> | null = null
  private readonly expiry: TokenExpiryTimer
  private slowSince: number | null = null
  /** The code this side closed with, or null when the peer (or the network) ended the socket. */
  private serverCloseCode: number | null = null
  private peerCloseCode: number | null = null
  /** Clock time of the last frame or pong from the peer, ms (for the heartbeat). */
  lastHeardAt: number
  /** The session this connection carries once admitted (null before Welcome, or after it was resumed elsewhere). */
  resumable: ResumableSession | null = null
  /** Bytes and frames in and out, and the RTT of the server's pings. */
  readonly traffic: ConnectionTraffic

  /**
   * @param id - connection id
   * @param ws - the accepted socket
   * @param host - the server
   * @param log - this connection's logger
   * @param remoteAddress - peer address for the authenticator
   */
  constructor(id: string, ws: WebSocket, host: SessionHost, log: Logger, readonly remoteAddress: string | undefined) {
    this.id = id
    this.ws = ws
    this.host = host
    this.log = log
    const { limits } = host
    this.budget = new FrameBudget(limits)
    this.traffic = new ConnectionTraffic(ws)
    this.handshake = new SessionHandshake(this)
    this.closed = new Promise((resolve) => {
      ws.once('close', (code: number, reason: Buffer) => {
        this.peerCloseCode = code
        this.clearTimers()
        this.log.debug({ code, reason: reason.toString() }, 'connection closed')
        this.teardown()
        resolve()
      })
    })
    ws.on('error', (error: Error) => {
      this.host.counters.errors++
      this.log.warn({ err: error }, 'socket error')
      // ws reports the peer's protocol violations (an oversized or invalid frame) as WS_ERR_* and closes with
      // 1002/1009; a network error (ECONNRESET...) is no abuse.
      const code = (error as { code?: unknown }).code
      if (typeof code === 'string' && code.startsWith('WS_ERR_')) this.penalize()
    })
    this.lastHeardAt = host.clock.now()
    ws.on('message', (data: RawData, isBinary: boolean) => this.onFrame(data, isBinary))
    ws.on('pong', () => {
      this.lastHeardAt = this.host.clock.now()
      this.traffic.ponged()
    })
    const authNow = host.authenticator.now?.bind(host.authenticator) ?? Date.now
    this.expiry = new TokenExpiryTimer(host.clock, authNow, () => {
      this.host.counters.errors++
      this.log.info('token expired')
      this.sendError('ERR_AUTH_FAILED', 'the session token expired; refresh it before expiry or sign in again')
      this.end(CloseCode.TokenExpired, 'token expired')
    })
    this.handshakeTimer = setTimeout(() => {
      this.handshakeTimer = null
      this.host.counters.errors++
      this.log.info('handshake timeout')
      this.end(CloseCode.HandshakeTimeout, 'handshake timeout')
    }, limits.handshakeTimeoutMs)
  }

  /** Takes the server's limits again after a reconfiguration (the budgets of this connection). */
  retune(): void {
    this.budget.retune(this.host.limits)
  }

  /** The authenticated identity, or null before Welcome. */
  get identity(): Identity | null {
    return this.identityValue
  }

  /** Whether the handshake completed and the session is not closed. */
  get isReady(): boolean {
    return this.state === 'ready'
  }

  /** The code this side closed the socket with, else the peer's; null while none is known. */
  get closeCode(): number | null {
    return this.serverCloseCode ?? this.peerCloseCode
  }

  /** The Hello's `resume`, or null before Hello or for a fresh session. */
  get resumeRequest(): Hello['resume'] {
    return this.handshake.hello?.resume ?? null
  }

  /**
   * Whether the socket ended without the client saying goodbye: the network or the peer dropped it (any
   * close but 1000, 1001 and a close frame without a code from the client), or this side found it silent (CloseCode.IdleTimeout). Its
   * session then waits for a resume.
   */
  get droppedByNetwork(): boolean {
    if (this.serverCloseCode !== null) return this.serverCloseCode === CloseCode.IdleTimeout
    return this.peerCloseCode === null || !GOODBYE_CODES.has(this.peerCloseCode)
  }

  /**
   * Encodes and sends one message (dropped once the session is closing). After Welcome, every message but
   * Pong goes through the session's numbered stream (recorded for a resume).
   */
  send(message: ServerMessage): void {
    if (this.state === 'closed' && this.resumable === null) return
    const frame = encodeServerMessage(message)
    if (this.resumable !== null && !UNNUMBERED.has(message.type)) this.resumable.write(frame)
    else this.sendFrame(frame)
  }

  /**
   * Sends an encoded frame; past `maxOutboxBytes` queued on the socket the
   * session is closed with CloseCode.SlowConsumer (deferred to a microtask, so
   * a replicator flush in progress is not disturbed).
   */
  sendFrame(frame: Uint8Array): void {
    if (this.state === 'closed' || this.ws.readyState !== 1) return
    this.ws.send(frame)
    this.host.counters.bytesSent += frame.byteLength
    this.traffic.sent(frame.byteLength)
    if (this.ws.bufferedAmount > this.host.limits.maxOutboxBytes) {
      const queued = this.ws.bufferedAmount
      this.state = 'closed'
      this.serverCloseCode = CloseCode.SlowConsumer
      queueMicrotask(() => {
        this.log.warn({ queued }, 'slow consumer')
        this.closeSocket(CloseCode.SlowConsumer, 'outbox overflow')
        this.teardown()
      })
    }
  }

  /**
   * Whether the socket keeps up: false while more than `slowReaderBytes` wait in it (its updates then wait,
   * collapsed); a client that stays behind longer than `slowReaderTimeoutMs` is closed with CloseCode.SlowConsumer.
   */
  canSend(): boolean {
    if (this.state === 'closed') return false
    const { slowReaderBytes, slowReaderTimeoutMs } = this.host.limits
    if (this.ws.bufferedAmount <= slowReaderBytes) {
      this.slowSince = null
      return true
    }
    const now = performance.now()
    this.slowSince ??= now
    if (now - this.slowSince > slowReaderTimeoutMs) {
      const queued = this.ws.bufferedAmount
      this.state = 'closed'
      this.serverCloseCode = CloseCode.SlowConsumer
      queueMicrotask(() => {
        this.log.warn({ queued }, 'slow reader did not catch up')
        this.closeSocket(CloseCode.SlowConsumer, 'slow reader')
        this.teardown()
      })
    }
    return false
  }

  /** Sends an Error frame. */
  sendError(code: string, message: string, requestId: number | null = null): void {
    this.send({ type: 'Error', code, message, requestId })
  }

  /**
   * Ends the session: closes the socket with `code` and runs the server's
   * teardown (onDisconnect) now, not when the peer acknowledges.
   */
  end(code: number, reason: string): void {
    if (this.state === 'closed') return
    this.closeSocket(code, reason)
    this.teardown()
  }

  /** Sends an Error frame, then ends the session with `closeCode`. */
  fail(code: string, message: string, closeCode: number, requestId: number | null = null): void {
    if (this.state === 'closed') return
    this.host.counters.errors++
    this.log.info({ code, closeCode }, message)
    if (isAbusiveClose(closeCode)) this.penalize()
    this.sendError(code, message, requestId)
    this.end(closeCode, code)
  }

  /** Charges this connection's abuse to the handshakes of its address and identity. */
  private penalize(): void {
    this.host.handshakes.penalize(this.remoteAddress, this.identityValue, this.host.limits.abusePenalty)
  }

  /** Ends the session after an unexpected failure of the server's own code (never the process). */
  crashed(error: unknown): void {
    this.host.counters.errors++
    this.log.error({ err: error }, 'session failed')
    if (this.state === 'closed') return
    this.sendError('ERR_INTERNAL', 'the server failed to serve this connection')
    this.end(CloseCode.InternalError, 'internal error')
  }

  /** Sends a WebSocket ping (the peer's pong counts as hearing from it). */
  ping(): void {
    if (this.state === 'closed' || this.ws.readyState !== 1) return
    try {
      this.ws.ping()
      this.traffic.pinged()
    } catch {
      // The socket closed meanwhile; its close event ends the session.
    }
  }

  /**
   * The peer stayed silent past the idle timeout: closes with CloseCode.IdleTimeout and drops the socket at
   * once (a half-open peer never answers the close). The session waits for a resume.
   */
  idleOut(): void {
    if (this.state === 'closed') return
    this.log.info({ silentMs: this.host.clock.now() - this.lastHeardAt }, 'idle timeout')
    this.closeSocket(CloseCode.IdleTimeout, 'idle timeout')
    this.ws.terminate()
    this.teardown()
  }

  private closeSocket(code: number, reason: string): void {
    this.state = 'closed'
    this.serverCloseCode ??= code
    this.clearHandshakeTimer()
    if (this.ws.readyState === 0 || this.ws.readyState === 1) this.ws.close(code, reason)
    if (this.terminateTimer === null && this.ws.readyState !== 3) {
      this.terminateTimer = setTimeout(() => this.ws.terminate(), CLOSE_GRACE_MS)
    }
  }

  private teardownDone = false
  private teardown(): void {
    if (this.teardownDone) return
    this.teardownDone = true
    const admitted = this.identityValue !== null
    this.state = 'closed'
    this.clearHandshakeTimer()
    this.expiry.clear()
    this.host.ended(this, admitted)
  }

  private clearHandshakeTimer(): void {
    if (this.handshakeTimer !== null) clearTimeout(this.handshakeTimer)
    this.handshakeTimer = null
  }

  private clearTimers(): void {
    this.clearHandshakeTimer()
    if (this.terminateTimer !== null) clearTimeout(this.terminateTimer)
    this.terminateTimer = null
  }

  /**
   * Takes the frames the client carried in its upgrade request (protocol 2.2) as if they were its first
   * frames on the socket: the same limits, budgets and handshake order apply.
   */
  receiveUpgradeFrames(carried: UpgradeFrames): void {
    const error = carried.error
    if (error !== null) {
      this.fail(error.code, error.message, error.code === 'ERR_FRAME_TOO_LARGE' ? CloseCode.MessageTooBig : CloseCode.ProtocolError)
      return
    }
    for (const frame of carried.frames) this.onFrame(Buffer.from(frame.buffer, frame.byteOffset, frame.byteLength), true)
  }

  private onFrame(data: RawData, isBinary: boolean): void {
    if (this.state === 'closed') return
    const bytes = toBytes(data)
    this.lastHeardAt = this.host.clock.now()
    const counters = this.host.counters
    counters.bytesReceived += bytes.byteLength
    counters.messagesReceived++
    this.traffic.received(bytes.byteLength)
    const verdict = admitFrame(bytes, isBinary, this.state === 'ready', this.host.limits, this.budget)
    if (verdict.kind === 'refused') {
      this.fail(verdict.code, verdict.message, verdict.closeCode)
      return
    }
    if (verdict.kind === 'over') {
      this.overBudget(bytes, verdict.what)
      return
    }
    const message = verdict.message
    try {
      routeMessage(this, this.handshake, message, 'requestId' in message ? message.requestId : null)
    } catch (error) {
      this.crashed(error)
    }
  }

  /** A frame over a budget: dropped undecoded, answered with ERR_RATE_LIMITED; too many strikes close the session. */
  private overBudget(bytes: Uint8Array, what: string): void {
    this.host.counters.rateLimited++
    const requestId = peekRequestId(bytes)
    if (!this.budget.strike()) {
      this.fail('ERR_RATE_LIMITED', `${what} repeatedly`, CloseCode.RateLimited, requestId)
      return
    }
    this.host.counters.errors++
    this.sendError('ERR_RATE_LIMITED', `${what}; message dropped`, requestId)
  }

  /** @see HandshakePort.signedIn */
  signedIn(auth: AuthResult): void {
    this.clearHandshakeTimer()
    this.identityValue = auth.identity
    this.state = 'ready'
    this.expiry.arm(auth.expiresAt)
    try {
      this.host.admit(this, auth)
    } catch (error) {
      this.crashed(error)
    }
  }

  /** @see HandshakePort.armExpiry */
  armExpiry(expiresAt: number | undefined): void {
    this.expiry.arm(expiresAt)
  }
}
