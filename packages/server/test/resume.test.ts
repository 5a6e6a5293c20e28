import { connect, type OrreryClient } from '@orrery/client'
import type { Entity } from '@orrery/ecs'
import { createFaultProxy, type FaultProxy } from '@orrery/tooling-chaos'
import { afterEach, describe, expect, it } from 'vitest'
import { createAnonymousAuthenticator, createMemoryCommitLog, createServer, type OrreryServer } from '../src/index.js'
import { CloseCode, PROTOCOL_VERSION } from '@orrery/protocol'
import { components, createTestModule, dump, eventually, type HookLog, Position, RawClient, reducerSchemas, startServer, stepUntil, Tag } from './helpers.js'

type TestClient = OrreryClient<typeof components, typeof reducerSchemas>

const servers: OrreryServer[] = []
const clients: TestClient[] = []
const proxies: FaultProxy[] = []

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.disconnect()))
  await Promise.all(proxies.splice(0).map((p) => p.close()))
  await Promise.all(servers.splice(0).map((s) => s.close()))
})

async function setup(overrides: Parameters<typeof startServer>[0] = {}, hooks?: HookLog) {
  const { server, url } = await startServer(overrides, hooks)
  servers.push(server)
  const proxy = await createFaultProxy({ targetPort: Number(new URL(url).port) })
  proxies.push(proxy)
  const client = await stepUntil(
    server,
    connect({ url: `ws://127.0.0.1:${proxy.port}`, components, reducers: reducerSchemas, reconnect: { initialDelayMs: 5, maxDelayMs: 20, breakerThreshold: 1_000 } }),
  )
  clients.push(client)
  return { server, proxy, client }
}

/** Row callbacks of a client's Position table, in order. */
function record(client: TestClient) {
  const log = { inserted: [] as number[], updated: [] as number[], deleted: [] as number[], events: [] as string[] }
  client.db.Position.onInsert((e) => log.inserted.push(e))
  client.db.Position.onUpdate((e) => log.updated.push(e))
  client.db.Position.onDelete((e) => log.deleted.push(e))
  client.onEvent((name) => log.events.push(name))
  return log
}

