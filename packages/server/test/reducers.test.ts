import { afterEach, describe, expect, it } from 'vitest'
import { MODULE_IDENTITY, type OrreryServer, ServerError } from '../src/index.js'
import { dump, eventually, type HookLog, Position, RawClient, startServer, stepUntil, Tag } from './helpers.js'

let server: OrreryServer | undefined
const raws: RawClient[] = []

afterEach(async () => {
  await Promise.all(raws.splice(0).map((r) => r.close()))
  await server?.close()
  server = undefined
})

async function setup(hooks?: HookLog) {
  const started = await startServer({}, hooks)
  server = started.server
  const raw = await RawClient.open(started.url)
  raws.push(raw)
  return { server: started.server, raw, url: started.url }
}

describe('handshake', () => {
  it('answers Hello with a 32-byte Challenge and Authenticate with Welcome (identity, token, tickRate, schema, seq)', async () => {
    const hooks: HookLog = { connected: [], disconnected: [] }
    const { raw, server } = await setup(hooks)
    const welcome = await raw.handshake()
    const challenge = raw.messages.find((m) => m.type === 'Challenge')
    expect(challenge?.type === 'Challenge' && challenge.nonce.byteLength).toBe(32)
    expect(welcome.identity).toMatch(/^[0-9a-f]{64}$/)
    expect(welcome.token.startsWith(`${welcome.identity}.`)).toBe(true)
    expect(welcome.tickRate).toBe(20)
    expect(welcome.seq).toBe(0)
    expect(welcome.resumed).toBe(false)
    expect(welcome.schema.components.map((c) => c[0])).toEqual(['Position', 'Tag'])
    expect(welcome.schema.reducers.map((r) => r[0])).toEqual(['spawn', 'move', 'remove', 'spawnThenFail', 'label'])
    expect(hooks.connected).toEqual([welcome.identity])
    expect(server.metrics().clients).toBe(1)
  })

  it('gives two handshakes with the same token the same identity', async () => {
    const { raw, url } = await setup()
    const first = await raw.handshake()
    await raw.close()
    const again = await RawClient.open(url)
    raws.push(again)
    const second = await again.handshake(first.token)
    expect(second.identity).toBe(first.identity)
  })
})

