import { type ClientMessage, CloseCode, type DecodeLimits, type ServerMessage, shouldReconnect, type Welcome } from '@orrery/protocol'
import { DEFAULT_RECONNECT } from './backoff.js'
import { ClientHeartbeat } from './client-heartbeat.js'
import { ConnectionError } from './connection-error.js'
import { ConnectionMachine } from './connection-machine.js'
import { type Deferred, deferred } from './deferred.js'
import { createEmitter } from './emitter.js'
import type { Connection, ConnectionEvents, ConnectionOptions, ConnectionState, ConnectionStats } from './connection-types.js'
import { earlyTokenAnswer, Handshake } from './handshake.js'
import { type ConnectionHealth, LinkHealth } from './link-health.js'
import { ReconnectPolicy } from './reconnect-policy.js'
import { RequestDesk } from './request-desk.js'
import { RetryTriggers } from './retry-triggers.js'
import { SocketLink, type TrafficCounters } from './socket-link.js'
import { resolveWebSocket } from './websocket-like.js'

/** How long `close()` waits for the socket's close event before letting go of it. */
const CLOSE_GRACE_MS = 2_000
const DEFAULT_MAX_FRAME_BYTES = 64 * 1024 * 1024
const DEFAULT_OUTBOX_BYTES = 64 * 1024

/**
 * Wires the parts of a connection: the state machine, the socket of the moment (its handshake and
 * heartbeat), the reconnect policy, and the request desk (requests in flight and the outbox). Each part
 * has its own file.
 */
class OrreryConnection implements Connection {
  private readonly emitter = createEmitter<ConnectionEvents>()
  private readonly machine = new ConnectionMachine((transition) => {
    this.emitter.emit('transition', transition)
    this.emitter.emit('state', transition.to)
  })
  private readonly linkHealth = new LinkHealth()
  private readonly policy: ReconnectPolicy
  private readonly desk: RequestDesk
  private readonly triggers: RetryTriggers
  private readonly limits: DecodeLimits
  private readonly counters: TrafficCounters = { bytesSent: 0, bytesReceived: 0, messagesSent: 0, messagesReceived: 0 }
  private link: SocketLink | null = null
  private handshake: Handshake | null = null
  private heartbeat: ClientHeartbeat | null = null
  private lastWelcome: Welcome | null = null
  private currentToken: string | null
  private attempts = 0
  private stopped = true
  private generation = 0
  private opening: Deferred<Welcome> | null = null
  private closeWaiters: (() => void)[] = []
  private framesOfSession = 0
  private welcomes = 0
  private connectedAt = 0
  private lastFailure: string | null = null
  /** A server refused an Authenticate sent behind Hello (4008): wait for the Challenge from now on. */
  private earlyRefused = false
  private reconnectTimer: ReturnType<typeof setTimeout> | undefined
  private handshakeTimer: ReturnType<typeof setTimeout> | undefined

  // mitt's methods are closures over its handler map, so they can be handed out unbound.
  readonly on: Connection['on'] = this.emitter.on
  readonly off: Connection['off'] = this.emitter.off

  constructor(private readonly options: ConnectionOptions) {
    this.currentToken = options.token ?? null
    this.limits = { maxFrameBytes: DEFAULT_MAX_FRAME_BYTES, ...options.decodeLimits }
    this.policy = new ReconnectPolicy(options.reconnect, options.random ?? Math.random)
    this.desk = new RequestDesk(options.outboxBytes ?? DEFAULT_OUTBOX_BYTES, options.requestTimeoutMs ?? 10_000)
    this.triggers = new RetryTriggers(() => this.retryNow())
  }