describe('resume', () => {
  it('a drop mid-stream resumes the session: the missed frames are replayed, callbacks fire once, the replica equals the server', async () => {
    const hooks: HookLog = { connected: [], disconnected: [] }
    const { server, proxy, client } = await setup({}, hooks)
    const a = (await stepUntil(server, client.reducers.spawn({ x: 1, y: 1 }))) as Entity
    const b = (await stepUntil(server, client.reducers.spawn({ x: 2, y: 2 }))) as Entity
    const log = record(client)
    const reconnects: boolean[] = []
    client.onReconnect(({ resumed }) => reconnects.push(resumed))
    proxy.cutAll()
    // While the client is away: moves, a delete, an insert and an event, all from other writers.
    server.call('move', { e: a, dx: 10 })
    server.call('remove', { e: b })
    const c = server.call('spawn', { x: 3, y: 3 }) as Entity
    server.step()
    server.step()
    await eventually(server, () => reconnects.length > 0 && client.connection.state === 'connected')
    await eventually(server, () => client.replica.seq === server.seq)
    expect(reconnects).toEqual([true])
    expect(client.stats()).toMatchObject({ reconnects: 1, resumedFromHistory: 1, resumedFromSnapshot: 0 })
    expect(log.inserted).toEqual([c])
    expect(log.deleted).toEqual([b])
    expect(log.updated).toContain(a)
    expect(log.events).toEqual(['spawned'])
    expect(dump(client.replica.world, [Position, Tag])).toEqual(dump(server.world, [Position, Tag]))
    // The session went on: no second onConnect, no onDisconnect.
    expect(hooks.connected).toHaveLength(1)
    expect(hooks.disconnected).toHaveLength(0)
    expect(server.metrics().resume).toMatchObject({ detached: 1, resumed: 1, refused: 0 })
    // And it keeps working.
    const d = (await stepUntil(server, client.reducers.spawn({ x: 4, y: 4 }))) as Entity
    expect(client.db.Position.get(d)?.x).toBe(4)
  })

  it('a call in flight at the drop is answered once and applied once', async () => {
    const { server, proxy, client } = await setup()
    // The call leaves before the cut; its answer is lost with the socket.
    const call = client.reducers.spawn({ x: 9, y: 9 })
    await eventually(null, () => server.metrics().reducerCalls === 1)
    proxy.cutAll()
    server.step()
    const e = (await stepUntil(server, call)) as Entity
    expect(client.db.Position.get(e)?.x).toBe(9)
    await eventually(server, () => client.connection.state === 'connected')
    expect(server.world.query([Position]).toArray()).toHaveLength(1)
    expect(server.metrics().reducerCalls).toBe(1)
  })

  it('a call sent again after a resume is not run twice', async () => {
    const { server, proxy, client } = await setup()
    proxy.blackholeAll()
    // The call goes into the black hole; the client then replaces the socket and sends it again.
    const call = client.reducers.spawn({ x: 5, y: 5 })
    proxy.cutAll()
    const e = (await stepUntil(server, call)) as Entity
    expect(client.db.Position.get(e)?.x).toBe(5)
    expect(server.world.query([Position]).toArray()).toHaveLength(1)
  })

  it('a session that could not be resumed re-syncs by diffing: no duplicate inserts, missing rows deleted, the app is told', async () => {
    const hooks: HookLog = { connected: [], disconnected: [] }
    const { server, proxy, client } = await setup({ resume: { historyBytes: 64 } }, hooks)
    const a = (await stepUntil(server, client.reducers.spawn({ x: 1, y: 1 }))) as Entity
    const b = (await stepUntil(server, client.reducers.spawn({ x: 2, y: 2 }))) as Entity
    const log = record(client)
    const reconnects: boolean[] = []
    client.onReconnect(({ resumed }) => reconnects.push(resumed))
    proxy.refuse(true)
    proxy.cutAll()
    server.call('remove', { e: b })
    for (let i = 0; i < 5; i++) server.call('move', { e: a, dx: 1 })
    server.step()
    proxy.refuse(false)
    await eventually(server, () => reconnects.length > 0)
    expect(reconnects).toEqual([false])
    expect(client.stats()).toMatchObject({ resumedFromHistory: 0, resumedFromSnapshot: 1 })
    expect(log.inserted).toEqual([])
    expect(log.deleted).toEqual([b])
    // Updates only for rows that changed (the test module's 'fall' system moves rows on its ticks too).
    expect(new Set(log.updated)).toEqual(new Set([a]))
    expect(dump(client.replica.world, [Position, Tag])).toEqual(dump(server.world, [Position, Tag]))
    // The overflowed session ended (onDisconnect), and a new one began.
    expect(hooks.disconnected).toHaveLength(1)
    expect(hooks.connected).toHaveLength(2)
  })

  it('onDisconnect of a resumed session is told the connectionId its onConnect was told', async () => {
    const hooks: HookLog = { connected: [], disconnected: [], connections: [] }
    const { server, proxy, client } = await setup({}, hooks)
    const resumed: boolean[] = []
    client.onReconnect((info) => resumed.push(info.resumed))
    proxy.cutAll()
    await eventually(server, () => resumed.length > 0)
    expect(resumed).toEqual([true])
    clients.splice(0)
    await client.disconnect()
    await eventually(server, () => hooks.disconnected.length === 1)
    expect(hooks.connections).toEqual(['connect c1', 'disconnect c1'])
  })

  it('a session not resumed within the grace period ends, and its onDisconnect runs then', async () => {
    const hooks: HookLog = { connected: [], disconnected: [] }
    const { server, proxy, client } = await setup({ resume: { graceMs: 50 } }, hooks)
    proxy.refuse(true)
    proxy.cutAll()
    await eventually(server, () => server.metrics().resume.detachedSessions === 1)
    expect(hooks.disconnected).toHaveLength(0)
    await eventually(server, () => hooks.disconnected.length === 1)
    expect(server.metrics().resume).toMatchObject({ expired: 1, detachedSessions: 0 })
    proxy.refuse(false)
    await eventually(server, () => client.stats().resumedFromSnapshot === 1)
    expect(hooks.connected).toHaveLength(2)
  })

  it('a client that says goodbye ends its session at once', async () => {
    const hooks: HookLog = { connected: [], disconnected: [] }
    const { server, client } = await setup({}, hooks)
    clients.splice(0)
    await client.disconnect()
    await eventually(server, () => hooks.disconnected.length === 1)
    expect(server.metrics().resume.detachedSessions).toBe(0)
  })

  it('after a server restart with a recovered world, the client re-syncs from fresh rows against its replica', async () => {
    const secret = 'resume-restart-secret-0123456789'
    const log = createMemoryCommitLog()
    const { server, proxy, client } = await setup({ authenticator: createAnonymousAuthenticator({ secret }), commitLog: log })
    const a = (await stepUntil(server, client.reducers.spawn({ x: 1, y: 1 }))) as Entity
    const b = (await stepUntil(server, client.reducers.spawn({ x: 2, y: 2 }))) as Entity
    const c = (await stepUntil(server, client.reducers.spawn({ x: 3, y: 3 }))) as Entity
    const changes = record(client)
    const reconnects: boolean[] = []
    client.onReconnect(({ resumed }) => reconnects.push(resumed))
    proxy.refuse(true)
    servers.splice(servers.indexOf(server), 1)
    await server.close()
    // A new process recovers the same world from the log (as from @orrery/sqlite), then changes it.
    const durable = { ...log, recover: () => ({ snapshot: null, entries: [...log.all] }) }
    const second = createServer({ module: createTestModule(), logger: false, autoStart: false, commitLog: durable, authenticator: createAnonymousAuthenticator({ secret }) })
    servers.push(second)
    const { port } = await second.listen()
    expect(second.seq).toBe(log.all.length)
    second.call('move', { e: a, dx: 5 })
    second.call('remove', { e: b })
    proxy.setTarget(port)
    proxy.refuse(false)
    await eventually(second, () => reconnects.length > 0)
    expect(reconnects).toEqual([false])
    expect(changes.inserted).toEqual([])
    expect(changes.deleted).toEqual([b])
    expect(changes.updated).toContain(a)
    expect(client.db.Position.get(c)).toBeDefined()
    expect(dump(client.replica.world, [Position, Tag])).toEqual(dump(second.world, [Position, Tag]))
  })
})

