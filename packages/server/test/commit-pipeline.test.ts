import { connect, type OrreryClient } from '@orrery/client'
import { createWorld, EcsError, type Entity } from '@orrery/ecs'
import fc from 'fast-check'
import { afterEach, describe, expect, it } from 'vitest'
import {
  type CommitEntry,
  type CommitLog,
  createMemoryCommitLog,
  MODULE_IDENTITY,
  type OrreryServer,
} from '../src/index.js'
import { replayInto, worldAt } from '../src/internal.js'
import { FakeClock } from '../src/test-utils/fake-clock.js'
import { components, dump, eventually, Position, RawClient, reducerSchemas, startServer, stepUntil, Tag, turn } from './helpers.js'

async function turns(n: number): Promise<void> {
  for (let i = 0; i < n; i++) await turn()
}

type TestClient = OrreryClient<typeof components, typeof reducerSchemas>

let server: OrreryServer | undefined
const clients: TestClient[] = []
const raws: RawClient[] = []

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.disconnect()))
  await Promise.all(raws.splice(0).map((c) => c.close()))
  await server?.close()
  server = undefined
})

const list = [Position, Tag]

describe('the commit pipeline', () => {
  it('a top-level world.transaction and server.mutate reach every client and the commit log', async () => {
    const log = createMemoryCommitLog()
    const started = await startServer({ commitLog: log })
    server = started.server
    const s = started.server
    for (let i = 0; i < 3; i++) clients.push(await stepUntil(s, connect({ url: started.url, components, reducers: reducerSchemas })))
    const { result: e } = s.world.transaction(() => {
      const e = s.world.create()
      s.world.add(e, Position, { x: 5, y: 6 })
      return e
    })
    s.mutate('admin: move', (world) => world.set(e, Position, 'x', 50))
    s.step()
    for (const client of clients) await eventually(s, () => client.db.Position.get(e)?.x === 50)
    const mine = log.all.filter((entry) => entry.originKind === 'server')
    expect(mine.map((entry) => [entry.origin, entry.caller])).toEqual([
      ['world.transaction', MODULE_IDENTITY],
      ['admin: move', MODULE_IDENTITY],
    ])
    expect(mine[0]?.tables[0]?.inserts).toEqual([e, 5, 6])
    expect(mine[1]?.tables[0]?.updates).toEqual([e, 0b01, 50])
  })

  it('a write outside a transaction throws; a nested transaction commits with its parent as one entry', async () => {
    const log = createMemoryCommitLog()
    const started = await startServer({ commitLog: log })
    server = started.server
    const s = started.server
    expect(() => s.world.create()).toThrow(EcsError)
    const before = s.seq
    s.mutate('outer', (world) => {
      const e = world.create()
      world.transaction(() => world.add(e, Position, { x: 1, y: 1 }))
    })
    expect(s.seq).toBe(before + 1)
    expect(log.all.at(-1)?.origin).toBe('outer')
  })

  it('every entry carries seq, tick, server time, origin and caller, for reducers, systems and hooks', async () => {
    const log = createMemoryCommitLog()
    const started = await startServer({ commitLog: log })
    server = started.server
    const s = started.server
    const raw = await RawClient.open(started.url)
    raws.push(raw)
    const welcome = await raw.handshake()
    s.call('spawn', { x: 1, y: 2 }, 'a'.repeat(64))
    s.step()
    s.step()
    const t0 = Date.now()
    raw.send({ type: 'CallReducer', requestId: 9, reducer: 'spawn', args: [3, 4] })
    await eventually(null, () => log.all.at(-1)?.caller === welcome.identity)
    const origins = log.all.map((entry) => `${entry.originKind}:${entry.origin}`)
    expect(origins).toEqual(['hook:onConnect', 'reducer:spawn', 'system:fall', 'reducer:spawn'].filter((o) => origins.includes(o)))
    expect(log.all.map((entry) => entry.seq)).toEqual(log.all.map((_, k) => k + 1))
    const last = log.all.at(-1) as CommitEntry
    expect(last).toMatchObject({ originKind: 'reducer', origin: 'spawn', caller: welcome.identity, tick: 2 })
    expect(last.time).toBeGreaterThanOrEqual(t0)
    expect(last.events.map((ev) => ev.name)).toEqual(['spawned'])
    const fall = log.all.find((entry) => entry.origin === 'fall')
    expect(fall).toMatchObject({ originKind: 'system', caller: MODULE_IDENTITY, tick: 2 })
    expect(s.history({ identity: welcome.identity }).map((entry) => entry.seq)).toEqual([last.seq])
    expect(s.history({ entity: last.tables[0]?.inserts[0] as number }).length).toBeGreaterThanOrEqual(1)
    // The result follows the next tick's update, which holds the call's effects.
    const result = await stepUntil(s, raw.next('ReducerResult'))
    expect(result).toMatchObject({ requestId: 9, ok: true, durable: false })
  })

  it('replaying the log into a fresh world gives the live world, and worldAt gives each past state', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.oneof(fc.constant(['step'] as const), fc.tuple(fc.constant('spawn' as const), fc.integer({ min: -9, max: 9 })), fc.tuple(fc.constant('move' as const), fc.nat(), fc.integer({ min: -3, max: 3 })), fc.tuple(fc.constant('remove' as const), fc.nat())), { maxLength: 40 }),
        async (ops) => {
          const log = createMemoryCommitLog()
          const started = await startServer({ commitLog: log })
          const s = started.server
          const states = new Map<number, unknown>()
          try {
            for (const op of ops) {
              const alive = s.world.query([Position]).toArray()
              if (op[0] === 'step') s.step()
              else if (op[0] === 'spawn') s.call('spawn', { x: op[1], y: 0 })
              else if (alive.length > 0 && op[0] === 'move') s.call('move', { e: alive[op[1] % alive.length] as Entity, dx: op[2] })
              else if (alive.length > 0 && op[0] === 'remove') s.call('remove', { e: alive[op[1] % alive.length] as Entity })
              states.set(s.seq, dump(s.world, list))
            }
            const fresh = replayInto(createWorld({ components: list, seed: 7 }), log.entries(1, s.seq), list)
            expect(dump(fresh, list)).toEqual(dump(s.world, list))
            expect(fresh.rng.getState()).toBe(s.world.rng.getState())
            for (const [seq, state] of states) expect(dump(worldAt(log, list, seq), list)).toEqual(state)
          } finally {
            await s.close()
          }
        },
      ),
      { numRuns: 15 },
    )
  })

  it('with a durable log, a reducer result waits for the group commit and says durable', async () => {
    const flushed: number[] = []
    const memory = createMemoryCommitLog()
    const durableLog: CommitLog = {
      durable: true,
      recover: () => null,
      append: (entry) => memory.append(entry),
      flush: () => {
        flushed.push(memory.all.length)
      },
      maintain: () => {},
      close: () => {},
    }
    const clock = new FakeClock()
    const started = await startServer({ commitLog: durableLog, clock, groupCommitMs: 5 })
    server = started.server
    const s = started.server
    const raw = await RawClient.open(started.url)
    raws.push(raw)
    await raw.handshake()
    const seen = raw.messages.length
    raw.send({ type: 'CallReducer', requestId: 1, reducer: 'spawn', args: [1, 1] })
    await eventually(null, () => s.seq > s.durableSeq)
    expect(raw.messages.slice(seen).some((m) => m.type === 'ReducerResult')).toBe(false)
    clock.advance(5)
    expect(s.durableSeq).toBe(s.seq)
    expect(flushed.at(-1)).toBe(memory.all.length)
    expect(s.metrics().groupCommitWaitMs.count).toBe(1)
    // Durable before the tick: the result still waits for the update that holds the call's effects.
    await turns(20)
    expect(raw.messages.slice(seen).some((m) => m.type === 'ReducerResult')).toBe(false)
    s.step()
    expect(await raw.next('ReducerResult', seen)).toMatchObject({ requestId: 1, ok: true, durable: true })
    const order = raw.messages.slice(seen).filter((m) => m.type === 'TransactionUpdate' || m.type === 'ReducerResult')
    expect(order.map((m) => m.type)).toEqual(['TransactionUpdate', 'ReducerResult'])
    expect(order[0]).toMatchObject({ ack: 1 })
  })

  it('with a background writer, a result whose update went out first is sent when its group commit is durable', async () => {
    const memory = createMemoryCommitLog()
    // Group commits complete when the test says so (while `hold`), as a worker thread's fsync would.
    const writes: (() => void)[] = []
    let hold = true
    const durableLog: CommitLog = {
      durable: true,
      recover: () => null,
      append: (entry) => memory.append(entry),
      flush: () => (hold ? new Promise<void>((resolve) => writes.push(resolve)) : Promise.resolve()),
      maintain: () => {},
      close: () => {},
    }
    const started = await startServer({ commitLog: durableLog })
    server = started.server
    const s = started.server
    const raw = await RawClient.open(started.url)
    raws.push(raw)
    await stepUntil(s, raw.handshake())
    for (const write of writes.splice(0)) write()
    const seen = raw.messages.length
    const before = s.seq
    raw.send({ type: 'CallReducer', requestId: 4, reducer: 'spawn', args: [2, 2] })
    await eventually(null, () => s.seq > before)
    s.step()
    const update = await raw.next('TransactionUpdate', seen)
    expect(update.ack).toBe(4)
    await turns(20)
    expect(raw.messages.slice(seen).some((m) => m.type === 'ReducerResult')).toBe(false)
    expect(s.durableSeq).toBeLessThan(s.seq)
    for (const write of writes.splice(0)) write()
    const result = await raw.next('ReducerResult', seen)
    expect(result).toMatchObject({ requestId: 4, ok: true, durable: true })
    expect(raw.messages.indexOf(result)).toBeGreaterThan(raw.messages.indexOf(update))
    expect(s.durableSeq).toBeGreaterThan(before)
    hold = false
    for (const write of writes.splice(0)) write()
  })
})

