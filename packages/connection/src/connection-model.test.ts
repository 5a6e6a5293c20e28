import { CloseCode, PROTOCOL_VERSION, type Welcome } from '@orrery/protocol'
import fc from 'fast-check'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createConnection } from './connection.js'
import { ConnectionError } from './connection-error.js'
import type { Connection, ConnectionState } from './connection-types.js'
import { FakeWebSocket } from './test-utils/fake-websocket.js'

const MAX_ATTEMPTS = 3
const MAX_DELAY_MS = 40
const HANDSHAKE_MS = 500
const PING_MS = 100

type SocketPhase = 'none' | 'opening' | 'ready'
interface Model {
  state: ConnectionState
  socket: SocketPhase
  attempts: number
  sockets: number
  /** Whether a Welcome gave the connection a token. */
  token: boolean
}
interface Real {
  connection: Connection
  /** Requests not yet settled; `queued` while they wait in the outbox (sent while reconnecting). */
  pending: { promise: Promise<unknown>; requestId: number; queued: boolean }[]
  /** Every state change, checked against the model. */
  transitions: { from: ConnectionState; to: ConnectionState }[]
}

const welcome: Welcome = {
  type: 'Welcome',
  identity: 'me',
  token: 'tok',
  sessionId: 's',
  tickRate: 20,
  schema: { components: [], reducers: [] },
  seq: 0,
  resumed: false,
  tick: 0,
  serverTime: 0,
}

const flush = () => vi.advanceTimersByTimeAsync(0)

function socket(): FakeWebSocket {
  const latest = FakeWebSocket.latest()
  if (latest === undefined) throw new Error('no socket')
  return latest
}

/**
 * Checks that the requests a drop ends were rejected with one of `codes`: those sent on the socket, and the
 * queued ones too when the connection stopped (`all`). Queued requests of a connection that goes on stay pending.
 */
async function expectPendingRejected(real: Real, codes: readonly string[], all = true): Promise<void> {
  const ended = real.pending.filter((p) => all || !p.queued)
  real.pending = real.pending.filter((p) => !ended.includes(p))
  for (const { promise } of ended) {
    const outcome = await promise.then(
      () => 'resolved',
      (error: unknown) => (error instanceof ConnectionError ? error.code : 'other'),
    )
    expect(codes).toContain(outcome)
  }
}

function afterDrop(model: Model, code: number): void {
  model.socket = 'none'
  if (code === CloseCode.UnsupportedVersion || code === CloseCode.AuthFailed || code === CloseCode.SessionReplaced) {
    model.state = 'failed'
  } else if (code === CloseCode.Normal) {
    model.state = 'disconnected'
  } else if (model.attempts >= MAX_ATTEMPTS) {
    model.state = 'failed'
  } else {
    model.state = 'reconnecting'
    model.attempts++
  }
}

class Open implements fc.AsyncCommand<Model, Real> {
  check = (m: Readonly<Model>) => m.state === 'disconnected' || m.state === 'failed'
  async run(m: Model, r: Real): Promise<void> {
    r.connection.open().catch(() => undefined)
    await flush()
    m.state = 'connecting'
    m.socket = 'opening'
    m.attempts = 0
    m.sockets++
    expect(r.connection.state).toBe('connecting')
    expect(FakeWebSocket.instances.length).toBe(m.sockets)
  }
  toString = () => 'open()'
}

class BackoffElapses implements fc.AsyncCommand<Model, Real> {
  check = (m: Readonly<Model>) => m.state === 'reconnecting' && m.socket === 'none'
  async run(m: Model, r: Real): Promise<void> {
    await vi.advanceTimersByTimeAsync(MAX_DELAY_MS)
    m.socket = 'opening'
    m.sockets++
    expect(FakeWebSocket.instances.length).toBe(m.sockets)
    expect(r.connection.state).toBe('reconnecting')
  }
  toString = () => 'backoff elapses'
}

