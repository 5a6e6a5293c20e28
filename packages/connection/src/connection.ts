import {
  type ClientMessage,
  CloseCode,
  decodeServerMessage,
  type DecodeLimits,
  encodeClientMessage,
  PROTOCOL_VERSION,
  type ServerMessage,
  type Welcome,
} from '@orrery/protocol'
import mitt, { type Emitter, type EventType } from 'mitt'
import { backoffDelay, DEFAULT_RECONNECT } from './backoff.js'
import { ConnectionError } from './connection-error.js'
import type { Connection, ConnectionEvents, ConnectionOptions, ConnectionState, ConnectionStats } from './connection-types.js'
import { defaultAuth } from './default-auth.js'
import { frameBytes } from './frame-bytes.js'
import { PendingRequests } from './pending-requests.js'
import { RttEstimator } from './rtt-estimator.js'
import { OPEN, resolveWebSocket, type WebSocketLike } from './websocket-like.js'

/** Close code reported locally for a connection that failed without a close frame (RFC 6455 §7.4.1). */
const ABNORMAL_CLOSURE = 1006

/** Server close codes after which reconnecting cannot help. */
const FINAL_CLOSE_CODES: ReadonlySet<number> = new Set([CloseCode.UnsupportedVersion, CloseCode.AuthFailed, CloseCode.SessionReplaced])
/** How long `close()` waits for the socket's close event before letting go of it. */
const CLOSE_GRACE_MS = 2_000
const DEFAULT_MAX_FRAME_BYTES = 64 * 1024 * 1024

type Phase = 'idle' | 'opening' | 'challenge' | 'auth' | 'welcome' | 'ready'
type Deferred<T> = { promise: Promise<T>; resolve: (value: T) => void; reject: (error: ConnectionError) => void }

function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void
  let reject!: (error: ConnectionError) => void
  const promise = new Promise<T>((res, rej) => {
    resolve = res
    reject = rej
  })
  return { promise, resolve, reject }
}

// `mitt` ships CommonJS-style typings for an ES module; take the callable either way.
type EmitterFactory = <E extends Record<EventType, unknown>>() => Emitter<E>
const createEmitter = ((mitt as unknown as { default?: EmitterFactory }).default ?? mitt) as unknown as EmitterFactory

class OrreryConnection implements Connection {
  private readonly emitter = createEmitter<ConnectionEvents>()
  private readonly pending = new PendingRequests()
  private readonly rtt = new RttEstimator()
  private readonly limits: DecodeLimits
  private readonly counters = { bytesSent: 0, bytesReceived: 0, messagesSent: 0, messagesReceived: 0 }
  private currentState: ConnectionState = 'disconnected'
  private socket: WebSocketLike | null = null
  private phase: Phase = 'idle'
  private lastWelcome: Welcome | null = null
  private currentToken: string | null
  private attempts = 0
  private stopped = true
  private generation = 0
  private opening: Deferred<Welcome> | null = null
  private closeWaiters: (() => void)[] = []
  private lastReceivedAt = 0
  private framesOfSession = 0
  private reconnectTimer: ReturnType<typeof setTimeout> | undefined
  private handshakeTimer: ReturnType<typeof setTimeout> | undefined
  private pingTimer: ReturnType<typeof setInterval> | undefined

  // mitt's methods are closures over its handler map, so they can be handed out unbound.
  readonly on: Connection['on'] = this.emitter.on
  readonly off: Connection['off'] = this.emitter.off

  constructor(private readonly options: ConnectionOptions) {
    this.currentToken = options.token ?? null
    this.limits = { maxFrameBytes: DEFAULT_MAX_FRAME_BYTES, ...options.decodeLimits }
  }

  get state(): ConnectionState {
    return this.currentState
  }
  get welcome(): Welcome | null {
    return this.lastWelcome
  }
  get token(): string | null {
    return this.currentToken
  }
  get rttMs(): number | null {
    return this.rtt.srtt
  }
  get attempt(): number {
    return this.attempts
  }
  get stats(): ConnectionStats {
    return { ...this.counters }
  }
  get sessionFrames(): number {
    return this.framesOfSession
  }