describe('the in-memory commit log', () => {
  it('keeps at most maxEntries, dropping the oldest tenth, and reads by seq', () => {
    const log = createMemoryCommitLog({ maxEntries: 10 })
    const entry = (seq: number): CommitEntry => ({
      seq,
      tick: 0,
      time: 0,
      originKind: 'server',
      origin: 'x',
      caller: MODULE_IDENTITY,
      tables: [],
      destroyed: [],
      events: [],
      rngState: 0,
    })
    for (let seq = 1; seq <= 25; seq++) log.append(entry(seq))
    expect(log.all.length).toBeLessThanOrEqual(10)
    const { first, last } = log.range()
    expect(last).toBe(25)
    expect(log.all[0]?.seq).toBe(first)
    expect([...log.entries(first + 1, first + 3)].map((e) => e.seq)).toEqual([first + 1, first + 2, first + 3])
    expect([...log.entries(1, first - 1)]).toEqual([])
  })

  it('keeps at most maxBytes of estimated entry sizes, dropping the oldest tenth', () => {
    const log = createMemoryCommitLog({ maxBytes: 20_000 })
    // Each entry: 100 updated values of one table (about 1 KB).
    const entry = (seq: number): CommitEntry => ({
      seq,
      tick: 0,
      time: 0,
      originKind: 'system',
      origin: 'move',
      caller: MODULE_IDENTITY,
      tables: [{ component: 'Position', fields: 2, inserts: [], updates: new Array<number>(100).fill(1), deletes: [] }],
      destroyed: [],
      events: [],
      rngState: 0,
    })
    for (let seq = 1; seq <= 200; seq++) log.append(entry(seq))
    const kept = log.all.length
    expect(kept).toBeGreaterThan(10)
    expect(kept * (160 + 96 + 800)).toBeLessThanOrEqual(20_000)
    expect(log.range().last).toBe(200)
    expect(log.all[0]?.seq).toBe(log.range().first)
  })
})

describe('after close', () => {
  it('the world takes no more transactions: ERR_CLOSED before anything changes', async () => {
    const started = await startServer()
    const s = started.server
    await s.close()
    const seq = s.seq
    expect(() => s.world.transaction(() => s.world.create())).toThrow(/closed/)
    expect(() => s.mutate('late', () => undefined)).toThrow(/closed/)
    expect(s.seq).toBe(seq)
    expect(s.world.entityCount).toBe(0)
  })
})
