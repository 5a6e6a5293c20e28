import { defineComponent, type Entity } from '@orrery/ecs'
import type { Area } from '@orrery/protocol'
import { afterEach, describe, expect, it } from 'vitest'
import { connect } from './client.js'
import { ClientError } from './client-error.js'
import { ScriptedServer, type ScriptedSession, transactionUpdate as update } from './test-utils/scripted-server.js'

/** A run's head: count · 2^fields + mask (docs/protocol.md §7). */
const run = (mask: number, count: number, fields: number): number => count * 2 ** fields + mask

const Body = defineComponent('Body', { x: 'f64', y: 'f64' })
const Tag = defineComponent('Tag', { label: 'string' })
const components = { Body, Tag }
const reducers = { move: { dx: 'f64' } } as const

const servers: ScriptedServer[] = []
const cleanups: (() => Promise<void>)[] = []

afterEach(async () => {
  for (const c of cleanups.splice(0)) await c()
  await Promise.all(servers.splice(0).map((s) => s.close()))
})

/** Entities the scripted server binds: handle `h` of the first session names entity `E(h)`. */
const E = (h: number): Entity => (1000 + h) as Entity

/**
 * Connects; the server answers the initial Subscribe with an update binding handle 1 to E(1) and inserting
 * Body (10, 20) (prevSeq 0 = Welcome's seq, seq 5), then SubscribeApplied at seq 5.
 */
async function setup(subscribe: readonly string[] | 'all' = ['Body'], extra: { onTokenChange?: (t: string) => void } = {}) {
  const server = await ScriptedServer.start([Body, Tag])
  servers.push(server)
  const connecting = connect({
    url: server.url,
    components,
    reducers,
    subscribe,
    reconnect: { initialDelayMs: 5, maxDelayMs: 20 },
    pingIntervalMs: 20,
    ...extra,
  })
  const session = await server.session(0)
  const sub = await session.next('Subscribe')
  session.send(update(0, 5, [{ tableId: 0, inserts: [1, 10, 20], updates: [], deletes: [] }], { binds: [1, E(1)] }), {
    type: 'SubscribeApplied',
    requestId: sub.requestId,
    queryId: sub.queryId,
    seq: 5,
  })
  const client = await connecting
  cleanups.push(() => client.disconnect())
  return { server, session, client, sub }
}

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !check(); i++) await new Promise((r) => setTimeout(r, 2))
  expect(check()).toBe(true)
}