describe('reducer calls', () => {
  it('returns the reducer result and commits its writes', async () => {
    const { raw, server } = await setup()
    const welcome = await raw.handshake()
    raw.send({ type: 'CallReducer', requestId: 1, reducer: 'spawn', args: [3, 4] })
    // The call commits as it arrives (before any tick, so no system has touched its rows yet)...
    await eventually(null, () => server.world.count(Position) === 1)
    const [e] = server.world.query([Position]).toArray()
    expect(server.world.get(e as never, Position)).toEqual({ x: 3, y: 4 })
    expect(server.world.get(e as never, Tag)).toEqual({ owner: welcome.identity, label: '' })
    expect(raw.messages.some((m) => m.type === 'ReducerResult')).toBe(false)
    // ...and its result follows the next tick flush.
    const result = await stepUntil(server, raw.next('ReducerResult'))
    expect(result).toMatchObject({ requestId: 1, ok: true, value: e })
    expect(server.seq).toBe(1)
  })

  it('sends the ReducerResult right after the update that holds its effects, which acks the call', async () => {
    const { raw, server } = await setup()
    await raw.handshake()
    raw.send({ type: 'Subscribe', requestId: 1, queryId: 1, components: ['Position', 'Tag'], area: null })
    await stepUntil(server, raw.next('SubscribeApplied'))
    raw.send({ type: 'CallReducer', requestId: 2, reducer: 'spawn', args: [3, 4] })
    // The call runs as it arrives, but its result waits for the next tick flush.
    await eventually(null, () => server.world.count(Position) === 1)
    const at = raw.messages.length
    const tickBefore = server.tick
    const result = await stepUntil(server, raw.next('ReducerResult', at))
    expect(server.tick).toBe(tickBefore + 1)
    expect(result).toMatchObject({ requestId: 2, ok: true })
    const after = raw.messages.slice(at)
    const resultAt = after.indexOf(result)
    const update = after[resultAt - 1]
    expect(update?.type).toBe('TransactionUpdate')
    if (update?.type !== 'TransactionUpdate') return
    expect(update.ack).toBe(2)
    const position = update.tables.find((t) => t.tableId === 0)
    expect(position?.inserts.length).toBeGreaterThan(0)
    expect(update.binds).toEqual([expect.any(Number), (result as { value: number }).value])
  })

  it('rolls back a throwing reducer (world, rng and seq unchanged) and answers ERR_REDUCER_FAILED', async () => {
    const { raw, server } = await setup()
    await raw.handshake()
    raw.send({ type: 'CallReducer', requestId: 1, reducer: 'spawn', args: [1, 1] })
    await stepUntil(server, raw.next('ReducerResult'))
    const before = dump(server.world, [Position, Tag])
    const rngBefore = server.world.rng.getState()
    const seqBefore = server.seq
    raw.send({ type: 'CallReducer', requestId: 2, reducer: 'spawnThenFail', args: [9] })
    const result = await stepUntil(server, raw.next('ReducerResult', raw.messages.length))
    expect(result).toEqual({ type: 'ReducerResult', requestId: 2, ok: false, code: 'ERR_REDUCER_FAILED', message: 'spawnThenFail always fails' })
    expect(dump(server.world, [Position, Tag])).toEqual(before)
    expect(server.world.rng.getState()).toBe(rngBefore)
    expect(server.seq).toBe(seqBefore)
    // the session goes on
    raw.send({ type: 'CallReducer', requestId: 3, reducer: 'spawn', args: [2, 2] })
    expect(await stepUntil(server, raw.next('ReducerResult', raw.messages.length))).toMatchObject({ requestId: 3, ok: true })
  })

  it('answers ERR_UNKNOWN_REDUCER and ERR_INVALID_ARGUMENTS without closing', async () => {
    const { raw, server } = await setup()
    await raw.handshake()
    raw.send({ type: 'CallReducer', requestId: 1, reducer: 'nope', args: [] })
    expect(await stepUntil(server, raw.next('ReducerResult'))).toMatchObject({ requestId: 1, ok: false, code: 'ERR_UNKNOWN_REDUCER' })
    for (const [i, args] of [[['a', 1]], [[1]], [[1, 2, 3]], [[Number.NaN, 1]], [[true, 1]]].entries()) {
      const at = raw.messages.length
      raw.send({ type: 'CallReducer', requestId: 10 + i, reducer: 'spawn', args: args[0] as unknown[] })
      expect(await stepUntil(server, raw.next('ReducerResult', at))).toMatchObject({ requestId: 10 + i, ok: false, code: 'ERR_INVALID_ARGUMENTS' })
    }
    raw.send({ type: 'CallReducer', requestId: 99, reducer: 'constructor', args: [] })
    expect(await stepUntil(server, raw.next('ReducerResult', raw.messages.length))).toMatchObject({ requestId: 99, code: 'ERR_UNKNOWN_REDUCER' })
    expect(server.seq).toBe(0)
    expect(server.metrics().reducerErrors).toBe(7)
  })
})

describe('server.call', () => {
  it('runs a reducer in-process as MODULE_IDENTITY and maps failures to ServerError codes', async () => {
    const { server } = await setup()
    const e = server.call('spawn', { x: 5, y: 6 })
    expect(server.world.get(e as never, Tag)?.owner).toBe(MODULE_IDENTITY)
    expect(() => server.call('nope', {})).toThrow(expect.objectContaining({ code: 'ERR_UNKNOWN_REDUCER' }))
    expect(() => server.call('spawn', { x: 'a', y: 1 })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARGUMENTS' }))
    let caught: unknown
    try {
      server.call('spawnThenFail', { x: 1 })
    } catch (error) {
      caught = error
    }
    expect(caught).toBeInstanceOf(ServerError)
    expect(caught).toMatchObject({ code: 'ERR_REDUCER_FAILED', message: 'spawnThenFail always fails' })
    expect(server.world.count(Position)).toBe(1)
  })
})
