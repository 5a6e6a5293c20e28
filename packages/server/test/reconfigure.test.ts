import { Writable } from 'node:stream'
import { CloseCode } from '@orrery/protocol'
import { pino } from 'pino'
import { afterEach, describe, expect, it } from 'vitest'
import type { OrreryServer } from '../src/index.js'
import { RawClient, startServer, stepUntil } from './helpers.js'

const servers: OrreryServer[] = []
const raws: RawClient[] = []

afterEach(async () => {
  await Promise.all(raws.splice(0).map((r) => r.close()))
  await Promise.all(servers.splice(0).map((s) => s.close()))
})

async function serve(overrides: Parameters<typeof startServer>[0] = {}) {
  const started = await startServer(overrides)
  servers.push(started.server)
  return started
}

async function ready(url: string): Promise<RawClient> {
  const raw = await RawClient.open(url)
  raws.push(raw)
  await raw.handshake()
  return raw
}

/** A pino logger whose lines are kept, parsed. */
function capturingLogger(level: string) {
  const lines: { msg: string; level: number }[] = []
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()))
      done()
    },
  })
  return { logger: pino({ level }, stream), lines }
}

describe('server.reconfigure', () => {
  it('tightens the message budget of an open connection and of later ones', async () => {
    const { server, url } = await serve()
    const open = await ready(url)
    server.reconfigure({ limits: { messagesPerSecond: 1, messageBurst: 5, rateLimitStrikes: 3 } })
    for (let i = 0; i < 12; i++) open.send({ type: 'Ping', clientTime: i })
    expect((await open.closed).code).toBe(CloseCode.RateLimited)
    expect(open.messages.filter((m) => m.type === 'Error' && m.code === 'ERR_RATE_LIMITED')).toHaveLength(4)
    const later = await ready(url) // 2 of the 5 burst tokens
    for (let i = 0; i < 12; i++) later.send({ type: 'Ping', clientTime: i })
    expect((await later.closed).code).toBe(CloseCode.RateLimited)
    expect(later.messages.filter((m) => m.type === 'Pong').length).toBeLessThanOrEqual(4)
  })

  it('loosens it again: a burst that was refused is served', async () => {
    const { server, url } = await serve({ limits: { messagesPerSecond: 1, messageBurst: 5, rateLimitStrikes: 3 } })
    server.reconfigure({ limits: { messagesPerSecond: 1000, messageBurst: 1000 } })
    const open = await ready(url)
    for (let i = 0; i < 12; i++) open.send({ type: 'Ping', clientTime: i })
    expect(await open.next('Pong', 11)).toMatchObject({ type: 'Pong' })
    expect(open.messages.filter((m) => m.type === 'Pong')).toHaveLength(12)
  })

  it('changes the log level of the server and of open connections', async () => {
    const { logger, lines } = capturingLogger('info')
    const { server, url } = await serve({ logger })
    const open = await ready(url)
    expect(lines.some((l) => l.msg === 'connection opened')).toBe(false)
    server.reconfigure({ logLevel: 'debug' })
    open.send({ type: 'CallReducer', requestId: 1, reducer: 'nope', args: [] })
    await stepUntil(server, open.next('ReducerResult'))
    expect(lines.some((l) => l.msg === 'reducer call failed' && l.level === 20)).toBe(true)
    await ready(url)
    expect(lines.some((l) => l.msg === 'connection opened')).toBe(true)
  })

  it('refuses an invalid or restart-only setting with ERR_INVALID_OPTIONS and applies nothing', async () => {
    const { logger } = capturingLogger('info')
    const { server } = await serve({ logger })
    expect(() => server.reconfigure({ logLevel: 'debug', limits: { messagesPerSecond: -1 } })).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_OPTIONS', message: expect.stringContaining('messagesPerSecond') }),
    )
    expect(() => server.reconfigure({ limits: { maxFrameBytes: 1024 } } as never)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_OPTIONS' }))
    expect(server.log.level).toBe('info')
  })
})