  open(): Promise<Welcome> {
    if (this.currentState === 'connected' && this.lastWelcome !== null) return Promise.resolve(this.lastWelcome)
    if (this.opening !== null) return this.opening.promise
    this.opening = deferred<Welcome>()
    const { promise } = this.opening
    if (this.stopped) {
      this.stopped = false
      this.attempts = 0
      this.setState('connecting')
      void this.connect()
    }
    return promise
  }

  close(code: number = CloseCode.Normal, reason = ''): Promise<void> {
    this.stopped = true
    this.generation++
    this.clearTimers()
    this.failOpening(new ConnectionError('ERR_CLOSED', 'the connection was closed'))
    this.pending.rejectAll(() => new ConnectionError('ERR_CLOSED', 'the connection was closed'))
    this.setState('disconnected')
    const socket = this.socket
    if (socket === null) return Promise.resolve()
    return new Promise<void>((resolve) => {
      const grace = setTimeout(() => this.socketGone(socket, code, reason), CLOSE_GRACE_MS)
      this.closeWaiters.push(() => {
        clearTimeout(grace)
        resolve()
      })
      try {
        socket.close(code, reason)
      } catch {
        this.socketGone(socket, code, reason)
      }
    })
  }

  reconnect(reason = 'reconnect'): void {
    const socket = this.socket
    if (socket === null || this.phase !== 'ready') return
    this.drop(socket, CloseCode.ProtocolError, reason)
  }

  send(message: ClientMessage): void {
    const socket = this.socket
    if (this.currentState !== 'connected' || socket === null) {
      throw new ConnectionError('ERR_NOT_CONNECTED', `cannot send ${message.type} while ${this.currentState}`)
    }
    this.write(socket, message)
  }

  request<T extends ServerMessage = ServerMessage>(build: (requestId: number) => ClientMessage, timeoutMs?: number): Promise<T> {
    if (this.currentState !== 'connected') {
      return Promise.reject(new ConnectionError('ERR_NOT_CONNECTED', `cannot send a request while ${this.currentState}`))
    }
    const id = this.pending.allocate()
    const message = build(id)
    if (!('requestId' in message) || message.requestId !== id) {
      return Promise.reject(new ConnectionError('ERR_PROTOCOL', `${message.type} must carry the requestId ${id} it was built with`))
    }
    return new Promise<T>((resolve, reject) => {
      this.pending.add(id, timeoutMs ?? this.options.requestTimeoutMs ?? 10_000, resolve as (m: ServerMessage) => void, reject, message)
      try {
        this.send(message)
      } catch (error) {
        this.pending.reject(id, error as ConnectionError)
      }
    })
  }

  // ---- socket life cycle ----

  private async connect(): Promise<void> {
    const generation = ++this.generation
    let WebSocketClass: Awaited<ReturnType<typeof resolveWebSocket>>
    try {
      WebSocketClass = await resolveWebSocket(this.options.WebSocket)
    } catch (error) {
      if (generation === this.generation) this.giveUp(error as ConnectionError)
      return
    }
    if (generation !== this.generation || this.stopped) return
    let socket: WebSocketLike
    try {
      socket = new WebSocketClass(this.options.url)
    } catch (cause) {
      this.giveUp(new ConnectionError('ERR_FAILED', `cannot open a WebSocket to ${this.options.url}`, { cause }))
      return
    }
    socket.binaryType = 'arraybuffer'
    this.socket = socket
    this.phase = 'opening'
    const handshakeMs = this.options.handshakeTimeoutMs ?? 10_000
    this.handshakeTimer = setTimeout(() => {
      this.emitter.emit('error', new ConnectionError('ERR_HANDSHAKE', `no Welcome within ${handshakeMs} ms`))
      this.drop(socket, CloseCode.HandshakeTimeout, 'handshake timeout')
    }, handshakeMs)
    socket.onopen = () => this.onOpen(socket)
    socket.onmessage = (event) => this.onFrame(socket, event.data)
    socket.onclose = (event) => this.socketGone(socket, event.code, event.reason)
    // Browsers and `ws` follow an error event with a close event, but Node 22's built-in WebSocket
    // (undici) fires only the error when the connection is refused; so an error ends the socket
    // here and the close event that may follow finds it already gone.
    socket.onerror = () => this.socketFailed(socket)
  }

