import { CloseCode, encodeClientMessage, PROTOCOL_VERSION } from '@orrery/protocol'
import { afterEach, describe, expect, it } from 'vitest'
import { WebSocket } from 'ws'
import { type Authenticator, createAnonymousAuthenticator, type OrreryServer } from '../src/index.js'
import { RawClient, startServer } from './helpers.js'

type Item = number | null | string | Record<string, never>

/** msgpack of one frame array of small items (fixints, nil, short strings, empty maps), written by hand for hostile frames. */
const pack = {
  pack(items: readonly Item[]): Uint8Array {
    const out: number[] = [0xdd, (items.length >>> 24) & 0xff, (items.length >>> 16) & 0xff, (items.length >>> 8) & 0xff, items.length & 0xff]
    for (const item of items) {
      if (item === null) out.push(0xc0)
      else if (typeof item === 'number') out.push(item & 0x7f)
      else if (typeof item === 'string') out.push(0xa0 | item.length, ...Buffer.from(item))
      else out.push(0x80)
    }
    return Uint8Array.from(out)
  },
}
const servers: OrreryServer[] = []
const raws: RawClient[] = []

afterEach(async () => {
  await Promise.all(raws.splice(0).map((r) => r.close()))
  await Promise.all(servers.splice(0).map((s) => s.close()))
})

async function serve(overrides: Parameters<typeof startServer>[0] = {}): Promise<{ server: OrreryServer; url: string }> {
  const started = await startServer(overrides)
  servers.push(started.server)
  return started
}

async function open(url: string): Promise<RawClient> {
  const raw = await RawClient.open(url)
  raws.push(raw)
  return raw
}

/** The first two Error frames a connection receives. */
async function twoErrors(raw: RawClient) {
  const first = await raw.next('Error')
  const second = await raw.next('Error', raw.messages.indexOf(first) + 1)
  return [first, second]
}

/** A ready connection proves the server still serves: a Ping is answered. */
async function stillServes(url: string): Promise<void> {
  const raw = await open(url)
  await raw.handshake()
  raw.send({ type: 'Ping', clientTime: 42 })
  expect(await raw.next('Pong')).toMatchObject({ clientTime: 42 })
}

describe('work per frame is bounded before decoding', () => {
  it('a Ping followed by thousands of empty maps is refused by the scan (ERR_LIMIT_EXCEEDED, close 4000), undecoded', async () => {
    const { url } = await serve({ limits: { abusePenalty: 0 } })
    const raw = await open(url)
    await raw.handshake()
    raw.ws.send(pack.pack([0x06, 1, ...Array.from({ length: 5000 }, () => ({}))]))
    expect((await raw.closed).code).toBe(CloseCode.ProtocolError)
    expect(raw.messages.at(-1)).toMatchObject({ type: 'Error', code: 'ERR_LIMIT_EXCEEDED' })
    await stillServes(url)
  })

  it('frames within the element limit spend the element budget: the rest are dropped with their requestId', async () => {
    const { url } = await serve({ limits: { maxFrameElements: 1000, elementsPerSecond: 10, elementBurst: 3000, abusePenalty: 0, refreshTokenCost: 1 } })
    const raw = await open(url)
    await raw.handshake()
    const filler = Array.from({ length: 900 }, () => 0)
    for (let i = 0; i < 5; i++) raw.ws.send(pack.pack([0x07, 100 + i, ...filler]))
    const errors = await twoErrors(raw)
    expect(errors[0]).toMatchObject({ code: 'ERR_RATE_LIMITED', requestId: 103 })
    expect(errors[1]).toMatchObject({ code: 'ERR_RATE_LIMITED', requestId: 104 })
  })

  it('before Welcome, a frame over handshakeFrameBytes closes 1009 and one over handshakeFrameElements closes 4000', async () => {
    const { url } = await serve({ limits: { abusePenalty: 0 } })
    const big = await open(url)
    big.send({ type: 'Hello', protocolVersion: PROTOCOL_VERSION, token: 'x'.repeat(9000), resume: null })
    expect((await big.closed).code).toBe(CloseCode.MessageTooBig)
    const wide = await open(url)
    wide.ws.send(pack.pack([0x01, PROTOCOL_VERSION, null, null, ...Array.from({ length: 100 }, () => null)]))
    expect((await wide.closed).code).toBe(CloseCode.ProtocolError)
    expect(wide.messages.at(-1)).toMatchObject({ code: 'ERR_LIMIT_EXCEEDED' })
    await stillServes(url)
  })

  it('a message over the message budget is dropped undecoded and answered with its requestId', async () => {
    const { url } = await serve({ limits: { messagesPerSecond: 1, messageBurst: 3, rateLimitStrikes: 100, refreshTokenCost: 1 } })
    const raw = await open(url)
    await raw.handshake()
    // Hello and Authenticate spent two; one left.
    for (let i = 0; i < 3; i++) raw.ws.send(encodeClientMessage({ type: 'RefreshToken', requestId: 10 + i }))
    const errors = await twoErrors(raw)
    expect(errors.map((e) => (e.type === 'Error' ? e.requestId : null))).toEqual([11, 12])
  })
})

describe('subscriptions cost more of the message budget', () => {
  it('a Subscribe costs subscribeCost messages: past the burst, it is dropped and answered with its requestId', async () => {
    const { url } = await serve({ limits: { messagesPerSecond: 1, messageBurst: 30, subscribeCost: 10, rateLimitStrikes: 100 } })
    const raw = await open(url)
    await raw.handshake()
    for (let i = 1; i <= 3; i++) raw.send({ type: 'Subscribe', requestId: i, queryId: i, components: ['Position'], area: null })
    expect(await raw.next('Error')).toMatchObject({ code: 'ERR_RATE_LIMITED', requestId: 3 })
  })
})

