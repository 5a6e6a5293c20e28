import { defineComponent, type Entity } from '@orrery/ecs'
import type { TransactionUpdate } from '@orrery/protocol'
import { afterEach, describe, expect, it } from 'vitest'
import { connect } from './client.js'
import { ClientError } from './client-error.js'
import { ScriptedServer, type ScriptedSession } from './test-utils/scripted-server.js'

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
  session.send({ type: 'SubscribeApplied', requestId: sub.requestId, queryId: sub.queryId, seq: 5, tables: [{ tableId: 0, rows: [1, 10, 20] }] })
  const client = await connecting
  cleanups.push(() => client.disconnect())
  return { server, session, client, sub }
}

const update = (prevSeq: number, seq: number, tables: TransactionUpdate['tables'], events: TransactionUpdate['events'] = []): TransactionUpdate => ({
  type: 'TransactionUpdate',
  prevSeq,
  seq,
  tick: seq,
  serverTime: 0,
  tables,
  events,
})

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
    expect(client.db.Body.get(1 as Entity)).toEqual({ x: 10, y: 20 })
    expect(client.stats().seq).toBe(5)
  })

  it("subscribes to every component with subscribe: 'all'", async () => {
    const server = await ScriptedServer.start([Body, Tag])
    servers.push(server)
    const connecting = connect({ url: server.url, components: [Body, Tag], reducers })
    const session = await server.session(0)
    const sub = await session.next('Subscribe')
    expect(sub.components).toEqual(['Body', 'Tag'])
    session.send({ type: 'SubscribeApplied', requestId: sub.requestId, queryId: sub.queryId, seq: 0, tables: [] })
    const client = await connecting
    cleanups.push(() => client.disconnect())
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
  it('applies updates sent before and after a second snapshot in one read, in seq order, without a gap', async () => {
    const { client, session } = await setup()
    const subscribing = client.subscribe(['Tag'])
    const sub = await session.next('Subscribe', 1)
    session.send(
      update(5, 6, [{ tableId: 0, inserts: [], updates: [1, 0b01, 11], deletes: [] }]),
      { type: 'SubscribeApplied', requestId: sub.requestId, queryId: sub.queryId, seq: 6, tables: [{ tableId: 1, rows: [1, 'a'] }] },
      update(6, 7, [
        { tableId: 0, inserts: [], updates: [1, 0b10, 21], deletes: [] },
        { tableId: 1, inserts: [], updates: [1, 0b1, 'b'], deletes: [] },
      ]),
    )
    await subscribing
    await until(() => client.stats().seq === 7)
    expect(client.db.Body.get(1 as Entity)).toEqual({ x: 11, y: 21 })
    expect(client.db.Tag.get(1 as Entity)).toEqual({ label: 'b' })
    expect(session.received.filter((m) => m.type === 'Subscribe')).toHaveLength(2)
  })

  it('re-subscribes after a gap and the fresh snapshot replaces the table, firing the differences', async () => {
    const { client, session, sub } = await setup()
    const log: string[] = []
    client.db.Body.onInsert((e) => log.push(`+${e}`))
    client.db.Body.onDelete((e) => log.push(`-${e}`))
    client.db.Body.onUpdate((e, row) => log.push(`~${e}:${row.x}`))
    session.send(update(9, 10, [{ tableId: 0, inserts: [2, 1, 1], updates: [], deletes: [] }]))
    const again = await session.next('Subscribe', 1)
    expect(again.queryId).toBe(sub.queryId)
    expect(client.db.Body.get(2 as Entity)).toBeUndefined()
    session.send({
      type: 'SubscribeApplied',
      requestId: again.requestId,
      queryId: again.queryId,
      seq: 10,
      tables: [{ tableId: 0, rows: [1, 12, 20, 3, 0, 0] }],
    })
    await until(() => client.stats().seq === 10)
    expect(log.sort()).toEqual(['+3', '~1:12'])
    session.send(update(10, 11, [{ tableId: 0, inserts: [], updates: [], deletes: [3] }]))
    await until(() => client.db.Body.count() === 1)
  })

  it('delivers events of applied updates to onEvent', async () => {
    const { client, session } = await setup()
    const events: [string, unknown][] = []
    const off = client.onEvent((name, payload) => events.push([name, payload]))
    session.send(update(5, 6, [], [{ name: 'boom', payload: { at: 1 } }]))
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
    session.send(update(5, 6, [{ tableId: 0, inserts: [], updates: [1, 0b01, 2], deletes: [] }]))
    await until(() => errors.length === 1)
    expect(errors[0]).toMatchObject({ code: 'ERR_SYNC_FAILED' })
    expect(client.stats().seq).toBe(6)
    session.send(update(6, 7, [{ tableId: 0, inserts: [4, 1, 1], updates: [], deletes: [] }]))
    await until(() => client.db.Body.has(4 as Entity))
    expect(session.received.filter((m) => m.type === 'Subscribe')).toHaveLength(1)
  })

  it('reports a malformed update and re-syncs from a fresh snapshot', async () => {
    const { client, session } = await setup()
    const errors: ClientError[] = []
    client.onError((error) => errors.push(error))
    session.send(update(5, 6, [{ tableId: 9, inserts: [1], updates: [], deletes: [] }]))
    const again = await session.next('Subscribe', 1)
    expect(errors.map((e) => e.code)).toEqual(['ERR_SYNC_FAILED'])
    session.send({ type: 'SubscribeApplied', requestId: again.requestId, queryId: again.queryId, seq: 6, tables: [{ tableId: 0, rows: [1, 3, 3] }] })
    await until(() => client.stats().seq === 6)
    expect(client.db.Body.get(1 as Entity)).toEqual({ x: 3, y: 3 })
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
  it('reconnects with the token, re-subscribes, and the fresh snapshot replaces the tables', async () => {
    const tokens: string[] = []
    const { server, session, client } = await setup(['Body'], { onTokenChange: (t) => tokens.push(t) })
    const deleted: number[] = []
    client.db.Body.onDelete((e) => deleted.push(e))
    session.ws.close(1001, 'going away')
    const second: ScriptedSession = await server.session(1)
    const hello = await second.next('Hello')
    expect(hello.token).toBe('token-1')
    const sub = await second.next('Subscribe')
    expect(sub.components).toEqual(['Body'])
    // The new session's first update (before the snapshot) is stale for this replica and is skipped.
    second.send(
      update(0, 1, [{ tableId: 0, inserts: [7, 0, 0], updates: [], deletes: [] }]),
      { type: 'SubscribeApplied', requestId: sub.requestId, queryId: sub.queryId, seq: 1, tables: [{ tableId: 0, rows: [2, 5, 5] }] },
    )
    await until(() => client.db.Body.has(2 as Entity))
    expect(client.db.Body.has(1 as Entity)).toBe(false)
    expect(client.db.Body.count()).toBe(1)
    expect(deleted).toEqual([1])
    expect(tokens).toEqual(['token-1', 'token-2'])
    expect(client.token).toBe('token-2')
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