  private onOpen(socket: WebSocketLike): void {
    if (socket !== this.socket) return
    let resume: ReturnType<NonNullable<ConnectionOptions['resume']>>
    try {
      resume = this.options.resume?.() ?? null
      if (resume !== null && resume.received === undefined) resume = { ...resume, received: this.framesOfSession }
    } catch (cause) {
      this.giveUp(new ConnectionError('ERR_HANDSHAKE', 'the resume option threw', { cause }))
      return
    }
    this.phase = 'challenge'
    this.write(socket, { type: 'Hello', protocolVersion: PROTOCOL_VERSION, token: this.currentToken, resume })
  }

  private onFrame(socket: WebSocketLike, data: unknown): void {
    if (socket !== this.socket) return
    const bytes = frameBytes(data)
    if (bytes === null) {
      this.protocolFailure(socket, new ConnectionError('ERR_PROTOCOL', 'received a non-binary frame'))
      return
    }
    this.counters.bytesReceived += bytes.length
    this.counters.messagesReceived++
    this.lastReceivedAt = performance.now()
    let message: ServerMessage
    try {
      message = decodeServerMessage(bytes, this.limits)
    } catch (cause) {
      this.protocolFailure(socket, new ConnectionError('ERR_PROTOCOL', 'received a frame that does not decode', { cause }))
      return
    }
    if (this.phase === 'ready') {
      if (message.type !== 'Pong') this.framesOfSession++
      this.dispatch(socket, message)
    }
    else this.handshake(socket, message)
  }

  private handshake(socket: WebSocketLike, message: ServerMessage): void {
    if (message.type === 'Error') {
      // The server explains before it closes; the close decides what happens next.
      this.emitter.emit('error', new ConnectionError('ERR_HANDSHAKE', message.message, { remoteCode: message.code }))
      return
    }
    if (this.phase === 'challenge' && message.type === 'Challenge') {
      this.phase = 'auth'
      void this.authenticate(socket, message.nonce, message.methods)
      return
    }
    if (this.phase === 'welcome' && message.type === 'Welcome') {
      this.onWelcome(socket, message)
      return
    }
    this.protocolFailure(socket, new ConnectionError('ERR_PROTOCOL', `unexpected ${message.type} during the handshake`))
  }

  private async authenticate(socket: WebSocketLike, nonce: Uint8Array, methods: readonly string[]): Promise<void> {
    const auth = this.options.auth ?? defaultAuth
    let answer: Awaited<ReturnType<typeof auth>>
    try {
      answer = await auth({ nonce, methods, token: this.currentToken })
    } catch (cause) {
      if (socket === this.socket) this.giveUp(new ConnectionError('ERR_HANDSHAKE', 'the auth function threw', { cause }))
      return
    }
    if (socket !== this.socket || this.phase !== 'auth') return
    this.phase = 'welcome'
    this.write(socket, { type: 'Authenticate', method: answer.method, credential: answer.credential })
  }

  private onWelcome(socket: WebSocketLike, welcome: Welcome): void {
    clearTimeout(this.handshakeTimer)
    this.phase = 'ready'
    this.lastWelcome = welcome
    this.currentToken = welcome.token
    this.attempts = 0
    if (welcome.resumed) {
      // The server ignores the requests it saw already; their answers are in the replayed frames.
      for (const message of this.pending.messages()) this.write(socket, message)
    } else {
      this.framesOfSession = 0
      this.pending.rejectAll(() => new ConnectionError('ERR_DISCONNECTED', 'the connection dropped and the session was not resumed: the request may or may not have run'))
    }
    this.setState('connected')
    this.startPing(socket)
    this.emitter.emit('welcome', welcome)
    const opening = this.opening
    this.opening = null
    opening?.resolve(welcome)
  }

