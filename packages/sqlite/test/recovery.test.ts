import { type Component, captureWorld, createWorld, defineComponent } from '@orrery/ecs'
import { createServer, defineModule, ServerError } from '@orrery/server'
import { worldAt } from '@orrery/server/internal'
import Database from 'better-sqlite3'
import { afterEach, describe, expect, it } from 'vitest'
import { createSqliteCommitLog, LogStore } from '../src/index.js'
import { DATABASE_FILE } from '../src/internal.js'
import { all, Body, components, corruptEntry, dumpWorld, persistentServer, Player, play, tempDir, testModule, Timer } from './fixtures.js'
import { join } from 'node:path'

const cleanups: (() => void)[] = []
afterEach(() => {
  for (const c of cleanups.splice(0)) c()
})

function folder(): string {
  const t = tempDir()
  cleanups.push(t.cleanup)
  return t.dir
}

function sql(dir: string, statement: string): void {
  const db = new Database(join(dir, DATABASE_FILE))
  db.exec(statement)
  db.close()
}

describe('recovery from the SQLite commit log', () => {
  it('a restart brings back every row, the seq, the allocator with versions, the rng and the timers', async () => {
    const dir = folder()
    const a = persistentServer(dir, { snapshotEveryTransactions: 40, snapshotOnClose: false })
    play(a.server, 300, 1)
    const before = dumpWorld(a.server.world)
    const image = captureWorld(createWorld())
    expect(image.nextIndex).toBe(1)
    const seq = a.server.seq
    expect(a.server.world.count(Timer)).toBeGreaterThanOrEqual(0)
    await a.server.close()
    const b = persistentServer(dir)
    cleanups.push(() => void b.server.close())
    expect(b.server.recoveredSeq).toBe(seq)
    expect(b.server.seq).toBe(seq)
    expect(dumpWorld(b.server.world)).toEqual(before)
    expect(b.log.snapshots().length).toBeGreaterThan(0)
    // both worlds go on alike: same ids from the allocator, same random numbers
    const fresh = persistentServer(folder())
    play(fresh.server, 300, 1)
    play(fresh.server, 50, 2)
    play(b.server, 50, 2)
    expect(dumpWorld(b.server.world)).toEqual(dumpWorld(fresh.server.world))
    await fresh.server.close()
  })

  it('a graceful close writes a snapshot, so the next start replays nothing', async () => {
    const dir = folder()
    const a = persistentServer(dir)
    play(a.server, 100, 3)
    const before = dumpWorld(a.server.world)
    await a.server.close()
    const store = new LogStore(dir, { readonly: true })
    expect(store.snapshots()[0]?.seq).toBe(a.server.seq)
    // one snapshot of the two kept: nothing is pruned yet, the log still starts at seq 1
    expect(store.snapshots().length).toBe(1)
    expect(store.range()).toEqual({ first: 1, last: a.server.seq })
    store.close()
    const b = persistentServer(dir)
    expect(dumpWorld(b.server.world)).toEqual(before)
    await b.server.close()
  })

  it('a corrupt tail entry is cut at the last good entry, with a warning', async () => {
    const dir = folder()
    const a = persistentServer(dir, { snapshotOnClose: false, snapshotEveryTransactions: 1_000_000 })
    play(a.server, 120, 4)
    const seq = a.server.seq
    await a.server.close()
    corruptEntry(dir, seq - 2)
    const b = persistentServer(dir)
    expect(b.server.recoveredSeq).toBe(seq - 3)
    expect(b.warnings.join('\n')).toMatch(new RegExp(`entry ${seq - 2}: checksum mismatch; cut the log there \\(3 entries dropped`))
    const reader = new LogStore(dir, { readonly: true })
    expect(reader.range().last).toBe(seq - 3)
    reader.close()
    await b.server.close()
  })

  it('a corrupt snapshot falls back to the one before it and gives the same world', async () => {
    const dir = folder()
    const a = persistentServer(dir, { snapshotEveryTransactions: 30, snapshotOnClose: false, keepSnapshots: 3 })
    play(a.server, 300, 5)
    const before = dumpWorld(a.server.world)
    await a.server.close()
    const store = new LogStore(dir, { readonly: true })
    const [newest, older] = store.snapshots()
    store.close()
    if (newest === undefined || older === undefined) throw new Error('expected two snapshots')
    sql(dir, `UPDATE snapshot_part SET data = zeroblob(length(data)) WHERE snapshot = ${newest.id} AND part = 2`)
    const b = persistentServer(dir)
    expect(b.warnings.join('\n')).toMatch(new RegExp(`snapshot ${newest.id} \\(seq ${newest.seq}\\) fails its checksum; falling back`))
    expect(dumpWorld(b.server.world)).toEqual(before)
    await b.server.close()
  })

  it('refuses a schema the stored world does not fit, naming the component and field', async () => {
    const dir = folder()
    const a = persistentServer(dir)
    play(a.server, 50, 6)
    await a.server.close()
    const Body2 = defineComponent('Body', { x: 'f32', y: 'f32', mass: 'f64' })
    const module = { ...testModule(), components: [Body2, Player] }
    const start = () => createServer({ module: defineModule(module), logger: false, autoStart: false, commitLog: createSqliteCommitLog({ dir }) })
    expect(start).toThrow(ServerError)
    expect(start).toThrow(/component Body, field mass: stored as u32, defined as f64/)
    try {
      start()
    } catch (error) {
      expect((error as ServerError).code).toBe('ERR_SCHEMA_MISMATCH')
    }
  })

  it('a migrate hook moves the stored world to a new schema, keeping entity ids', async () => {
    const dir = folder()
    const a = persistentServer(dir)
    play(a.server, 80, 7)
    const bodies = a.server.world.query([Body]).toArray().map((e) => [e, a.server.world.read(e, Body, 'mass')]).sort((x, y) => (x[0] as number) - (y[0] as number))
    await a.server.close()
    const BodyV2 = defineComponent('Body', { x: 'f32', y: 'f32', mass: 'u32', color: 'u8' })
    const module = defineModule({ ...testModule(), components: [BodyV2, Player] })
    const log = createSqliteCommitLog({
      dir,
      onWarning: () => {},
      migrate({ from, fromComponents, to }) {
        to.transaction(() => {
          for (const e of from.entities()) {
            to.createWithId(e)
            const old = (name: string) => fromComponents.get(name) as Component
            const body = from.get(e, old('Body'))
            if (body !== undefined) to.add(e, BodyV2, { ...(body as { x: number; y: number; mass: number }), color: 7 })
            const player = from.get(e, old('Player'))
            if (player !== undefined) to.add(e, Player, player as never)
            const timer = from.get(e, old('Timer'))
            if (timer !== undefined) to.add(e, Timer, timer as never)
          }
        })
      },
    })
    const server = createServer({ module, logger: false, autoStart: false, commitLog: log })
    const migrated = server.world.query([BodyV2]).toArray().map((e) => [e, server.world.read(e, BodyV2, 'mass')])
    expect(migrated.sort((x, y) => (x[0] as number) - (y[0] as number))).toEqual(bodies)
    expect(server.world.query([BodyV2]).toArray().every((e) => server.world.read(e, BodyV2, 'color') === 7)).toBe(true)
    await server.close()
  })

  it('retention keeps the newest snapshots and prunes the log before the oldest kept one; time travel works within it', async () => {
    const dir = folder()
    const a = persistentServer(dir, { snapshotEveryTransactions: 25, keepSnapshots: 2, snapshotOnClose: false, writer: 'inline' })
    const states = new Map<number, unknown>()
    for (let i = 0; i < 200; i++) {
      play(a.server, 2, 7919 * i + 13)
      a.server.step()
      states.set(a.server.seq, dumpWorld(a.server.world))
    }
    const snaps = a.log.snapshots()
    expect(snaps.length).toBe(2)
    const { first, last } = a.log.range()
    expect(first).toBe((snaps[1]?.seq ?? 0) + 1)
    expect(last).toBe(a.server.seq)
    for (const seq of [first - 1, first, Math.floor((first + last) / 2), last]) {
      if (!states.has(seq)) continue
      expect(dumpWorld(worldAt(a.log, all, seq))).toEqual(states.get(seq))
    }
    expect(() => worldAt(a.log, all, 1)).toThrow(/pruned/)
    await a.server.close()
  })
})