describe('repeated abuse costs handshakes', () => {
  it('three abusive connections from one address spend its handshakes: its next upgrade is refused with HTTP 429', async () => {
    const { url } = await serve({ limits: { handshakesPerIp: 30, abusePenalty: 10 } })
    for (let i = 0; i < 3; i++) {
      const raw = await open(url)
      await raw.handshake()
      raw.ws.send(Uint8Array.of(0xc1))
      expect((await raw.closed).code).toBe(CloseCode.ProtocolError)
    }
    // Spent: the next upgrade from the address is refused with HTTP 429, before a WebSocket exists.
    await expect(RawClient.open(url)).rejects.toThrow(/429/)
  })

  it('an identity closed for abuse is refused when it signs in again with its token within the window', async () => {
    const { url } = await serve({ limits: { handshakesPerIp: 1000, handshakesPerIdentity: 10, abusePenalty: 10 } })
    const first = await open(url)
    const welcome = await first.handshake()
    first.send({ type: 'Hello', protocolVersion: PROTOCOL_VERSION, token: null, resume: null })
    expect((await first.closed).code).toBe(CloseCode.UnexpectedMessage)
    const again = await open(url)
    again.send({ type: 'Hello', protocolVersion: PROTOCOL_VERSION, token: welcome.token, resume: null })
    await again.next('Challenge')
    again.send({ type: 'Authenticate', method: 'token', credential: welcome.token })
    expect((await again.closed).code).toBe(CloseCode.RateLimited)
    // Another identity from the same address is not affected.
    await stillServes(url)
  })
})

describe('connection caps', () => {
  it('refuses connections over maxConnectionsPerIp with 4013 and over maxConnections with 4012, and admits again once one closed', async () => {
    const perIp = await serve({ limits: { maxConnectionsPerIp: 2 } })
    const a = await open(perIp.url)
    await open(perIp.url)
    const refused = await open(perIp.url)
    expect((await refused.closed).code).toBe(CloseCode.TooManyConnections)
    await a.close()
    await stillServes(perIp.url)

    const total = await serve({ limits: { maxConnections: 1 } })
    const only = await open(total.url)
    const full = await open(total.url)
    expect((await full.closed).code).toBe(CloseCode.ServerFull)
    await only.close()
    expect(total.server.metrics().connections).toBe(0)
    await stillServes(total.url)
  })
})

describe('the server-wide connection budget', () => {
  it('refuses upgrades past connectionsPerSecond with HTTP 503, before a WebSocket exists', async () => {
    const { url } = await serve({ limits: { connectionsPerSecond: 1, connectionBurst: 2 } })
    await open(url)
    await open(url)
    await expect(RawClient.open(url)).rejects.toThrow(/503/)
  })
})

describe('a failing custom authenticator ends only its session', () => {
  function failing(part: 'result' | 'nonce'): Authenticator {
    const inner = createAnonymousAuthenticator()
    return {
      methods: inner.methods,
      authenticate: async (request) => {
        if (part === 'result') return { identity: 'x', token: 42 } as never
        return inner.authenticate(request)
      },
      issueToken: (identity) => {
        return inner.issueToken(identity)
      },
      ...(part === 'nonce'
        ? {
            createNonce: () => {
              throw new RangeError('no entropy')
            },
          }
        : {}),
    }
  }

  it.each(['result', 'nonce'] as const)('an authenticator whose %s fails: Error ERR_INTERNAL, close 1011, no unhandled rejection', async (part) => {
    const rejections: unknown[] = []
    const onRejection = (reason: unknown): void => {
      rejections.push(reason)
    }
    process.on('unhandledRejection', onRejection)
    try {
      const { server, url } = await serve({ authenticator: failing(part) })
      const raw = await open(url)
      raw.send({ type: 'Hello', protocolVersion: PROTOCOL_VERSION, token: null, resume: null })
      if (part === 'result') {
        await raw.next('Challenge')
        raw.send({ type: 'Authenticate', method: 'anonymous', credential: null })
      }
      expect((await raw.closed).code).toBe(CloseCode.InternalError)
      expect(raw.messages.at(-1)).toMatchObject({ type: 'Error', code: 'ERR_INTERNAL' })
      expect(server.metrics().connections).toBe(0)
      await new Promise((resolve) => setImmediate(resolve))
      expect(rejections).toEqual([])
    } finally {
      process.off('unhandledRejection', onRejection)
    }
  })
})

describe('origin allow-list', () => {
  function upgrade(url: string, origin: string | undefined): Promise<number | 'open'> {
    return new Promise((resolve) => {
      const ws = new WebSocket(url, origin === undefined ? {} : { origin })
      ws.once('open', () => {
        ws.close()
        resolve('open')
      })
      ws.once('unexpected-response', (_req, res) => {
        resolve(res.statusCode ?? 0)
        res.resume()
      })
      ws.on('error', () => {})
    })
  }

  it('refuses an upgrade from another origin with HTTP 403; allows the listed origin and clients without an Origin', async () => {
    const { url } = await serve({ allowedOrigins: ['https://game.example'] })
    expect(await upgrade(url, 'https://evil.example')).toBe(403)
    expect(await upgrade(url, 'https://game.example')).toBe('open')
    expect(await upgrade(url, undefined)).toBe('open')
  })
})