describe('half-open sockets', () => {
  it('the client finds a silent socket, replaces it and resumes; the server closes the old one', async () => {
    const { server, url } = await startServer({ heartbeat: { pingIntervalMs: 0 } })
    servers.push(server)
    const proxy = await createFaultProxy({ targetPort: Number(new URL(url).port) })
    proxies.push(proxy)
    const client = await stepUntil(
      server,
      connect({
        url: `ws://127.0.0.1:${proxy.port}`,
        components,
        reducers: reducerSchemas,
        pingIntervalMs: 20,
        heartbeatTimeoutMs: 300,
        reconnect: { initialDelayMs: 5, maxDelayMs: 20 },
      }),
    )
    clients.push(client)
    const reconnects: boolean[] = []
    client.onReconnect(({ resumed }) => reconnects.push(resumed))
    const e = (await stepUntil(server, client.reducers.spawn({ x: 1, y: 1 }))) as Entity
    proxy.blackholeAll()
    server.call('move', { e, dx: 1 })
    await eventually(server, () => reconnects.length > 0)
    // Every reconnect resumed (a loaded machine may stall a Pong long enough for a second one).
    expect(reconnects.every((resumed) => resumed)).toBe(true)
    await eventually(server, () => client.replica.seq === server.seq)
    expect(dump(client.replica.world, [Position, Tag])).toEqual(dump(server.world, [Position, Tag]))
    expect(server.metrics().clients).toBe(1)
    expect(server.metrics().resume.resumed).toBe(reconnects.length)
  })

  it('the server closes a connection it hears nothing from with IdleTimeout and keeps its session for a resume', async () => {
    const hooks: HookLog = { connected: [], disconnected: [] }
    const { server, url } = await startServer({ heartbeat: { pingIntervalMs: 20, idleTimeoutMs: 100 } }, hooks)
    servers.push(server)
    const proxy = await createFaultProxy({ targetPort: Number(new URL(url).port) })
    proxies.push(proxy)
    const client = await stepUntil(
      server,
      connect({ url: `ws://127.0.0.1:${proxy.port}`, components, reducers: reducerSchemas, pingIntervalMs: 0, reconnect: { initialDelayMs: 5, maxDelayMs: 20, breakerThreshold: 1_000 } }),
    )
    clients.push(client)
    proxy.blackholeAll()
    await eventually(null, () => server.metrics().resume.detachedSessions === 1)
    expect(server.metrics().clients).toBe(0)
    expect(hooks.disconnected).toHaveLength(0)
    proxy.cutAll()
  })
})