  get state(): ConnectionState {
    return this.machine.state
  }
  get welcome(): Welcome | null {
    return this.lastWelcome
  }
  get token(): string | null {
    return this.currentToken
  }
  get rttMs(): number | null {
    return this.linkHealth.rtt.srtt
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
  get health(): ConnectionHealth {
    return {
      rttMs: this.linkHealth.rtt.srtt,
      jitterMs: this.linkHealth.jitterMs,
      loss: this.linkHealth.loss,
      connectedMs: this.state === 'connected' ? performance.now() - this.connectedAt : 0,
      reconnects: Math.max(0, this.welcomes - 1),
      lastFailure: this.lastFailure,
      circuit: this.policy.circuit,
    }
  }

  open(): Promise<Welcome> {
    if (this.state === 'connected' && this.lastWelcome !== null) return Promise.resolve(this.lastWelcome)
    if (this.opening !== null) return this.opening.promise
    this.opening = deferred<Welcome>()
    const { promise } = this.opening
    if (this.stopped) {
      this.stopped = false
      this.attempts = 0
      this.policy.reset()
      this.machine.to('connecting', 'open()')
      if (this.options.retryOnWake ?? true) this.triggers.install()
      void this.connect()
    }
    return promise
  }

  close(code: number = CloseCode.Normal, reason = ''): Promise<void> {
    this.stop(() => new ConnectionError('ERR_CLOSED', 'the connection was closed'))
    this.failOpening(new ConnectionError('ERR_CLOSED', 'the connection was closed'))
    this.machine.to('disconnected', 'close()')
    const link = this.link
    if (link === null) return Promise.resolve()
    return new Promise<void>((resolve) => {
      const grace = setTimeout(() => link.drop(code, reason), CLOSE_GRACE_MS)
      this.closeWaiters.push(() => {
        clearTimeout(grace)
        resolve()
      })
      try {
        link.socket.close(code, reason)
      } catch {
        link.drop(code, reason)
      }
    })
  }

  reconnect(reason = 'reconnect'): void {
    if (this.link === null || this.handshake?.done !== true) return
    this.link.drop(CloseCode.ProtocolError, reason)
  }

  send(message: ClientMessage): void {
    if (this.state !== 'connected' && this.state !== 'reconnecting') {
      throw new ConnectionError('ERR_NOT_CONNECTED', `cannot send ${message.type} while ${this.state}`)
    }
    this.desk.send(this.state === 'connected' ? this.link : null, message)
  }

  request<T extends ServerMessage = ServerMessage>(build: (requestId: number) => ClientMessage, timeoutMs?: number): Promise<T> {
    if (this.state !== 'connected' && this.state !== 'reconnecting') {
      return Promise.reject(new ConnectionError('ERR_NOT_CONNECTED', `cannot send a request while ${this.state}`))
    }
    return this.desk.request<T>(this.state === 'connected' ? this.link : null, build, timeoutMs)
  }

  // ---- one socket: open, handshake, messages, end ----

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
    let link: SocketLink
    const handshake = new Handshake({
      auth: this.options.auth,
      token: () => this.currentToken,
      resume: () => this.resumePoint(),
      earlyAnswer: () => earlyTokenAnswer(this.currentToken, this.options, this.earlyRefused),
      welcome: (welcome) => this.onWelcome(link, welcome),
      fail: (error) => this.giveUp(error),
      protocolError: (error) => this.protocolFailure(link, error),
      remoteError: (error) => this.emitter.emit('error', error),
    })
    const protocols = handshake.prepare()
    if (protocols === null) return
    try {
      link = SocketLink.open(WebSocketClass, this.options.url, this.options.framesInUpgrade === false ? [] : protocols, this.limits, this.counters, {
        open: (protocol) => handshake.opened(protocol),
        message: (message) => this.onMessage(link, message),
        malformed: (error) => this.protocolFailure(link, error),
        gone: (code, reason) => this.socketGone(link, code, reason),
      })
    } catch (error) {
      this.giveUp(error as ConnectionError)
      return
    }
    handshake.attach(link)
    this.link = link
    this.handshake = handshake
    const handshakeMs = this.options.handshakeTimeoutMs ?? 10_000
    this.handshakeTimer = setTimeout(() => {
      this.emitter.emit('error', new ConnectionError('ERR_HANDSHAKE', `no Welcome within ${handshakeMs} ms`))
      link.drop(CloseCode.HandshakeTimeout, 'handshake timeout')
    }, handshakeMs)
  }

  private resumePoint(): ReturnType<NonNullable<ConnectionOptions['resume']>> {
    const resume = this.options.resume?.() ?? null
    if (resume !== null && resume.received === undefined) return { ...resume, received: this.framesOfSession }
    return resume
  }

  private onMessage(link: SocketLink, message: ServerMessage): void {
    if (link !== this.link) return
    this.heartbeat?.received()
    if (this.handshake?.done !== true) {
      this.handshake?.receive(message)
      return
    }
    if (message.type !== 'Pong') this.framesOfSession++
    this.dispatch(link, message)
  }

  private onWelcome(link: SocketLink, received: Welcome): void {
    clearTimeout(this.handshakeTimer)
    // A resumed Welcome carries an empty schema: the session's first one holds.
    const previous = this.lastWelcome
    const welcome = received.resumed && previous !== null ? { ...received, schema: previous.schema } : received
    this.lastWelcome = welcome
    this.currentToken = welcome.token
    this.attempts = 0
    this.welcomes++
    this.connectedAt = performance.now()
    this.policy.connected(this.connectedAt)
    if (!welcome.resumed) this.framesOfSession = 0
    this.desk.welcomed(link, welcome.resumed)
    this.machine.to('connected', welcome.resumed ? 'welcome (resumed)' : 'welcome')
    const pingMs = this.options.pingIntervalMs ?? 2_000
    const silentMs = this.options.heartbeatTimeoutMs ?? 3 * pingMs + 1_000
    const ping = (clientTime: number): void => {
      if (link.isOpen) link.write({ type: 'Ping', clientTime })
    }
    this.heartbeat = new ClientHeartbeat(pingMs, silentMs, this.linkHealth, ping, () => {
      // Nothing at all for so long: a half-open socket. Replace it (the session resumes on the next one).
      this.emitter.emit('error', new ConnectionError('ERR_TIMEOUT', `nothing received for ${silentMs} ms`))
      link.drop(CloseCode.ProtocolError, 'heartbeat timeout')
    })
    this.heartbeat.start()
    this.emitter.emit('welcome', welcome)
    const opening = this.opening
    this.opening = null
    opening?.resolve(welcome)
  }

