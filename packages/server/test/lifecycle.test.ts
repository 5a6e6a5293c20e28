import { request } from 'node:http'
import { CloseCode } from '@orrery/protocol'
import { afterEach, describe, expect, it } from 'vitest'
import { createServer, type OrreryServer, ServerError } from '../src/index.js'
import { FakeClock } from '../src/test-utils/fake-clock.js'
import { createTestModule, type HookLog, Position, RawClient, startServer, stepUntil } from './helpers.js'

const servers: OrreryServer[] = []
const raws: RawClient[] = []

afterEach(async () => {
  await Promise.all(raws.splice(0).map((r) => r.close()))
  await Promise.all(servers.splice(0).map((s) => s.close()))
})

async function start(...args: Parameters<typeof startServer>) {
  const started = await startServer(...args)
  servers.push(started.server)
  return started
}

async function raw(url: string): Promise<RawClient> {
  const r = await RawClient.open(url)
  raws.push(r)
  return r
}

describe('identity and sessions', () => {
  it('a second connection with the same identity replaces the first (SessionReplaced; onDisconnect before the new onConnect)', async () => {
    const hooks: HookLog = { connected: [], disconnected: [] }
    const { url } = await start({}, hooks)
    const a = await raw(url)
    const welcome = await a.handshake()
    const b = await raw(url)
    const again = await b.handshake(welcome.token)
    expect(again.identity).toBe(welcome.identity)
    expect((await a.closed).code).toBe(CloseCode.SessionReplaced)
    expect(hooks.connected).toEqual([welcome.identity, welcome.identity])
    expect(hooks.disconnected).toEqual([welcome.identity])
    b.send({ type: 'Ping', clientTime: 1 })
    expect(await b.next('Pong')).toMatchObject({ clientTime: 1 })
  })

  it("duplicateIdentity: 'allow' keeps both connections", async () => {
    const { url } = await start({ duplicateIdentity: 'allow' })
    const a = await raw(url)
    const welcome = await a.handshake()
    const b = await raw(url)
    await b.handshake(welcome.token)
    a.send({ type: 'Ping', clientTime: 2 })
    expect(await a.next('Pong')).toMatchObject({ clientTime: 2 })
  })
})

describe('limits', () => {
  it('drops messages over the rate with ERR_RATE_LIMITED, then closes RateLimited on sustained abuse', async () => {
    const { server, url } = await start({ limits: { messagesPerSecond: 1, messageBurst: 5, rateLimitStrikes: 3 } })
    const witness = await raw(url)
    await witness.handshake()
    const r = await raw(url)
    await r.handshake() // 2 of the 5 burst tokens
    for (let i = 0; i < 12; i++) r.send({ type: 'Ping', clientTime: i })
    expect((await r.closed).code).toBe(CloseCode.RateLimited)
    const limited = r.messages.filter((m) => m.type === 'Error' && m.code === 'ERR_RATE_LIMITED')
    expect(limited.length).toBe(4) // 3 strikes answered, the 4th closes
    expect(r.messages.filter((m) => m.type === 'Pong')).toHaveLength(3)
    expect(server.metrics().rateLimited).toBe(4)
    witness.send({ type: 'Ping', clientTime: 99 })
    expect(await witness.next('Pong')).toMatchObject({ clientTime: 99 })
  })

  it('answers ERR_TOO_MANY_SUBSCRIPTIONS past maxSubscriptionsPerClient', async () => {
    const { url } = await start({ limits: { maxSubscriptionsPerClient: 2 } })
    const r = await raw(url)
    await r.handshake()
    for (let q = 1; q <= 3; q++) r.send({ type: 'Subscribe', requestId: q, queryId: q, components: ['Position'], area: null })
    expect(await r.next('Error')).toMatchObject({ code: 'ERR_TOO_MANY_SUBSCRIPTIONS', requestId: 3 })
  })

  it('closes a client that does not read with SlowConsumer once its outbox passes maxOutboxBytes', async () => {
    const { server, url } = await start({ limits: { maxOutboxBytes: 64 * 1024 } })
    const slow = await raw(url)
    await slow.handshake()
    slow.send({ type: 'Subscribe', requestId: 1, queryId: 1, components: ['Position', 'Tag'], area: null })
    await stepUntil(server, slow.next('SubscribeApplied'))
    const socket = (slow.ws as unknown as { _socket: { pause(): void; resume(): void } })._socket
    socket.pause()
    const big = 'x'.repeat(1000)
    for (let i = 0; i < 200 && server.metrics().connections > 0; i++) {
      for (let j = 0; j < 50; j++) {
        const e = server.call('spawn', { x: i, y: j })
        server.call('label', { e: e as number, label: `${big}${i}-${j}` })
      }
      server.step()
      await new Promise((resolve) => setImmediate(resolve))
    }
    socket.resume()
    expect((await slow.closed).code).toBe(CloseCode.SlowConsumer)
  })
})

