import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Writable } from 'node:stream'
import { generateIdentity, type KeyIdentity, signChallenge } from '@orrery/auth'
import { connect, createKeyAuth } from '@orrery/client'
import { CloseCode, PROTOCOL_VERSION } from '@orrery/protocol'
import { createLocalJWKSet, jwtVerify } from 'jose'
import { pino } from 'pino'
import { afterEach, describe, expect, it } from 'vitest'
import { createKeyAuthenticator, createServer, defineModule, defineReducer, JWKS_PATH, type OrreryServer } from '../src/index.js'
import { FakeClock } from '../src/test-utils/fake-clock.js'
import { signIn } from './auth-helpers.js'
import { components, createTestModule, eventually, RawClient, reducerSchemas, startServer, stepUntil, Tag } from './helpers.js'

const servers: OrreryServer[] = []
const raws: RawClient[] = []
const cleanups: (() => Promise<unknown>)[] = []
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c()
  await Promise.all(raws.splice(0).map((r) => r.close()))
  await Promise.all(servers.splice(0).map((s) => s.close()))
})

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'orrery-server-auth-'))
  cleanups.push(() => rm(dir, { recursive: true, force: true }))
  return dir
}

function recordingAuth(me: KeyIdentity, url: string) {
  const methods: string[] = []
  const inner = createKeyAuth(me, url)
  const auth = (challenge: Parameters<typeof inner>[0]) => {
    const answer = inner(challenge)
    methods.push(answer.method)
    return answer
  }
  return { auth, methods }
}

describe('signing in with a key', () => {
  it('the identity derived from the key is ctx.sender in reducers', async () => {
    const { server, url } = await startServer({ authenticator: createKeyAuthenticator() })
    servers.push(server)
    const me = generateIdentity()
    const client = await stepUntil(server, connect({ url, components, reducers: reducerSchemas, identity: me }))
    cleanups.push(() => client.disconnect())
    expect(client.identity).toBe(me.identity)
    const call = client.reducers.spawn({ x: 1, y: 2 })
    await eventually(server, () => client.db.Tag.count() === 1)
    await call
    expect([...client.db.Tag.iter()][0]?.[1]).toMatchObject({ owner: me.identity })
    expect(server.world.query([Tag]).count).toBe(1)
  })

  it('a server restart on the same data folder keeps every client signed in with its token', async () => {
    const dataDir = await tempDir()
    const first = createServer({ module: createTestModule(), logger: false, autoStart: false, authenticator: createKeyAuthenticator({ dataDir }) })
    const { port } = await first.listen()
    const url = `ws://127.0.0.1:${port}`
    const players = await Promise.all(
      [0, 1, 2].map(async () => {
        const me = generateIdentity()
        const { auth, methods } = recordingAuth(me, url)
        const closes: number[] = []
        const client = await stepUntil(first, connect({ url, components, reducers: reducerSchemas, identity: me, auth, reconnect: { initialDelayMs: 5, maxDelayMs: 20 } }))
        cleanups.push(() => client.disconnect())
        client.connection.on('close', ({ code }) => closes.push(code))
        return { me, client, methods, closes }
      }),
    )
    await first.close()
    const second = createServer({ module: createTestModule(), logger: false, autoStart: false, authenticator: createKeyAuthenticator({ dataDir }), port })
    servers.push(second)
    await second.listen()
    await eventually(second, () => players.every((p) => p.client.connection.state === 'connected' && p.methods.length === 2), 8_000)
    for (const p of players) {
      expect(p.methods).toEqual(['signature', 'token'])
      // Attempts made before the second server listened fail at the socket (1006); they say nothing of auth.
      expect(p.closes.filter((code) => code !== 1006)).toEqual([CloseCode.ServerShutdown])
      expect(p.client.identity).toBe(p.me.identity)
    }
    expect(second.metrics().clients).toBe(3)
  })

  it('without the data folder a restart refuses the old token (TokenRefused) and the client signs in again', async () => {
    const first = createServer({ module: createTestModule(), logger: false, autoStart: false, authenticator: createKeyAuthenticator() })
    const { port } = await first.listen()
    const url = `ws://127.0.0.1:${port}`
    const me = generateIdentity()
    const { auth, methods } = recordingAuth(me, url)
    const closes: number[] = []
    const client = await stepUntil(first, connect({ url, components, reducers: reducerSchemas, identity: me, auth, reconnect: { initialDelayMs: 5, maxDelayMs: 20 } }))
    cleanups.push(() => client.disconnect())
    client.connection.on('close', ({ code }) => closes.push(code))
    await first.close()
    const second = createServer({ module: createTestModule(), logger: false, autoStart: false, authenticator: createKeyAuthenticator(), port })
    servers.push(second)
    await second.listen()
    await eventually(second, () => client.connection.state === 'connected' && methods.length === 3, 8_000)
    expect(methods).toEqual(['signature', 'token', 'signature'])
    expect(closes.filter((code) => code !== 1006)).toEqual([CloseCode.ServerShutdown, CloseCode.TokenRefused])
    expect(client.identity).toBe(me.identity)
  })
})