describe('connect', () => {
  it('resolves after the initial snapshot, with identity, token and typed tables', async () => {
    const tokens: string[] = []
    const { client, sub } = await setup(['Body'], { onTokenChange: (t) => tokens.push(t) })
    expect(sub.components).toEqual(['Body'])
    expect(client.identity).toBe('id-1')
    expect(client.token).toBe('token-1')
    expect(tokens).toEqual(['token-1'])
    expect(sub.area).toBeNull()
    expect(client.db.Body.get(E(1))).toEqual({ x: 10, y: 20 })
    expect(client.db.Body.count()).toBe(1)
    expect(client.stats().seq).toBe(5)
    expect(client.replica.tick).toBe(101)
    expect(client.replica.serverTime).toBe(1_000_050)
  })

  it("subscribes to every component with subscribe: 'all'", async () => {
    const server = await ScriptedServer.start([Body, Tag])
    servers.push(server)
    const connecting = connect({ url: server.url, components: [Body, Tag], reducers })
    const session = await server.session(0)
    const sub = await session.next('Subscribe')
    expect(sub.components).toEqual(['Body', 'Tag'])
    expect(sub.area).toBeNull()
    session.send({ type: 'SubscribeApplied', requestId: sub.requestId, queryId: sub.queryId, seq: 0 })
    const client = await connecting
    cleanups.push(() => client.disconnect())
    expect(client.db.Body.count() + client.db.Tag.count()).toBe(0)
    expect(client.stats().seq).toBe(0)
  })

  it('subscribes with an area and moves it with setArea (SetArea for area subscriptions only)', async () => {
    const server = await ScriptedServer.start([Body, Tag], { welcomeSeq: 3 })
    servers.push(server)
    const view: Area = { minX: 0, minY: 0, maxX: 160, maxY: 100, margin: 20 }
    const connecting = connect({ url: server.url, components, reducers, subscribe: [{ components: ['Body'], area: view }], pingIntervalMs: 20 })
    const session = await server.session(0)
    const sub = await session.next('Subscribe')
    expect(sub).toMatchObject({ components: ['Body'], area: view })
    session.send({ type: 'SubscribeApplied', requestId: sub.requestId, queryId: sub.queryId, seq: 3 })
    const client = await connecting
    cleanups.push(() => client.disconnect())
    const subscribing = client.subscribe(['Tag'])
    const whole = await session.next('Subscribe', 1)
    expect(whole.area).toBeNull()
    session.send({ type: 'SubscribeApplied', requestId: whole.requestId, queryId: whole.queryId, seq: 3 })
    const tags = await subscribing
    const moved: Area = { minX: 40, minY: -10, maxX: 200, maxY: 90, margin: 20 }
    client.setArea(moved)
    expect(await session.next('SetArea')).toEqual({ type: 'SetArea', queryId: sub.queryId, area: moved })
    tags.setArea(view)
    expect(tags.area).toBeNull()
    // Pings travel in order after any SetArea: the whole-table subscription sent none.
    const pinged = session.received.filter((m) => m.type === 'Ping').length
    await session.next('Ping', pinged)
    expect(session.received.filter((m) => m.type === 'SetArea')).toHaveLength(1)
  })

  it('rejects invalid options and refused handshakes with ClientError', async () => {
    await expect(connect({ url: 'ws://127.0.0.1:1', components: [Body, Body], reducers })).rejects.toMatchObject({ code: 'ERR_INVALID_OPTIONS' })
    await expect(connect({ url: 'ws://127.0.0.1:1', components, reducers, subscribe: ['Nope'] })).rejects.toMatchObject({ code: 'ERR_INVALID_OPTIONS' })
    await expect(connect({ url: 'ws://127.0.0.1:1', components: { Wrong: Body }, reducers })).rejects.toMatchObject({ code: 'ERR_INVALID_OPTIONS' })
    const refusing = await ScriptedServer.start([Body, Tag], { refuse: true })
    servers.push(refusing)
    const error = await connect({ url: refusing.url, components, reducers }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ClientError)
    expect(error).toMatchObject({ code: 'ERR_CONNECT_FAILED' })
  })
})

