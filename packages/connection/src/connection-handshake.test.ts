import { CloseCode, decodeClientMessage, framesFromProtocols, PROTOCOL_VERSION, UPGRADE_FRAMES_PROTOCOL, type Welcome } from '@orrery/protocol'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createConnection } from './connection.js'
import type { ConnectionError } from './connection-error.js'
import type { Connection, ConnectionOptions } from './connection-types.js'
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

let connection: Connection
let errors: ConnectionError[]

function start(options: Partial<ConnectionOptions> = {}): Promise<Welcome> {
  connection = createConnection({ url: 'ws://fake', WebSocket: FakeWebSocket, pingIntervalMs: 0, reconnect: { initialDelayMs: 10, maxDelayMs: 10 }, ...options })
  errors = []
  connection.on('error', (e) => errors.push(e))
  const opening = connection.open()
  opening.catch(() => undefined)
  return opening
}

async function openSocket(): Promise<FakeWebSocket> {
  await vi.advanceTimersByTimeAsync(0)
  const socket = FakeWebSocket.latest()
  if (socket === undefined) throw new Error('no socket')
  socket.serverOpen()
  return socket
}

describe('handshake edge cases (fake socket)', () => {
  beforeEach(() => {
    FakeWebSocket.instances.length = 0
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'performance', 'Date'] })
  })
  afterEach(async () => {
    await connection.close()
    vi.useRealTimers()
  })

  it('treats a Welcome before the Challenge as a protocol error and reconnects', async () => {
    void start()
    const socket = await openSocket()
    socket.serverSend(welcome)
    expect(errors.map((e) => e.code)).toEqual(['ERR_PROTOCOL'])
    expect(socket.closedByClient?.code).toBe(CloseCode.ProtocolError)
    expect(connection.state).toBe('reconnecting')
    await vi.advanceTimersByTimeAsync(10)
    expect(FakeWebSocket.instances.length).toBe(2)
  })

  it('reconnects after an error event that no close event follows (Node 22 built-in WebSocket)', async () => {
    void start()
    await vi.advanceTimersByTimeAsync(0)
    const refused = FakeWebSocket.latest()
    refused?.onerror?.({})
    expect(connection.state).toBe('reconnecting')
    refused?.onclose?.({ code: 1006, reason: '' })
    await vi.advanceTimersByTimeAsync(10)
    expect(FakeWebSocket.instances.length).toBe(2)
  })

  it('refuses text frames and frames that do not decode', async () => {
    void start()
    const socket = await openSocket()
    socket.onmessage?.({ data: 'hello' })
    expect(errors[0]?.code).toBe('ERR_PROTOCOL')
    const second = await (async () => {
      await vi.advanceTimersByTimeAsync(10)
      return openSocket()
    })()
    second.onmessage?.({ data: new Uint8Array([0x91, 0xd4, 0, 0]).buffer })
    expect(errors[1]?.code).toBe('ERR_PROTOCOL')
    expect(errors[1]?.cause).toMatchObject({ code: 'ERR_MALFORMED_FRAME' })
  })

  it('reports an Error frame during the handshake and fails on UnsupportedVersion', async () => {
    const opening = start()
    const socket = await openSocket()
    socket.serverSend({ type: 'Error', code: 'ERR_UNSUPPORTED_VERSION', message: 'speak 2.x', requestId: null })
    expect(errors[0]).toMatchObject({ code: 'ERR_HANDSHAKE', remoteCode: 'ERR_UNSUPPORTED_VERSION' })
    socket.serverClose(CloseCode.UnsupportedVersion, 'version')
    await expect(opening).rejects.toMatchObject({ code: 'ERR_HANDSHAKE', closeCode: CloseCode.UnsupportedVersion })
    expect(connection.state).toBe('failed')
    await vi.advanceTimersByTimeAsync(1000)
    expect(FakeWebSocket.instances.length).toBe(1)
  })

  it('ends without reconnecting when the server closes with Normal', async () => {
    void start()
    const socket = await openSocket()
    socket.serverSend(challenge)
    await vi.advanceTimersByTimeAsync(0)
    socket.serverSend(welcome)
    expect(connection.state).toBe('connected')
    socket.serverClose(CloseCode.Normal, 'done')
    expect(connection.state).toBe('disconnected')
    await vi.advanceTimersByTimeAsync(1000)
    expect(FakeWebSocket.instances.length).toBe(1)
  })

  it('treats a Challenge after the Welcome as a protocol error', async () => {
    void start()
    const socket = await openSocket()
    socket.serverSend(challenge)
    await vi.advanceTimersByTimeAsync(0)
    socket.serverSend(welcome)
    socket.serverSend(challenge)
    expect(errors.map((e) => e.code)).toEqual(['ERR_PROTOCOL'])
    expect(connection.state).toBe('reconnecting')
  })

  it('fails without opening a socket when the resume option throws', async () => {
    const opening = start({
      resume: () => {
        throw new Error('storage broken')
      },
    })
    await expect(opening).rejects.toMatchObject({ code: 'ERR_HANDSHAKE' })
    expect(FakeWebSocket.latest()).toBeUndefined()
    expect(connection.state).toBe('failed')
  })

  it('carries Hello and the token answer in the upgrade request; a server that takes them gets neither again', async () => {
    const opening = start({ token: 'old', resume: () => ({ sessionId: 's9', lastSeq: 12 }) })
    await vi.advanceTimersByTimeAsync(0)
    const socket = FakeWebSocket.latest() as FakeWebSocket
    const carried = (framesFromProtocols(socket.offered, 8192) ?? []).map((frame) => decodeClientMessage(frame))
    expect(carried).toEqual([
      { type: 'Hello', protocolVersion: PROTOCOL_VERSION, token: 'old', resume: { sessionId: 's9', lastSeq: 12, received: 0 } },
      { type: 'Authenticate', method: 'token', credential: 'old' },
    ])
    socket.serverOpen(UPGRADE_FRAMES_PROTOCOL)
    socket.serverSend({ ...challenge, methods: ['token'] })
    socket.serverSend({ ...welcome, resumed: true })
    await expect(opening).resolves.toMatchObject({ resumed: true })
    expect(socket.sent).toEqual([])
  })

  it('sends the carried messages on the socket when the server did not select the upgrade subprotocol', async () => {
    void start({ token: 'old' })
    await vi.advanceTimersByTimeAsync(0)
    const socket = FakeWebSocket.latest() as FakeWebSocket
    socket.serverOpen(socket.offered[0])
    expect(socket.sent.map((m) => m.type)).toEqual(['Hello', 'Authenticate'])
  })

  it('offers no subprotocol with framesInUpgrade false', async () => {
    void start({ token: 'old', framesInUpgrade: false })
    const socket = await openSocket()
    expect(socket.offered).toEqual([])
    expect(socket.sent.map((m) => m.type)).toEqual(['Hello', 'Authenticate'])
  })

  it('sends Hello with the token and the resume point', async () => {
    void start({ token: 'old', resume: () => ({ sessionId: 's9', lastSeq: 12 }) })
    const socket = await openSocket()
    // `received` is the connection's count of the session's frames (none yet).
    expect(socket.sent[0]).toEqual({ type: 'Hello', protocolVersion: PROTOCOL_VERSION, token: 'old', resume: { sessionId: 's9', lastSeq: 12, received: 0 } })
    // The fake socket takes any value, as Node's ws does.
    expect(socket.binaryType).toBe('nodebuffer')
  })

  it('discards a refused token (TokenRefused) and signs in again instead of giving up', async () => {
    const answers: (string | null)[] = []
    void start({
      token: 'stale',
      auth: ({ token }) => {
        answers.push(token)
        return token === null ? { method: 'signature', credential: new Uint8Array([1]) } : { method: 'token', credential: token }
      },
    })
    const first = await openSocket()
    expect(first.sent[0]).toMatchObject({ type: 'Hello', token: 'stale' })
    first.serverSend({ ...challenge, methods: ['signature', 'token'] })
    await vi.advanceTimersByTimeAsync(0)
    first.serverClose(CloseCode.TokenRefused, 'token refused')
    expect(connection.state).toBe('reconnecting')
    expect(connection.token).toBeNull()
    await vi.advanceTimersByTimeAsync(10)
    const second = await openSocket()
    expect(second.sent[0]).toMatchObject({ type: 'Hello', token: null })
    second.serverSend({ ...challenge, methods: ['signature', 'token'] })
    await vi.advanceTimersByTimeAsync(0)
    expect(answers).toEqual(['stale', null])
    expect(second.sent[1]).toMatchObject({ type: 'Authenticate', method: 'signature' })
    second.serverSend(welcome)
    expect(connection.state).toBe('connected')
  })

  it('forgets an expired session token (TokenExpired) and reconnects', async () => {
    void start({ token: 'old' })
    const socket = await openSocket()
    socket.serverSend(challenge)
    await vi.advanceTimersByTimeAsync(0)
    socket.serverSend(welcome)
    expect(connection.token).toBe('tok')
    socket.serverClose(CloseCode.TokenExpired, 'token expired')
    expect(connection.token).toBeNull()
    expect(connection.state).toBe('reconnecting')
  })
})