  private dispatch(link: SocketLink, message: ServerMessage): void {
    if (message.type === 'Pong') {
      this.linkHealth.ponged(message.clientTime, performance.now())
      this.emitter.emit('health', this.health)
      return
    }
    if (message.type === 'Challenge' || message.type === 'Welcome') {
      this.protocolFailure(link, new ConnectionError('ERR_PROTOCOL', `unexpected ${message.type} after the handshake`))
      return
    }
    if (message.type === 'TokenRefreshed') this.currentToken = message.token
    if (!this.desk.answer(message)) this.emitter.emit('message', message)
  }

  private protocolFailure(link: SocketLink, error: ConnectionError): void {
    if (link !== this.link) return
    this.emitter.emit('error', error)
    link.drop(CloseCode.ProtocolError, error.message.slice(0, 100))
  }

  private socketGone(link: SocketLink, code: number, reason: string): void {
    if (link !== this.link) return
    const welcomed = this.handshake?.done === true
    if (code === CloseCode.UnexpectedMessage && !welcomed && this.handshake?.pipelined === true) this.earlyRefused = true
    this.link = null
    this.handshake = null
    clearTimeout(this.handshakeTimer)
    this.heartbeat?.stop()
    this.heartbeat = null
    this.linkHealth.socketEnded()
    this.lastFailure = `closed ${code}${reason === '' ? '' : ` ${reason}`}`
    // With resume, requests wait for the next Welcome: sent again if it resumes, failed if not.
    if (this.options.resume === undefined || this.stopped) this.desk.dropped(code)
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
    if (code === CloseCode.Normal) {
      this.stop(() => new ConnectionError('ERR_DISCONNECTED', 'the server closed the connection', { closeCode: code }))
      this.machine.to('disconnected', 'the server closed with 1000')
      this.failOpening(new ConnectionError('ERR_CLOSED', 'the server closed the connection', { closeCode: code }))
      return
    }
    if (!shouldReconnect(code)) {
      const kind = code === CloseCode.SessionReplaced ? 'ERR_FAILED' : 'ERR_HANDSHAKE'
      this.giveUp(new ConnectionError(kind, `the server closed with ${code} ${reason}`.trim(), { closeCode: code }))
      return
    }
    this.scheduleReconnect(welcomed, code)
  }

  // ---- between sockets ----

  private scheduleReconnect(welcomed: boolean, code: number): void {
    const maxAttempts = this.options.reconnect?.maxAttempts ?? DEFAULT_RECONNECT.maxAttempts
    if (this.attempts >= maxAttempts) {
      this.giveUp(new ConnectionError('ERR_FAILED', `gave up after ${this.attempts} reconnect attempts`))
      return
    }
    const delay = this.policy.delay(performance.now(), welcomed)
    this.attempts++
    this.machine.to('reconnecting', `closed ${code}`)
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined
      this.policy.trying()
      void this.connect()
    }, delay)
  }

  /** The network or the page came back: skip the rest of the backoff. */
  private retryNow(): void {
    if (this.state !== 'reconnecting' || this.reconnectTimer === undefined) return
    clearTimeout(this.reconnectTimer)
    this.reconnectTimer = undefined
    this.policy.trying()
    void this.connect()
  }

  private giveUp(error: ConnectionError): void {
    this.stop(() => new ConnectionError('ERR_DISCONNECTED', `the connection gave up: ${error.message}`))
    this.lastFailure = error.message
    const link = this.link
    if (link !== null) link.drop(CloseCode.Normal, 'giving up')
    this.machine.to('failed', `gave up: ${error.message}`)
    this.emitter.emit('error', error)
    this.failOpening(error)
  }

  /** No more sockets: timers off, every request fails with `error()` and the outbox is emptied. */
  private stop(error: () => ConnectionError): void {
    this.stopped = true
    this.generation++
    clearTimeout(this.reconnectTimer)
    clearTimeout(this.handshakeTimer)
    this.reconnectTimer = undefined
    this.heartbeat?.stop()
    this.triggers.remove()
    this.desk.stopped(error)
  }

  private failOpening(error: ConnectionError): void {
    const opening = this.opening
    this.opening = null
    opening?.reject(error)
  }
}

/**
 * Creates a connection to an Orrery server; call `open()` to start it.
 *
 * It handshakes (Hello → Challenge → Authenticate → Welcome, answering the Challenge
 * through the `auth` seam), reconnects after drops with exponential backoff and full jitter,
 * a stable-uptime reset and a circuit breaker (never after the close codes protocol's
 * `shouldReconnect` refuses: the state becomes 'failed', or 'disconnected' after 1000),
 * resumes sessions through the `resume` seam, queues what is sent while reconnecting in a
 * bounded outbox, measures RTT, jitter and loss with Ping/Pong, replaces a silent (half-open)
 * socket, and correlates requests with their answers.
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