describe('keeping the replica in server order', () => {
  it('applies updates sent before and after a SubscribeApplied in one read, chained by prevSeq, without a gap', async () => {
    const { client, session, server } = await setup()
    const errors: ClientError[] = []
    client.onError((error) => errors.push(error))
    const subscribing = client.subscribe(['Tag'])
    const sub = await session.next('Subscribe', 1)
    session.send(
      update(5, 6, [{ tableId: 0, inserts: [], updates: [run(0b01, 1, 2), 1, 11], deletes: [] }]),
      // The new subscription's rows come as inserts, for the bound handle, before its SubscribeApplied.
      update(6, 9, [{ tableId: 1, inserts: [1, 'a'], updates: [], deletes: [] }]),
      { type: 'SubscribeApplied', requestId: sub.requestId, queryId: sub.queryId, seq: 9 },
      update(9, 10, [
        { tableId: 0, inserts: [], updates: [run(0b10, 1, 2), 1, 21], deletes: [] },
        { tableId: 1, inserts: [], updates: [run(0b1, 1, 1), 1, 'b'], deletes: [] },
      ]),
    )
    await subscribing
    await until(() => client.stats().seq === 10)
    expect(client.db.Body.get(E(1))).toEqual({ x: 11, y: 21 })
    expect(client.db.Tag.get(E(1))).toEqual({ label: 'b' })
    expect(session.received.filter((m) => m.type === 'Subscribe')).toHaveLength(2)
    expect(errors).toEqual([])
    expect(server.sessions).toHaveLength(1)
  })

  it('on a gap (prevSeq is not the last seq) reconnects, re-subscribes and deletes the stale rows not sent again', async () => {
    const { client, session, sub, server } = await setup()
    const errors: ClientError[] = []
    client.onError((error) => errors.push(error))
    session.send(update(5, 6, [{ tableId: 0, inserts: [2, 1, 1], updates: [], deletes: [] }], { binds: [2, E(2)] }))
    await until(() => client.db.Body.count() === 2)
    const log: string[] = []
    client.db.Body.onInsert((e) => log.push(`+${e}`))
    client.db.Body.onDelete((e) => log.push(`-${e}`))
    client.db.Body.onUpdate((e, row) => log.push(`~${e}:${row.x}`))
    // seq 7 went missing: this update chains to 7, not to the replica's 6.
    session.send(update(7, 8, [{ tableId: 0, inserts: [3, 1, 1], updates: [], deletes: [] }], { binds: [3, E(3)] }))
    const second = await server.session(1)
    const again = await second.next('Subscribe')
    expect(errors.map((e) => e.code)).toEqual(['ERR_SYNC_FAILED'])
    expect(again).toMatchObject({ queryId: sub.queryId, components: ['Body'] })
    // Refused whole: nothing of the gapped update was applied, and the stale rows stay until the resync ends.
    expect(client.db.Body.has(E(3))).toBe(false)
    expect(client.db.Body.count()).toBe(2)
    // The new session binds its own handles: E(1) comes again (x 12) under handle 7; E(2) does not come again.
    second.send(update(0, 4, [{ tableId: 0, inserts: [7, 12, 20], updates: [], deletes: [] }], { binds: [7, E(1)] }), {
      type: 'SubscribeApplied',
      requestId: again.requestId,
      queryId: again.queryId,
      seq: 4,
    })
    await until(() => client.db.Body.count() === 1)
    expect(client.db.Body.get(E(1))).toEqual({ x: 12, y: 20 })
    expect(log.sort()).toEqual([`-${E(2)}`, `~${E(1)}:12`])
    expect(client.stats().seq).toBe(4)
    second.send(update(4, 5, [{ tableId: 0, inserts: [], updates: [], deletes: [7] }], { releases: [7] }))
    await until(() => client.db.Body.count() === 0)
    expect(server.sessions).toHaveLength(2)
  })

  it('treats a SubscribeApplied ahead of the applied updates as a gap and reconnects', async () => {
    const { client, session, server } = await setup()
    const errors: ClientError[] = []
    client.onError((error) => errors.push(error))
    const subscribing = client.subscribe(['Tag'])
    const sub = await session.next('Subscribe', 1)
    // The updates up to seq 9 never came: the replica is at 5.
    session.send({ type: 'SubscribeApplied', requestId: sub.requestId, queryId: sub.queryId, seq: 9 })
    await subscribing
    const second = await server.session(1)
    expect(errors.map((e) => e.message)).toEqual(['gap: expected seq 5, got 9; reconnecting'])
    expect((await second.next('Subscribe', 1)).components.length).toBeGreaterThan(0)
  })

  it('delivers events of applied updates to onEvent', async () => {
    const { client, session } = await setup()
    const events: [string, unknown][] = []
    const off = client.onEvent((name, payload) => events.push([name, payload]))
    session.send(update(5, 6, [], { events: [{ name: 'boom', payload: { at: 1 } }] }))
    await until(() => events.length === 1)
    expect(events).toEqual([['boom', { at: 1 }]])
    off()
  })
})