describe('bad networks', () => {
  it('a flapping network: many cuts in a row, calls in flight, and the replica still ends equal with every call applied once', async () => {
    const { server, proxy, client } = await setup()
    const a = (await stepUntil(server, client.reducers.spawn({ x: 0, y: 0 }))) as Entity
    const reconnects: boolean[] = []
    client.onReconnect(({ resumed }) => reconnects.push(resumed))
    const calls: Promise<unknown>[] = []
    for (let flap = 0; flap < 6; flap++) {
      calls.push(client.reducers.move({ e: a, dx: 1 }).catch((error: unknown) => error))
      server.call('spawn', { x: flap, y: flap })
      server.step()
      proxy.cutAll()
      await eventually(server, () => reconnects.length > flap)
    }
    const results = await stepUntil(server, Promise.all(calls))
    // Each call was answered (the session resumed every time), and each ran exactly once.
    expect(results.every((r) => typeof r === 'number')).toBe(true)
    expect(server.world.read(a, Position, 'x')).toBe(6)
    expect(reconnects.every((resumed) => resumed)).toBe(true)
    await eventually(server, () => client.replica.seq === server.seq)
    expect(dump(client.replica.world, [Position, Tag])).toEqual(dump(server.world, [Position, Tag]))
  })

  it('a server that refuses with a do-not-retry code leaves the client failed, with no second connect', async () => {
    const { server, url } = await startServer({
      authenticator: {
        methods: ['anonymous'],
        authenticate: () => {
          throw new Error('no entry')
        },
        issueToken: () => 'never',
      },
    })
    servers.push(server)
    const proxy = await createFaultProxy({ targetPort: Number(new URL(url).port) })
    proxies.push(proxy)
    const attempt = connect({ url: `ws://127.0.0.1:${proxy.port}`, components, reducers: reducerSchemas, reconnect: { initialDelayMs: 1, maxDelayMs: 1 } })
    await expect(stepUntil(server, attempt)).rejects.toMatchObject({ code: 'ERR_CONNECT_FAILED' })
    // 'failed' is terminal: no timer is left that could connect again.
    expect(proxy.accepted).toBe(1)
  })
})

describe('a token answer behind Hello', () => {
  it('is taken once the Challenge is out: a reconnect with a token costs one round trip less', async () => {
    const { server, url } = await startServer()
    servers.push(server)
    const first = await RawClient.open(url)
    const welcome = await first.handshake()
    await first.close()
    const second = await RawClient.open(url)
    second.send({ type: 'Hello', protocolVersion: PROTOCOL_VERSION, token: welcome.token, resume: null })
    second.send({ type: 'Authenticate', method: 'token', credential: welcome.token })
    expect((await second.next('Welcome')).identity).toBe(welcome.identity)
    expect(second.messages.map((m) => m.type)).toEqual(['Challenge', 'Welcome'])
    await second.close()
  })

  it('is refused like a stale token by a server that takes no tokens', async () => {
    const { server, url } = await startServer({
      authenticator: { methods: ['anonymous'], authenticate: () => ({ identity: 'x', token: 't' }), issueToken: () => 't' },
    })
    servers.push(server)
    const raw = await RawClient.open(url)
    raw.send({ type: 'Hello', protocolVersion: PROTOCOL_VERSION, token: 't', resume: null })
    raw.send({ type: 'Authenticate', method: 'token', credential: 't' })
    expect((await raw.closed).code).toBe(CloseCode.TokenRefused)
  })
})