describe('tick loop', () => {
  it('runs tickRate ticks per second of the injected clock, without drift', async () => {
    const clock = new FakeClock()
    const { server } = await start({ clock, autoStart: true, tickRate: 20 })
    clock.advance(1000, () => 3)
    expect(server.tick).toBe(20)
    clock.advance(59_000, () => 11)
    expect(server.tick).toBe(1200)
    expect(server.metrics().ticks).toBe(1200)
    expect(server.metrics().skippedTicks).toBe(0)
    expect(server.metrics().tickDurationsMs.count).toBe(1024)
    expect(server.metrics().tickDurationsMs.p99).toBeGreaterThanOrEqual(server.metrics().tickDurationsMs.p50)
  })

  it('runs each system every round(everyMs / period) ticks in its own transaction', async () => {
    const { server } = await start()
    const e = server.call('spawn', { x: 0, y: 0 })
    for (let i = 0; i < 6; i++) server.step()
    // fall: everyMs 100 at 20 Hz → every 2nd tick
    expect(server.world.read(e as never, Position, 'y')).toBe(3)
  })
})

describe('close', () => {
  it('flushes committed changes, closes every client with ServerShutdown, and is idempotent', async () => {
    const { server, url } = await start()
    const r = await raw(url)
    await r.handshake()
    r.send({ type: 'Subscribe', requestId: 1, queryId: 1, components: ['Position'], area: null })
    await stepUntil(server, r.next('SubscribeApplied'))
    server.call('spawn', { x: 42, y: 0 })
    const closing = server.close()
    expect(server.close()).toBe(closing)
    await closing
    expect((await r.closed).code).toBe(CloseCode.ServerShutdown)
    const update = r.messages.find((m) => m.type === 'TransactionUpdate')
    expect(update?.type === 'TransactionUpdate' && update.tables[0]?.inserts[1]).toBe(42)
    await expect(server.listen()).rejects.toMatchObject({ code: 'ERR_CLOSED' })
    expect(() => server.step()).toThrow(ServerError)
  })

  it('installSignalHandlers: SIGTERM closes the server', async () => {
    const { server, url } = await start()
    const r = await raw(url)
    await r.handshake()
    const before = process.listenerCount('SIGTERM')
    server.installSignalHandlers()
    expect(process.listenerCount('SIGTERM')).toBe(before + 1)
    process.emit('SIGTERM', 'SIGTERM')
    expect((await r.closed).code).toBe(CloseCode.ServerShutdown)
    await server.close()
    expect(process.listenerCount('SIGTERM')).toBe(before)
  })
})

describe('options and HTTP', () => {
  it('rejects invalid options with ERR_INVALID_OPTIONS naming the field', () => {
    const module = createTestModule()
    const attempt = (options: object) => () => createServer({ module, logger: false, ...options })
    expect(attempt({ tickRate: -1 })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_OPTIONS', message: expect.stringContaining('tickRate') }))
    expect(attempt({ limits: { maxFrameBytes: 1.5 } })).toThrow(expect.objectContaining({ message: expect.stringContaining('limits.maxFrameBytes') }))
    expect(attempt({ tickrate: 20 })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_OPTIONS' }))
    expect(() => createServer({ module: { ...module, reducers: { bad: { args: { a: 'u64' }, run: () => 0 } } } as never, logger: false })).toThrow(
      ServerError,
    )
    expect(() =>
      createServer({
        module: { ...module, init: () => { throw new Error('no') } },
        logger: false,
      }),
    ).toThrow(expect.objectContaining({ code: 'ERR_INIT_FAILED' }))
  })

  it('serves plain HTTP through httpHandler on the WebSocket port, and 426 without one', async () => {
    const get = (port: number) =>
      new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = request({ host: '127.0.0.1', port, path: '/' }, (res) => {
          let body = ''
          res.on('data', (chunk: Buffer) => (body += chunk.toString()))
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }))
        })
        req.on('error', reject)
        req.end()
      })
    const withHandler = await start({ httpHandler: (_req, res) => res.end('hello') })
    expect(await get(Number(new URL(withHandler.url).port))).toEqual({ status: 200, body: 'hello' })
    const r = await raw(withHandler.url)
    await r.handshake()
    const without = await start()
    expect((await get(Number(new URL(without.url).port))).status).toBe(426)
  })
})