  private dispatch(socket: WebSocketLike, message: ServerMessage): void {
    switch (message.type) {
      case 'Pong':
        this.rtt.sample(performance.now() - message.clientTime)
        return
      case 'TokenRefreshed':
        this.currentToken = message.token
        if (this.pending.resolve(message.requestId, message)) return
        break
      case 'ReducerResult':
      case 'SubscribeApplied':
      case 'Unsubscribed':
        if (this.pending.resolve(message.requestId, message)) return
        break
      case 'Error':
        if (message.requestId !== null) {
          const error = new ConnectionError('ERR_REMOTE', message.message, { remoteCode: message.code })
          if (this.pending.reject(message.requestId, error)) return
        }
        break
      case 'Challenge':
      case 'Welcome':
        this.protocolFailure(socket, new ConnectionError('ERR_PROTOCOL', `unexpected ${message.type} after the handshake`))
        return
      default:
        break
    }
    this.emitter.emit('message', message)
  }

  private startPing(socket: WebSocketLike): void {
    const interval = this.options.pingIntervalMs ?? 2_000
    if (interval <= 0) return
    const timeout = this.options.heartbeatTimeoutMs ?? 3 * interval + 1_000
    const ping = () => {
      // A socket may be closing while its close event is still on the way.
      if (socket.readyState === OPEN) this.write(socket, { type: 'Ping', clientTime: performance.now() })
    }
    ping()
    this.pingTimer = setInterval(() => {
      if (socket !== this.socket) return
      if (performance.now() - this.lastReceivedAt > timeout) {
        this.emitter.emit('error', new ConnectionError('ERR_TIMEOUT', `nothing received for ${timeout} ms`))
        this.drop(socket, CloseCode.ProtocolError, 'heartbeat timeout')
        return
      }
      ping()
    }, interval)
  }

  private write(socket: WebSocketLike, message: ClientMessage): void {
    if (socket.readyState !== OPEN) {
      throw new ConnectionError('ERR_NOT_CONNECTED', `cannot send ${message.type}: the socket is not open`)
    }
    const bytes = encodeClientMessage(message)
    socket.send(bytes)
    this.counters.bytesSent += bytes.length
    this.counters.messagesSent++
  }

  // ---- endings ----

  private protocolFailure(socket: WebSocketLike, error: ConnectionError): void {
    this.emitter.emit('error', error)
    this.drop(socket, CloseCode.ProtocolError, error.message.slice(0, 100))
  }

  /** This side decides the socket is done: close it and go on without waiting for its close event. */
  private drop(socket: WebSocketLike, code: number, reason: string): void {
    try {
      socket.close(code, reason)
    } catch {
      // Closing a socket that is already closing may throw in some implementations.
    }
    this.socketGone(socket, code, reason)
  }

  private socketFailed(socket: WebSocketLike): void {
    if (socket !== this.socket) return
    socket.onerror = null
    try {
      socket.close()
    } catch {
      // A socket that never opened may refuse to close; it is dropped either way.
    }
    this.socketGone(socket, ABNORMAL_CLOSURE, 'the WebSocket failed')
  }