describe('failures nobody awaits', () => {
  it('reports a throwing row listener through onError and keeps applying', async () => {
    const { client, session } = await setup()
    const errors: ClientError[] = []
    client.onError((error) => errors.push(error))
    client.db.Body.onUpdate(() => {
      throw new Error('listener bug')
    })
    session.send(update(5, 6, [{ tableId: 0, inserts: [], updates: [run(0b01, 1, 2), 1, 2], deletes: [] }]))
    await until(() => errors.length === 1)
    expect(errors[0]).toMatchObject({ code: 'ERR_SYNC_FAILED' })
    expect(client.stats().seq).toBe(6)
    expect(client.db.Body.get(E(1))?.x).toBe(2)
    session.send(update(6, 7, [{ tableId: 0, inserts: [4, 1, 1], updates: [], deletes: [] }], { binds: [4, E(4)] }))
    await until(() => client.db.Body.has(E(4)))
    expect(session.received.filter((m) => m.type === 'Subscribe')).toHaveLength(1)
  })

  it('reports a refused update, keeps the replica as it was and re-syncs over a fresh session', async () => {
    const { client, session, server } = await setup()
    const errors: ClientError[] = []
    client.onError((error) => errors.push(error))
    // A valid Body update followed by a table that does not exist: refused whole.
    session.send(
      update(5, 6, [
        { tableId: 0, inserts: [], updates: [run(0b01, 1, 2), 1, 99], deletes: [] },
        { tableId: 9, inserts: [1], updates: [], deletes: [] },
      ]),
    )
    const second = await server.session(1)
    const again = await second.next('Subscribe')
    expect(errors.map((e) => e.code)).toEqual(['ERR_SYNC_FAILED'])
    // Nothing of it was applied: the row (stale now, kept until the resync ends) still has x 10.
    expect(client.db.Body.get(E(1))).toEqual({ x: 10, y: 20 })
    second.send(update(0, 6, [{ tableId: 0, inserts: [1, 3, 3], updates: [], deletes: [] }], { binds: [1, E(1)] }), {
      type: 'SubscribeApplied',
      requestId: again.requestId,
      queryId: again.queryId,
      seq: 6,
    })
    await until(() => client.db.Body.get(E(1))?.x === 3)
    expect(client.db.Body.get(E(1))).toEqual({ x: 3, y: 3 })
    expect(client.stats().seq).toBe(6)
  })

  it('refuses to connect when the server schema does not match the components', async () => {
    const server = await ScriptedServer.start([defineComponent('Body', { x: 'f32' }), Tag])
    servers.push(server)
    await expect(connect({ url: server.url, components, reducers })).rejects.toMatchObject({
      code: 'ERR_CONNECT_FAILED',
      cause: expect.objectContaining({ code: 'ERR_SCHEMA_MISMATCH' }),
    })
  })
})

describe('reconnect', () => {
  it('reconnects with the token, re-subscribes, and deletes the rows the new session does not send again', async () => {
    const tokens: string[] = []
    const { server, session, client } = await setup(['Body'], { onTokenChange: (t) => tokens.push(t) })
    const deleted: number[] = []
    const inserted: number[] = []
    client.db.Body.onDelete((e) => deleted.push(e))
    client.db.Body.onInsert((e) => inserted.push(e))
    session.ws.close(1001, 'going away')
    const second: ScriptedSession = await server.session(1)
    const hello = await second.next('Hello')
    expect(hello.token).toBe('token-1')
    const sub = await second.next('Subscribe')
    expect(sub.components).toEqual(['Body'])
    // The stale row stays readable while the re-subscription is pending.
    expect(client.db.Body.get(E(1))).toEqual({ x: 10, y: 20 })
    // Handle 1 of the new session names another entity than handle 1 of the first.
    second.send(update(0, 1, [{ tableId: 0, inserts: [1, 5, 5], updates: [], deletes: [] }], { binds: [1, E(2)] }), {
      type: 'SubscribeApplied',
      requestId: sub.requestId,
      queryId: sub.queryId,
      seq: 1,
    })
    await until(() => deleted.length === 1)
    expect(client.db.Body.get(E(2))).toEqual({ x: 5, y: 5 })
    expect(client.db.Body.has(E(1))).toBe(false)
    expect(client.db.Body.count()).toBe(1)
    expect(deleted).toEqual([E(1)])
    expect(inserted).toEqual([E(2)])
    expect(tokens).toEqual(['token-1', 'token-2'])
    expect(client.token).toBe('token-2')
    second.send(update(1, 2, [{ tableId: 0, inserts: [], updates: [run(0b01, 1, 2), 1, 6], deletes: [] }]))
    await until(() => client.db.Body.get(E(2))?.x === 6)
  })
})

