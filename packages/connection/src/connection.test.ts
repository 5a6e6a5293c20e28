import { CloseCode, PROTOCOL_VERSION, type ReducerResult, type SubscribeApplied, type TokenRefreshed } from '@orrery/protocol'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createConnection } from './connection.js'
import { ConnectionError } from './connection-error.js'
import type { Connection, ConnectionEvents, ConnectionOptions, ConnectionState } from './connection-types.js'
import { type FakeServer, type FakeServerOptions, startFakeServer } from './test-utils/fake-server.js'

const servers: FakeServer[] = []
const connections: Connection[] = []

afterEach(async () => {
  await Promise.all(connections.splice(0).map((c) => c.close()))
  await Promise.all(servers.splice(0).map((s) => s.close()))
})

async function setup(serverOptions: FakeServerOptions = {}, options: Partial<ConnectionOptions> = {}) {
  const server = await startFakeServer(serverOptions)
  servers.push(server)
  const connection = createConnection({
    url: server.url,
    reconnect: { initialDelayMs: 5, maxDelayMs: 20 },
    pingIntervalMs: 0,
    ...options,
  })
  connections.push(connection)
  const states: ConnectionState[] = []
  connection.on('state', (s) => states.push(s))
  return { server, connection, states }
}

function next<K extends keyof ConnectionEvents>(
  connection: Connection,
  type: K,
  accept: (event: ConnectionEvents[K]) => boolean = () => true,
): Promise<ConnectionEvents[K]> {
  return new Promise((resolve) => {
    const handler = (event: ConnectionEvents[K]) => {
      if (!accept(event)) return
      connection.off(type, handler)
      resolve(event)
    }
    connection.on(type, handler)
  })
}

