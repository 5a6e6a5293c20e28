import { CloseCode, type Welcome } from '@orrery/protocol'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createConnection } from './connection.js'
import type { ConnectionError } from './connection-error.js'
import type { Connection, ConnectionOptions, ConnectionState } from './connection-types.js'
import { FakeWebSocket } from './test-utils/fake-websocket.js'

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
const challenge = { type: 'Challenge', nonce: new Uint8Array(32), methods: ['anonymous'] } as const
const LATER = 10 * 60_000

let connection: Connection
let errors: ConnectionError[]
let states: ConnectionState[]

function start(options: Partial<ConnectionOptions> = {}): Promise<Welcome> {
  connection = createConnection({ url: 'ws://fake', WebSocket: FakeWebSocket, pingIntervalMs: 0, reconnect: { initialDelayMs: 10, maxDelayMs: 10 }, ...options })
  errors = []
  states = []
  connection.on('error', (e) => errors.push(e))
  connection.on('state', (s) => states.push(s))
  const opening = connection.open()
  opening.catch(() => undefined)
  return opening
}

/** Opens the latest socket and runs the handshake to Welcome. */
async function handshake(w: Welcome = welcome): Promise<FakeWebSocket> {
  await vi.advanceTimersByTimeAsync(0)
  const socket = FakeWebSocket.latest() as FakeWebSocket
  socket.serverOpen()
  socket.serverSend(challenge)
  await vi.advanceTimersByTimeAsync(0)
  socket.serverSend(w)
  return socket
}

describe('endings and retries (fake clock)', () => {
  beforeEach(() => {
    FakeWebSocket.instances.length = 0
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'performance', 'Date'] })
  })
  afterEach(async () => {
    await connection.close()
    vi.useRealTimers()
  })

  it.each([
    [CloseCode.AuthFailed, 'failed'],
    [CloseCode.UnsupportedVersion, 'failed'],
    [CloseCode.SessionReplaced, 'failed'],
    [CloseCode.Normal, 'disconnected'],
  ] as const)('after close code %i the state is %s and no socket is ever opened again', async (code, state) => {
    void start()
    const socket = await handshake()
    socket.serverClose(code, 'server')
    await vi.advanceTimersByTimeAsync(LATER)
    expect(connection.state).toBe(state)
    expect(FakeWebSocket.instances).toHaveLength(1)
    expect(vi.getTimerCount()).toBe(0)
  })

  it('close() while reconnecting cancels the pending try', async () => {
    void start()
    const socket = await handshake()
    socket.serverClose(CloseCode.GoingAway)
    expect(connection.state).toBe('reconnecting')
    await connection.close()
    await vi.advanceTimersByTimeAsync(LATER)
    expect(FakeWebSocket.instances).toHaveLength(1)
    expect(vi.getTimerCount()).toBe(0)
  })

  it('queues sends while reconnecting up to the outbox size, refuses the rest, and sends the queue once after Welcome', async () => {
    void start({ outboxBytes: 25 })
    const first = await handshake()
    first.serverClose(1006)
    const call = (n: number) => ({ type: 'CallReducer', requestId: n, reducer: 'move', args: [n] }) as const
    connection.send(call(1))
    connection.send(call(2))
    expect(() => connection.send(call(3))).toThrow(expect.objectContaining({ code: 'ERR_OUTBOX_FULL' }))
    await vi.advanceTimersByTimeAsync(10)
    const second = await handshake()
    expect(second.sent.filter((m) => m.type === 'CallReducer')).toEqual([call(1), call(2)])
    second.serverClose(1006)
    await vi.advanceTimersByTimeAsync(10)
    const third = await handshake()
    expect(third.sent.filter((m) => m.type === 'CallReducer')).toEqual([])
  })

  it('queues what is sent on a socket already closing (its close event on the way) for the next Welcome', async () => {
    void start({ resume: () => ({ sessionId: 's', lastSeq: 0 }) })
    const first = await handshake()
    first.readyState = 2
    const call = connection.request((requestId) => ({ type: 'CallReducer', requestId, reducer: 'move', args: [1] }))
    expect(first.sent.filter((m) => m.type === 'CallReducer')).toEqual([])
    first.serverClose(1006)
    await vi.advanceTimersByTimeAsync(10)
    const second = await handshake({ ...welcome, resumed: true })
    const sent = second.sent.filter((m) => m.type === 'CallReducer')
    expect(sent).toHaveLength(1)
    second.serverSend({ type: 'ReducerResult', requestId: (sent[0] as { requestId: number }).requestId, ok: true, value: 7 })
    expect(await call).toMatchObject({ ok: true, value: 7 })
  })

  it('opens the circuit breaker after failed connects in a row, then lets one try through', async () => {
    void start({ reconnect: { initialDelayMs: 10, maxDelayMs: 10, breakerThreshold: 2, breakerOpenMs: 5_000 } })
    await vi.advanceTimersByTimeAsync(0)
    FakeWebSocket.latest()?.serverClose(1006)
    await vi.advanceTimersByTimeAsync(10)
    expect(FakeWebSocket.instances).toHaveLength(2)
    FakeWebSocket.latest()?.serverClose(1006)
    expect(connection.health.circuit).toBe('open')
    await vi.advanceTimersByTimeAsync(4_999)
    expect(FakeWebSocket.instances).toHaveLength(2)
    await vi.advanceTimersByTimeAsync(1)
    expect(FakeWebSocket.instances).toHaveLength(3)
    expect(connection.health.circuit).toBe('half-open')
    await handshake()
    expect(connection.health).toMatchObject({ circuit: 'closed', reconnects: 0, lastFailure: 'closed 1006' })
  })

  it('tries at once when the browser says the network is back', async () => {
    const listeners = new Map<string, () => void>()
    vi.stubGlobal('addEventListener', (type: string, fn: () => void) => listeners.set(type, fn))
    vi.stubGlobal('removeEventListener', (type: string) => listeners.delete(type))
    try {
      void start({ reconnect: { initialDelayMs: 60_000, maxDelayMs: 60_000, jitter: 0 } })
      const socket = await handshake()
      socket.serverClose(1006)
      expect(FakeWebSocket.instances).toHaveLength(1)
      listeners.get('online')?.()
      await vi.advanceTimersByTimeAsync(0)
      expect(FakeWebSocket.instances).toHaveLength(2)
      await connection.close()
      expect(listeners.size).toBe(0)
    } finally {
      vi.unstubAllGlobals()
    }
  })

  it('replaces a socket that goes silent (half-open) and reports RTT, jitter and loss', async () => {
    void start({ pingIntervalMs: 100, heartbeatTimeoutMs: 350 })
    const socket = await handshake()
    for (const rtt of [10, 30]) {
      const ping = socket.sent.filter((m) => m.type === 'Ping').at(-1)
      await vi.advanceTimersByTimeAsync(rtt)
      if (ping?.type === 'Ping') socket.serverSend({ type: 'Pong', clientTime: ping.clientTime, serverTime: 0 })
      await vi.advanceTimersByTimeAsync(100 - rtt)
    }
    expect(connection.health).toMatchObject({ rttMs: expect.any(Number), jitterMs: 20, loss: 0 })
    await vi.advanceTimersByTimeAsync(400)
    expect(errors.map((e) => e.code)).toContain('ERR_TIMEOUT')
    expect(socket.closedByClient?.code).toBe(CloseCode.ProtocolError)
    expect(connection.state).toBe('reconnecting')
    expect(connection.health.loss).toBeGreaterThan(0)
    expect(states).toEqual(['connecting', 'connected', 'reconnecting'])
  })
})