class Handshake implements fc.AsyncCommand<Model, Real> {
  check = (m: Readonly<Model>) => m.socket === 'opening'
  async run(m: Model, r: Real): Promise<void> {
    const s = socket()
    s.serverOpen()
    expect(s.sent[0]).toMatchObject({ type: 'Hello', protocolVersion: PROTOCOL_VERSION })
    // With a token from an earlier Welcome, Authenticate goes right behind Hello; else after the Challenge.
    expect(s.sent.slice(1).map((x) => x.type)).toEqual(m.token ? ['Authenticate'] : [])
    s.serverSend({ type: 'Challenge', nonce: new Uint8Array(32), methods: ['anonymous', 'token'] })
    await flush()
    expect(s.sent.filter((x) => x.type === 'Authenticate')).toHaveLength(1)
    const before = s.sent.length
    s.serverSend(welcome)
    // What was queued while reconnecting goes out once, in order, right after the Welcome.
    const queued = r.pending.filter((p) => p.queued)
    const after = s.sent.slice(before).filter((x) => x.type !== 'Ping')
    expect(after.map((x) => (x as { requestId?: number }).requestId)).toEqual(queued.map((p) => p.requestId))
    for (const p of queued) p.queued = false
    m.state = 'connected'
    m.socket = 'ready'
    m.token = true
    m.attempts = 0
    expect(r.connection.state).toBe('connected')
    expect(r.connection.attempt).toBe(0)
  }
  toString = () => 'handshake'
}

class ServerCloses implements fc.AsyncCommand<Model, Real> {
  constructor(readonly code: number) {}
  check = (m: Readonly<Model>) => m.socket !== 'none'
  async run(m: Model, r: Real): Promise<void> {
    socket().serverClose(this.code, 'server')
    afterDrop(m, this.code)
    await expectPendingRejected(r, ['ERR_DISCONNECTED'], m.state !== 'reconnecting')
    expect(r.connection.state).toBe(m.state)
    expect(r.connection.attempt).toBe(m.attempts)
  }
  toString = () => `server closes ${this.code}`
}

class HandshakeTimesOut implements fc.AsyncCommand<Model, Real> {
  check = (m: Readonly<Model>) => m.socket === 'opening'
  async run(m: Model, r: Real): Promise<void> {
    const s = socket()
    // Advance exactly to the deadline, so that the following backoff has not elapsed yet.
    await vi.advanceTimersByTimeAsync(s.createdAt + HANDSHAKE_MS - Date.now())
    expect(s.closedByClient?.code).toBe(CloseCode.HandshakeTimeout)
    expect(FakeWebSocket.instances.length).toBe(m.sockets)
    afterDrop(m, CloseCode.HandshakeTimeout)
    await expectPendingRejected(r, ['ERR_DISCONNECTED'], m.state !== 'reconnecting')
    expect(r.connection.state).toBe(m.state)
  }
  toString = () => 'handshake times out'
}

class UserCloses implements fc.AsyncCommand<Model, Real> {
  check = () => true
  async run(m: Model, r: Real): Promise<void> {
    const hadSocket = m.socket !== 'none'
    await r.connection.close()
    if (hadSocket) expect(socket().closedByClient?.code).toBe(CloseCode.Normal)
    m.state = 'disconnected'
    m.socket = 'none'
    await expectPendingRejected(r, ['ERR_CLOSED'])
    // Nothing reconnects afterwards.
    await vi.advanceTimersByTimeAsync(HANDSHAKE_MS + MAX_DELAY_MS)
    expect(FakeWebSocket.instances.length).toBe(m.sockets)
    expect(r.connection.state).toBe('disconnected')
  }
  toString = () => 'close()'
}

class Request implements fc.AsyncCommand<Model, Real> {
  check = (m: Readonly<Model>) => m.state === 'connected' || m.state === 'reconnecting'
  async run(m: Model, r: Real): Promise<void> {
    const queued = m.state === 'reconnecting'
    const sentBefore = FakeWebSocket.instances.reduce((n, s) => n + s.sent.length, 0)
    let requestId = -1
    const promise = r.connection.request((id) => {
      requestId = id
      return { type: 'CallReducer', requestId: id, reducer: 'r', args: [] }
    }, 60_000)
    promise.catch(() => undefined)
    r.pending.push({ promise, requestId, queued })
    if (queued) expect(FakeWebSocket.instances.reduce((n, s) => n + s.sent.length, 0)).toBe(sentBefore)
    else expect(socket().sent.at(-1)).toEqual({ type: 'CallReducer', requestId, reducer: 'r', args: [] })
  }
  toString = () => 'request'
}