describe('a token answer behind Hello (fake socket)', () => {
  beforeEach(() => {
    FakeWebSocket.instances.length = 0
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'performance', 'Date'] })
  })
  afterEach(async () => {
    await connection.close()
    vi.useRealTimers()
  })

  it('sends Authenticate with the token right behind Hello and only acknowledges the Challenge', async () => {
    const opening = start({ token: 'old' })
    const socket = await openSocket()
    expect(socket.sent.map((m) => m.type)).toEqual(['Hello', 'Authenticate'])
    expect(socket.sent[1]).toEqual({ type: 'Authenticate', method: 'token', credential: 'old' })
    socket.serverSend(challenge)
    await vi.advanceTimersByTimeAsync(0)
    expect(socket.sent.filter((m) => m.type === 'Authenticate')).toHaveLength(1)
    socket.serverSend(welcome)
    expect(await opening).toEqual(welcome)
  })

  it('waits for the Challenge after a server refused the early answer with 4008', async () => {
    void start({ token: 'old' })
    const first = await openSocket()
    first.serverClose(CloseCode.UnexpectedMessage, 'Authenticate is not allowed before the handshake completes')
    await vi.advanceTimersByTimeAsync(10)
    const second = await openSocket()
    expect(second.sent.map((m) => m.type)).toEqual(['Hello'])
    second.serverSend(challenge)
    await vi.advanceTimersByTimeAsync(0)
    expect(second.sent.map((m) => m.type)).toEqual(['Hello', 'Authenticate'])
  })

  it('leaves a custom auth seam to the Challenge unless earlyAuth says otherwise', async () => {
    void start({ token: 'old', auth: () => ({ method: 'token', credential: 'old' }) })
    const socket = await openSocket()
    expect(socket.sent.map((m) => m.type)).toEqual(['Hello'])
  })
})