describe('replication after a recovery', () => {
  it('welcomes a client at the recovered seq and tick, and its updates go on from there without a gap', async () => {
    const { RawClientLike } = await import('./raw-client.js')
    const dir = folder()
    const a = persistentServer(dir)
    play(a.server, 200, 4)
    const seq = a.server.seq
    const tick = a.server.tick
    await a.server.close()
    const b = persistentServer(dir)
    cleanups.push(() => void b.server.close())
    expect(b.server.recoveredSeq).toBe(seq)
    const { port } = await b.server.listen()
    const raw = await RawClientLike.open(`ws://127.0.0.1:${port}`)
    const welcome = await raw.handshake()
    // The handshake's onConnect commits nothing in this module: Welcome stands where the log ended.
    expect(welcome).toMatchObject({ seq, tick })
    raw.send({ type: 'Subscribe', requestId: 1, queryId: 1, components: ['Body'], area: null })
    b.server.call('grow', { amount: 1 })
    const waiting = raw.next('TransactionUpdate')
    for (let i = 0; i < 200 && raw.messages.every((m) => m.type !== 'TransactionUpdate'); i++) {
      b.server.step()
      await new Promise((resolve) => setTimeout(resolve, 2))
    }
    const update = await waiting
    expect(update.prevSeq).toBe(seq)
    expect(update.seq).toBeGreaterThan(seq)
    expect(b.server.seq).toBeGreaterThanOrEqual(update.seq)
    expect(tick + update.tickDelta).toBeLessThanOrEqual(b.server.tick)
    expect(update.tickDelta).toBeGreaterThan(0)
    await raw.close()
  })
})

describe('durable reducer results', () => {
  it('a reducer result over WebSocket says durable once its entry is on disk', async () => {
    const { connect } = await import('@orrery/client')
    const { RawClientLike } = await import('./raw-client.js')
    const dir = folder()
    const a = persistentServer(dir, {}, { autoStart: true, tickRate: 50 })
    const { port } = await a.server.listen()
    const raw = await RawClientLike.open(`ws://127.0.0.1:${port}`)
    await raw.handshake()
    raw.send({ type: 'CallReducer', requestId: 5, reducer: 'spawn', args: ['z'] })
    const result = await raw.next('ReducerResult')
    expect(result).toMatchObject({ requestId: 5, ok: true, durable: true })
    const store = new LogStore(dir, { readonly: true })
    expect(store.range().last).toBeGreaterThanOrEqual(1)
    store.close()
    await raw.close()
    await a.server.close()
    expect(connect).toBeTypeOf('function')
  })
})
void components