describe('token lifetime on an open session', () => {
  async function expiringServer() {
    const clock = new FakeClock()
    let wall = 1_800_000_000_000
    const authenticator = createKeyAuthenticator({ now: () => wall, tokenTtlMs: 60_000 })
    // A fake clock jumps minutes at once, in which no client could answer a ping: no heartbeat here.
    const { server, url } = await startServer({ authenticator, clock, heartbeat: { pingIntervalMs: 0 } })
    servers.push(server)
    const raw = await RawClient.open(url)
    raws.push(raw)
    const welcome = await signIn(raw, generateIdentity())
    const tick = (ms: number): void => {
      wall += ms
      clock.advance(ms)
    }
    return { clock, raw, welcome, tick }
  }

  it('closes with TokenExpired when the token expires unrefreshed', async () => {
    const { raw, tick } = await expiringServer()
    tick(59_999)
    raw.send({ type: 'Ping', clientTime: 1 })
    await raw.next('Pong')
    tick(1)
    expect((await raw.closed).code).toBe(CloseCode.TokenExpired)
    expect(raw.messages.at(-1)).toMatchObject({ type: 'Error', code: 'ERR_AUTH_FAILED' })
  })

  it('RefreshToken over the open connection gives a new token and moves the expiry', async () => {
    const { raw, welcome, tick } = await expiringServer()
    tick(50_000)
    raw.send({ type: 'RefreshToken', requestId: 9 })
    const refreshed = await raw.next('TokenRefreshed')
    expect(refreshed.token).not.toBe(welcome.token)
    tick(10_000)
    raw.send({ type: 'Ping', clientTime: 2 })
    expect(await raw.next('Pong')).toMatchObject({ clientTime: 2 })
    tick(50_000)
    expect((await raw.closed).code).toBe(CloseCode.TokenExpired)
  })

  it('client.refreshToken() gets a new token for the same identity over the open connection', async () => {
    const authenticator = createKeyAuthenticator({ tokenTtlMs: 60_000 })
    const { server, url } = await startServer({ authenticator })
    servers.push(server)
    const me = generateIdentity()
    const client = await stepUntil(server, connect({ url, components, reducers: reducerSchemas, identity: me }))
    cleanups.push(() => client.disconnect())
    const before = client.token
    await stepUntil(server, client.refreshToken())
    expect(client.token).not.toBe(before)
    const verified = await (await authenticator.tokens()).verify(client.token)
    expect(verified.identity).toBe(me.identity)
  })
})

describe('automatic refresh', () => {
  it('the client refreshes its token by itself before expiry, over the open connection', async () => {
    const authenticator = createKeyAuthenticator({ tokenTtlMs: 60_000 })
    const { server, url } = await startServer({ authenticator })
    servers.push(server)
    // The client's clock runs 58.5 s ahead until the first refresh: its token (exp in whole seconds) looks 0.5–1.5 s from expiry.
    let skew = 58_500
    const tokens: string[] = []
    const client = await stepUntil(
      server,
      connect({
        url,
        components,
        reducers: reducerSchemas,
        identity: generateIdentity(),
        now: () => Date.now() + skew,
        onTokenChange: (token) => {
          tokens.push(token)
          if (tokens.length === 2) skew = 0
        },
      }),
    )
    cleanups.push(() => client.disconnect())
    await eventually(server, () => tokens.length === 2, 2_000)
    expect(client.connection.state).toBe('connected')
    expect(client.token).toBe(tokens[1])
    expect(tokens[1]).not.toBe(tokens[0])
    expect((await (await authenticator.tokens()).verify(tokens[1])).identity).toBe(client.identity)
  })
})