  private socketGone(socket: WebSocketLike, code: number, reason: string): void {
    if (socket !== this.socket) return
    socket.onopen = null
    socket.onmessage = null
    socket.onclose = null
    this.socket = null
    this.phase = 'idle'
    clearTimeout(this.handshakeTimer)
    clearInterval(this.pingTimer)
    // With resume, requests wait for the next Welcome: sent again if it resumes, failed if not.
    if (this.options.resume === undefined || this.stopped) {
      this.pending.rejectAll(() => new ConnectionError('ERR_DISCONNECTED', `the connection dropped (${code})`, { closeCode: code }))
    }
    this.emitter.emit('close', { code, reason })
    if (this.stopped) {
      const waiters = this.closeWaiters
      this.closeWaiters = []
      for (const resolve of waiters) resolve()
      return
    }
    if (code === CloseCode.TokenRefused || code === CloseCode.TokenExpired) {
      // A stale token is not a lost identity: forget it, and the next handshake signs in afresh.
      this.currentToken = null
    }
    if (FINAL_CLOSE_CODES.has(code)) {
      const kind = code === CloseCode.SessionReplaced ? 'ERR_FAILED' : 'ERR_HANDSHAKE'
      this.giveUp(new ConnectionError(kind, `the server closed with ${code} ${reason}`.trim(), { closeCode: code }))
      return
    }
    if (code === CloseCode.Normal) {
      this.stopped = true
      this.pending.rejectAll(() => new ConnectionError('ERR_DISCONNECTED', 'the server closed the connection', { closeCode: code }))
      this.setState('disconnected')
      this.failOpening(new ConnectionError('ERR_CLOSED', 'the server closed the connection', { closeCode: code }))
      return
    }
    this.scheduleReconnect()
  }

  private scheduleReconnect(): void {
    const reconnect = this.options.reconnect
    const maxAttempts = reconnect?.maxAttempts ?? DEFAULT_RECONNECT.maxAttempts
    if (this.attempts >= maxAttempts) {
      this.giveUp(new ConnectionError('ERR_FAILED', `gave up after ${this.attempts} reconnect attempts`))
      return
    }
    const delay = backoffDelay(this.attempts, reconnect, this.options.random)
    this.attempts++
    this.setState('reconnecting')
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined
      void this.connect()
    }, delay)
  }

  private giveUp(error: ConnectionError): void {
    this.stopped = true
    this.generation++
    this.clearTimers()
    const socket = this.socket
    if (socket !== null) this.drop(socket, CloseCode.Normal, 'giving up')
    this.setState('failed')
    this.pending.rejectAll(() => new ConnectionError('ERR_DISCONNECTED', `the connection gave up: ${error.message}`))
    this.emitter.emit('error', error)
    this.failOpening(error)
  }

  private failOpening(error: ConnectionError): void {
    const opening = this.opening
    this.opening = null
    opening?.reject(error)
  }

  private clearTimers(): void {
    clearTimeout(this.reconnectTimer)
    clearTimeout(this.handshakeTimer)
    clearInterval(this.pingTimer)
    this.reconnectTimer = undefined
  }

  private setState(state: ConnectionState): void {
    if (state === this.currentState) return
    this.currentState = state
    this.emitter.emit('state', state)
  }
}

/**
 * Creates a connection to an Orrery server; call `open()` to start it.
 *
 * It handshakes (Hello → Challenge → Authenticate → Welcome, answering the Challenge
 * through the `auth` seam), reconnects after drops with exponential backoff and jitter
 * (never after UnsupportedVersion, AuthFailed or SessionReplaced: the state becomes
 * 'failed'), measures RTT with Ping/Pong, and correlates requests with their answers.
 *
 * @param options - {@link ConnectionOptions}: `url` is required; durations in milliseconds
 * @returns a {@link Connection} in state 'disconnected'
 * @example
 * ```ts
 * const connection = createConnection({ url: 'ws://127.0.0.1:3000' })
 * connection.on('message', (message) => console.log(message.type))
 * const welcome = await connection.open()
 * const result = await connection.request((requestId) => ({
 *   type: 'CallReducer', requestId, reducer: 'enterGame', args: ['Ada'],
 * }))
 * await connection.close()
 * ```
 * @see https://aws.amazon.com/blogs/architecture/exponential-backoff-and-jitter/ for the backoff
 * @see https://www.rfc-editor.org/rfc/rfc6298 for the RTT smoothing
 */
export function createConnection(options: ConnectionOptions): Connection {
  return new OrreryConnection(options)
}