async function rejection(promise: Promise<unknown>): Promise<ConnectionError> {
  try {
    await promise
  } catch (error) {
    expect(error).toBeInstanceOf(ConnectionError)
    return error as ConnectionError
  }
  throw new Error('expected a rejection')
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

describe('handshake', () => {
  it('says Hello, answers the Challenge anonymously and resolves with the Welcome', async () => {
    const { server, connection, states } = await setup()
    const welcome = await connection.open()
    expect(welcome.identity).toBe('identity-1')
    expect(connection.state).toBe('connected')
    expect(connection.welcome).toBe(welcome)
    expect(connection.token).toBe(welcome.token)
    expect(states).toEqual(['connecting', 'connected'])
    expect(server.received[0]?.slice(0, 2)).toEqual([
      { type: 'Hello', protocolVersion: PROTOCOL_VERSION, token: null, resume: null },
      { type: 'Authenticate', method: 'anonymous', credential: null },
    ])
    expect(connection.stats.messagesSent).toBe(2)
    expect(connection.stats.messagesReceived).toBe(2)
    expect(connection.stats.bytesReceived).toBeGreaterThan(32)
    expect(await connection.open()).toBe(welcome)
  })

  it('presents a known token and uses the auth seam when given', async () => {
    const { server, connection } = await setup({}, { token: 'saved' })
    await connection.open()
    expect(server.clients[0]?.hello?.token).toBe('saved')
    expect(server.clients[0]?.authenticate).toEqual({ type: 'Authenticate', method: 'token', credential: 'saved' })

    const seen: Uint8Array[] = []
    const custom = await setup(
      {},
      {
        auth: async ({ nonce }) => {
          seen.push(nonce)
          return { method: 'signature', credential: new Uint8Array([1, 2, 3]) }
        },
      },
    )
    await custom.connection.open()
    expect(seen[0]).toEqual(new Uint8Array(32).fill(7))
    expect(custom.server.clients[0]?.authenticate?.credential).toEqual(new Uint8Array([1, 2, 3]))
  })

  it('does not reconnect after AuthFailed and rejects open()', async () => {
    const { server, connection, states } = await setup({ authenticate: () => CloseCode.AuthFailed })
    const error = await rejection(connection.open())
    expect(error.code).toBe('ERR_HANDSHAKE')
    expect(error.closeCode).toBe(CloseCode.AuthFailed)
    expect(connection.state).toBe('failed')
    expect(states).toEqual(['connecting', 'failed'])
    // That nothing reconnects later is checked with a fake clock in connection-endings.test.ts.
    expect(server.clients.length).toBe(1)
  })

  it('fails when the auth seam throws', async () => {
    const { connection } = await setup(
      {},
      {
        auth: () => {
          throw new Error('user cancelled')
        },
      },
    )
    const error = await rejection(connection.open())
    expect(error.code).toBe('ERR_HANDSHAKE')
    expect((error.cause as Error).message).toBe('user cancelled')
    expect(connection.state).toBe('failed')
  })

  it('drops a silent server after the handshake timeout and tries again', async () => {
    const { server, connection } = await setup({ silent: true }, { handshakeTimeoutMs: 50 })
    const errors: ConnectionError[] = []
    connection.on('error', (e) => errors.push(e))
    const opening = connection.open()
    await server.waitForConnections(2)
    expect(errors[0]?.code).toBe('ERR_HANDSHAKE')
    await connection.close()
    expect((await rejection(opening)).code).toBe('ERR_CLOSED')
  })
})

describe('requests', () => {
  it('correlates answers with requests by requestId', async () => {
    const { connection } = await setup()
    await connection.open()
    const [a, b] = await Promise.all([
      connection.request<ReducerResult>((requestId) => ({ type: 'CallReducer', requestId, reducer: 'echo', args: ['a'] })),
      connection.request<ReducerResult>((requestId) => ({ type: 'CallReducer', requestId, reducer: 'echo', args: [{ b: 2 }] })),
    ])
    expect(a.ok && a.value).toBe('a')
    expect(b.ok && b.value).toEqual({ b: 2 })
    expect(a.requestId).not.toBe(b.requestId)
    const applied = await connection.request<SubscribeApplied>((requestId) => ({ type: 'Subscribe', requestId, queryId: 9, components: ['Body'], area: null }))
    expect(applied.queryId).toBe(9)
    const refreshed = await connection.request<TokenRefreshed>((requestId) => ({ type: 'RefreshToken', requestId }))
    expect(refreshed.token).toBe('refreshed')
    expect(connection.token).toBe('refreshed')
  })

  it('resolves a failed ReducerResult and rejects on an Error frame with ERR_REMOTE', async () => {
    const { connection } = await setup()
    await connection.open()
    const failed = await connection.request<ReducerResult>((requestId) => ({ type: 'CallReducer', requestId, reducer: 'fail', args: [] }))
    expect(failed.ok).toBe(false)
    const error = await rejection(connection.request((requestId) => ({ type: 'CallReducer', requestId, reducer: 'nope', args: [] })))
    expect(error.code).toBe('ERR_REMOTE')
    expect(error.remoteCode).toBe('ERR_UNKNOWN_REDUCER')
  })

  it('rejects with ERR_TIMEOUT when no answer comes', async () => {
    const { connection } = await setup()
    await connection.open()
    const error = await rejection(connection.request((requestId) => ({ type: 'CallReducer', requestId, reducer: 'slow', args: [] }), 30))
    expect(error.code).toBe('ERR_TIMEOUT')
  })

  it('refuses to send while not connected', async () => {
    const { connection } = await setup()
    expect(() => connection.send({ type: 'Ping', clientTime: 0 })).toThrow(expect.objectContaining({ code: 'ERR_NOT_CONNECTED' }))
    const error = await rejection(connection.request((requestId) => ({ type: 'RefreshToken', requestId })))
    expect(error.code).toBe('ERR_NOT_CONNECTED')
  })

  it('rejects a request whose message does not carry the given requestId', async () => {
    const { connection } = await setup()
    await connection.open()
    const error = await rejection(connection.request(() => ({ type: 'RefreshToken', requestId: 123456 })))
    expect(error.code).toBe('ERR_PROTOCOL')
  })

  it('emits uncorrelated server messages as message events', async () => {
    const { server, connection } = await setup()
    await connection.open()
    const received = next(connection, 'message')
    server.clients[0]?.send({ type: 'TransactionUpdate', prevSeq: 0, seq: 1, tickDelta: 1, timeDelta: 50, ack: null, binds: [], releases: [], tables: [], events: [] })
    expect(await received).toMatchObject({ type: 'TransactionUpdate', seq: 1 })
  })
})

describe('reconnect', () => {
  it('reconnects after a server-side drop, resumes, and sends the pending requests again', async () => {
    let resumeCalls = 0
    const { server, connection, states } = await setup(
      {},
      {
        resume: () => {
          resumeCalls++
          const welcome = connection.welcome
          return welcome === null ? null : { sessionId: welcome.sessionId, lastSeq: 17 }
        },
      },
    )
    const first = await connection.open()
    const pending = connection.request((requestId) => ({ type: 'CallReducer', requestId, reducer: 'slow', args: [] }))
    void pending.catch(() => undefined)
    const welcomed = next(connection, 'welcome')
    server.dropAll(CloseCode.ServerShutdown, 'restart')
    const second = await welcomed
    expect(second.resumed).toBe(true)
    expect(second.sessionId).toBe(first.sessionId)
    expect(server.clients[1]?.hello?.resume).toEqual({ sessionId: first.sessionId, lastSeq: 17, received: 0 })
    // The call had no answer: it is sent again on the resumed session, with its requestId.
    await vi.waitFor(() => expect(server.received[1]?.at(-1)).toMatchObject({ type: 'CallReducer', reducer: 'slow' }))
    const requestIdOf = (m: unknown): unknown => (m as { requestId?: unknown } | undefined)?.requestId
    expect(requestIdOf(server.received[1]?.at(-1))).toBe(requestIdOf(server.received[0]?.at(-1)))
    expect(server.clients[1]?.hello?.token).toBe(first.token)
    expect(resumeCalls).toBe(2)
    expect(states).toEqual(['connecting', 'connected', 'reconnecting', 'connected'])
    expect(connection.attempt).toBe(0)
  })

  it('reconnect() drops the open socket with ProtocolError and opens a fresh connection', async () => {
    const { server, connection, states } = await setup()
    await connection.open()
    const pending = connection.request((requestId) => ({ type: 'CallReducer', requestId, reducer: 'slow', args: [] }))
    const closed = new Promise<{ code: number; reason: string }>((resolve) =>
      server.clients[0]?.socket.on('close', (code, reason) => resolve({ code, reason: reason.toString() })),
    )
    const rejected = rejection(pending)
    const welcomed = next(connection, 'welcome')
    connection.reconnect('replica out of step')
    expect(await closed).toEqual({ code: CloseCode.ProtocolError, reason: 'replica out of step' })
    expect((await rejected).code).toBe('ERR_DISCONNECTED')
    await welcomed
    expect(server.clients.length).toBe(2)
    expect(states).toEqual(['connecting', 'connected', 'reconnecting', 'connected'])
  })

  it('reconnect() does nothing unless connected', async () => {
    const { server, connection, states } = await setup()
    connection.reconnect()
    expect(connection.state).toBe('disconnected')
    await connection.open()
    await connection.close()
    connection.reconnect()
    expect(connection.state).toBe('disconnected')
    expect(server.clients.length).toBe(1)
    expect(states).toEqual(['connecting', 'connected', 'disconnected'])
  })

  it('gives up after maxAttempts while the server is down', async () => {
    const server = await startFakeServer()
    const url = server.url
    await server.close()
    const connection = createConnection({ url, reconnect: { initialDelayMs: 5, maxDelayMs: 10, maxAttempts: 3 }, pingIntervalMs: 0 })
    connections.push(connection)
    const error = await rejection(connection.open())
    expect(error.code).toBe('ERR_FAILED')
    expect(connection.state).toBe('failed')
    expect(connection.attempt).toBe(3)
  })

  it('fails without reconnecting on SessionReplaced', async () => {
    const { server, connection } = await setup()
    await connection.open()
    const failed = next(connection, 'state', (s) => s === 'failed')
    server.dropAll(CloseCode.SessionReplaced, 'replaced')
    await failed
    expect(connection.state).toBe('failed')
  })

  it('drops and reconnects after a frame that does not decode', async () => {
    const { server, connection } = await setup()
    await connection.open()
    const error = next(connection, 'error')
    server.clients[0]?.socket.send(new Uint8Array([0xc1]))
    expect((await error).code).toBe('ERR_PROTOCOL')
    await server.waitForConnections(2)
    await next(connection, 'state', (s) => s === 'connected')
  })

  it('close() stops reconnecting', async () => {
    const { server, connection } = await setup({}, { reconnect: { initialDelayMs: 50, maxDelayMs: 50 } })
    await connection.open()
    const reconnecting = next(connection, 'state', (s) => s === 'reconnecting')
    server.dropAll(CloseCode.GoingAway)
    await reconnecting
    await connection.close()
    expect(connection.state).toBe('disconnected')
    expect(server.clients.length).toBe(1)
  })

  it('close() closes the socket with the given code and can be opened again', async () => {
    const { server, connection } = await setup()
    await connection.open()
    const closed = new Promise<number>((resolve) => server.clients[0]?.socket.on('close', (code) => resolve(code)))
    await connection.close(CloseCode.Normal, 'bye')
    expect(await closed).toBe(CloseCode.Normal)
    expect(connection.state).toBe('disconnected')
    await connection.open()
    expect(connection.state).toBe('connected')
    expect(server.clients.length).toBe(2)
  })
})

describe('heartbeat', () => {
  it('measures a smoothed RTT from Ping/Pong', async () => {
    const { connection } = await setup({}, { pingIntervalMs: 10 })
    expect(connection.rttMs).toBeNull()
    await connection.open()
    // Wait for the first Pong (bounded), not a fixed time: a loaded machine may take longer than a few pings.
    for (let i = 0; i < 400 && connection.rttMs === null; i++) await sleep(5)
    expect(connection.rttMs).not.toBeNull()
    expect(connection.rttMs).toBeGreaterThanOrEqual(0)
  })

  it('drops a connection that stops answering and reconnects', async () => {
    const { server, connection } = await setup({ noPong: true }, { pingIntervalMs: 10, heartbeatTimeoutMs: 40 })
    await connection.open()
    const error = next(connection, 'error')
    expect((await error).code).toBe('ERR_TIMEOUT')
    await server.waitForConnections(2)
  })
})