describe('JWKS over HTTP', () => {
  it(`serves the public keys at ${JWKS_PATH}, and they verify the tokens`, async () => {
    const authenticator = createKeyAuthenticator({ issuer: 'https://play.example', audience: 'blackholio' })
    const { server, url } = await startServer({ authenticator })
    servers.push(server)
    const raw = await RawClient.open(url)
    raws.push(raw)
    const welcome = await signIn(raw, generateIdentity())
    const response = await fetch(`${url.replace('ws:', 'http:')}${JWKS_PATH}`)
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toBe('application/jwk-set+json')
    const set = (await response.json()) as { keys: Record<string, unknown>[] }
    expect(set.keys.every((k) => k.d === undefined)).toBe(true)
    const { payload } = await jwtVerify(welcome.token, createLocalJWKSet(set as never), { issuer: 'https://play.example', audience: 'blackholio' })
    expect(payload.sub).toBe(welcome.identity)
    const other = await fetch(`${url.replace('ws:', 'http:')}/`)
    expect(other.status).toBe(426)
    await other.text()
  })
})

describe('logs', () => {
  it('a handshake, a refresh and a refusal log no token, signature or private key', async () => {
    const lines: string[] = []
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(chunk.toString())
        done()
      },
    })
    const logger = pino({ level: 'trace' }, sink)
    const module = defineModule({
      name: 'leaky',
      components: [],
      reducers: {
        // a careless module logging a secret under a usual field name
        remember: defineReducer({ token: 'string' }, (ctx, { token }) => {
          ctx.log.info({ token, credential: token, nested: { token, signature: token } }, 'remembering')
        }),
      },
    })
    const server = createServer({ module, logger, autoStart: false, authenticator: createKeyAuthenticator() })
    servers.push(server)
    const { port } = await server.listen()
    const url = `ws://127.0.0.1:${port}`
    const me = generateIdentity()

    const raw = await RawClient.open(url)
    raws.push(raw)
    raw.send({ type: 'Hello', protocolVersion: PROTOCOL_VERSION, token: null, resume: null })
    const { nonce } = await raw.next('Challenge')
    const credential = signChallenge(me, { serverName: '127.0.0.1', nonce })
    raw.send({ type: 'Authenticate', method: 'signature', credential })
    const welcome = await raw.next('Welcome')
    raw.send({ type: 'RefreshToken', requestId: 1 })
    const refreshed = await raw.next('TokenRefreshed')
    raw.send({ type: 'CallReducer', requestId: 2, reducer: 'remember', args: [refreshed.token] })
    // A call's result follows the next tick's update: tick the manual server until it arrives.
    await stepUntil(server, raw.next('ReducerResult'))

    const refused = await RawClient.open(url)
    raws.push(refused)
    refused.send({ type: 'Hello', protocolVersion: PROTOCOL_VERSION, token: welcome.token, resume: null })
    await refused.next('Challenge')
    const tampered = `${welcome.token.slice(0, -4)}AAAA`
    refused.send({ type: 'Authenticate', method: 'token', credential: tampered })
    expect((await refused.closed).code).toBe(CloseCode.TokenRefused)
    await raw.close()
    await eventually(null, () => lines.some((l) => l.includes('client disconnected')), 3_000)

    const log = lines.join('')
    expect(log).toContain('client connected')
    expect(log).toContain('remembering')
    expect(log).toContain('[redacted]')
    const secrets = [
      welcome.token,
      refreshed.token,
      tampered,
      ...[welcome.token, refreshed.token].map((t) => t.split('.')[2] as string),
      Buffer.from(credential).toString('hex'),
      Buffer.from(credential).toString('base64'),
      Buffer.from(credential.subarray(33, 97)).toString('hex'),
      Buffer.from(credential.subarray(33, 97)).toString('base64url'),
      Buffer.from(me.exportSecretKey()).toString('hex'),
      Buffer.from(me.exportSecretKey()).toString('base64url'),
    ]
    for (const secret of secrets) expect(log.includes(secret), secret.slice(0, 12)).toBe(false)
  })
})