describe('requests', () => {
  it('maps a refused subscription to ERR_SUBSCRIBE_FAILED with the remote code', async () => {
    const { client, session } = await setup()
    const subscribing = client.subscribe(['Tag'])
    const sub = await session.next('Subscribe', 1)
    session.send({ type: 'Error', code: 'ERR_TOO_MANY_SUBSCRIPTIONS', message: 'at most 1', requestId: sub.requestId })
    await expect(subscribing).rejects.toMatchObject({ code: 'ERR_SUBSCRIBE_FAILED', remoteCode: 'ERR_TOO_MANY_SUBSCRIPTIONS' })
  })

  it('sends reducer calls positionally and resolves the result; rejects failures with ClientError', async () => {
    const { client, session } = await setup()
    const call = client.reducers.move({ dx: 2.5 })
    const sent = await session.next('CallReducer')
    expect(sent).toMatchObject({ reducer: 'move', args: [2.5] })
    session.send({ type: 'ReducerResult', requestId: sent.requestId, ok: true, value: 'moved' })
    await expect(call).resolves.toBe('moved')
    const failing = client.reducers.move({ dx: 1 })
    const sent2 = await session.next('CallReducer', 1)
    session.send({ type: 'ReducerResult', requestId: sent2.requestId, ok: false, code: 'ERR_REDUCER_FAILED', message: 'wall' })
    await expect(failing).rejects.toMatchObject({ code: 'ERR_REDUCER_FAILED', remoteCode: 'ERR_REDUCER_FAILED', message: 'wall' })
  })

  it('a call resolves after the update that holds its effects, whose ack names the call (replica.ack)', async () => {
    const { client, session } = await setup()
    const acks: number[] = []
    client.replica.onAck((ack) => acks.push(ack))
    expect(client.replica.ack).toBeNull()
    let x: number | undefined
    const call = client.reducers.move({ dx: 2 }).then((value) => {
      x = client.db.Body.get(E(1))?.x
      return value
    })
    const sent = await session.next('CallReducer')
    session.send(update(5, 6, [{ tableId: 0, inserts: [], updates: [run(0b01, 1, 2), 1, 12], deletes: [] }], { ack: sent.requestId }), {
      type: 'ReducerResult',
      requestId: sent.requestId,
      ok: true,
      value: null,
    })
    await expect(call).resolves.toBeNull()
    expect(x).toBe(12)
    expect(client.replica.ack).toBe(sent.requestId)
    expect(acks).toEqual([sent.requestId])
  })

  it('refreshes the token and reports stats', async () => {
    const tokens: string[] = []
    const { client, session } = await setup(['Body'], { onTokenChange: (t) => tokens.push(t) })
    const refreshing = client.refreshToken()
    const req = await session.next('RefreshToken')
    session.send({ type: 'TokenRefreshed', requestId: req.requestId, token: 'fresh' })
    await expect(refreshing).resolves.toBe('fresh')
    expect(tokens.at(-1)).toBe('fresh')
    await until(() => client.stats().rttMs !== null)
    const stats = client.stats()
    expect(stats.bytesReceivedPerSec).toBeGreaterThan(0)
    expect(stats.bytesSentPerSec).toBeGreaterThan(0)
  })
})