class ServerAnswers implements fc.AsyncCommand<Model, Real> {
  check = (m: Readonly<Model>) => m.state === 'connected'
  async run(_m: Model, r: Real): Promise<void> {
    const first = r.pending.find((p) => !p.queued)
    if (first === undefined) return
    r.pending.splice(r.pending.indexOf(first), 1)
    socket().serverSend({ type: 'ReducerResult', requestId: first.requestId, ok: true, value: first.requestId })
    expect(await first.promise).toMatchObject({ requestId: first.requestId, value: first.requestId })
  }
  toString = () => 'server answers the oldest request'
}

class PingPong implements fc.AsyncCommand<Model, Real> {
  check = (m: Readonly<Model>) => m.state === 'connected'
  async run(_m: Model, r: Real): Promise<void> {
    await vi.advanceTimersByTimeAsync(PING_MS)
    const ping = socket().sent.filter((m) => m.type === 'Ping').at(-1)
    expect(ping?.type).toBe('Ping')
    if (ping?.type === 'Ping') socket().serverSend({ type: 'Pong', clientTime: ping.clientTime, serverTime: 0 })
    expect(r.connection.rttMs).not.toBeNull()
    expect(r.connection.state).toBe('connected')
  }
  toString = () => 'ping/pong'
}

const closeCodes = fc.constantFrom(
  CloseCode.Normal,
  CloseCode.GoingAway,
  1006,
  CloseCode.ProtocolError,
  CloseCode.UnsupportedVersion,
  CloseCode.AuthFailed,
  CloseCode.RateLimited,
  CloseCode.ServerShutdown,
  CloseCode.SessionReplaced,
)

// Commands that move the machine forward are listed twice so that runs reach deep states.
const commands = [
  fc.constant(new Open()),
  fc.constant(new Open()),
  fc.constant(new BackoffElapses()),
  fc.constant(new BackoffElapses()),
  fc.constant(new Handshake()),
  fc.constant(new Handshake()),
  fc.constant(new Handshake()),
  closeCodes.map((code) => new ServerCloses(code)),
  fc.constant(new HandshakeTimesOut()),
  fc.constant(new UserCloses()),
  fc.constant(new Request()),
  fc.constant(new ServerAnswers()),
  fc.constant(new PingPong()),
]

describe('connection state machine (model-based)', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'performance', 'Date'] })
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('follows the model through opens, handshakes, drops, timeouts, requests and closes', async () => {
    await fc.assert(
      fc.asyncProperty(fc.commands(commands, { maxCommands: 40, size: 'large' }), async (cmds) => {
        FakeWebSocket.instances.length = 0
        const connection = createConnection({
          url: 'ws://fake',
          WebSocket: FakeWebSocket,
          reconnect: { initialDelayMs: 10, maxDelayMs: MAX_DELAY_MS, maxAttempts: MAX_ATTEMPTS },
          handshakeTimeoutMs: HANDSHAKE_MS,
          pingIntervalMs: PING_MS,
          heartbeatTimeoutMs: 60_000,
          random: () => 0.999,
        })
        const real: Real = { connection, pending: [], transitions: [] }
        connection.on('transition', ({ from, to }) => real.transitions.push({ from, to }))
        const model: Model = { state: 'disconnected', socket: 'none', attempts: 0, sockets: 0, token: false }
        try {
          await fc.asyncModelRun(() => ({ model, real }), cmds)
          // Every state change was reported, each from the state the one before led to.
          let at: ConnectionState = 'disconnected'
          for (const t of real.transitions) {
            expect(t.from).toBe(at)
            at = t.to
          }
          expect(at).toBe(connection.state)
        } finally {
          await connection.close()
          await flush()
        }
      }),
      { numRuns: 200 },
    )
    expect(vi.getTimerCount()).toBe(0)
  })
})
