// pnpm bench:persist — the durable commit pipeline under load, against the same pipeline with an
// log off, in one run. Prints a table and one JSON line.
//
// durableTxPerSec: reducer-sized transactions (one `set` of two fields of one of 10,000 entities)
//   called through the server (dispatch, transaction, pipeline, SQLite log), group-committed every
//   `GROUP` transactions (one tick's worth) with synchronous = FULL (fsync included). Median of rounds.
// offTxPerSec: the same with the log off (a commit log that discards entries).
// logBytesPerTx: growth of the database (after a WAL checkpoint) per transaction.
// groupWaitP99Ms: p99 of the time from a transaction's commit to the end of its group commit.
// snapshotMs, recoveryMs: a world of 20,000 entities with a log of 1,000,000 transactions (kept
//   whole: pruneLog false; snapshots by the default policy); recovery = open + newest snapshot + tail.
import { mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { defineComponent, type Entity } from '@orrery/ecs'
import { type CommitLog, createServer, defineModule, defineReducer, type OrreryServer } from '@orrery/server'
import { jsonLine, ratio, table } from '@orrery/tooling-bench'
import { createSqliteCommitLog, type SqliteCommitLog } from '../src/index.js'
import { DATABASE_FILE } from '../src/internal.js'

const quick = process.argv.includes('--quick')
const ENTITIES = 10_000
const GROUP = 5_000
const ROUNDS = quick ? 3 : 7
const TX_PER_ROUND = quick ? 20_000 : 50_000
const BIG_WORLD = 20_000
const BIG_LOG = quick ? 100_000 : 1_000_000

const Body = defineComponent('Body', { x: 'f32', y: 'f32', mass: 'u32' })
const reducers = { move: { e: 'entity', x: 'f64', y: 'f64' } } as const

function module(entities: number) {
  return defineModule({
    name: 'bench',
    components: [Body],
    reducers: {
      move: defineReducer(reducers.move, (ctx, { e, x, y }) => {
        ctx.world.update(e as Entity, Body, { x, y })
      }),
    },
    init(ctx) {
      for (let i = 0; i < entities; i++) ctx.world.add(ctx.world.create(), Body, { x: i % 1000, y: i / 1000, mass: 10 })
    },
  })
}

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.floor(s.length / 2)] as number
}
const percentile = (xs: Float64Array, p: number): number => {
  const s = Float64Array.from(xs).sort()
  return s[Math.min(s.length - 1, Math.floor(p * s.length))] as number
}

/** Moves so far: every call writes values the entity does not have yet (an unchanged row would commit nothing). */
let written = 0

/**
 * Runs `n` move calls with a group commit (a tick: `server.step()`) every GROUP calls, yielding to the
 * event loop after each tick as the tick loop does (so background writes report back), and waits at
 * the end until everything is durable. Returns tx/s; fills `waits` with each transaction's time from
 * its commit to its group being durable, ms.
 */
async function drive(server: OrreryServer, ids: readonly Entity[], n: number, offset: number, waits?: Float64Array): Promise<number> {
  const started = performance.now()
  let group = 0
  const done: Promise<unknown>[] = []
  for (let i = 0; i < n; i++) {
    const e = ids[(offset + i * 7919) % ids.length] as Entity
    written++
    server.call('move', { e, x: (written * 0.618) % 1000, y: (written * 0.377) % 1000 })
    if (waits !== undefined) waits[i] = performance.now()
    if (++group === GROUP || i === n - 1) {
      server.step()
      const from = i - group + 1
      const to = i
      done.push(
        server.durable().then(() => {
          if (waits === undefined) return
          const end = performance.now()
          for (let k = from; k <= to; k++) waits[k] = end - (waits[k] as number)
        }),
      )
      group = 0
      await new Promise((resolve) => setImmediate(resolve))
    }
  }
  await Promise.all(done)
  return n / ((performance.now() - started) / 1000)
}

function dbBytes(dir: string): number {
  let total = 0
  for (const f of [DATABASE_FILE, `${DATABASE_FILE}-wal`]) {
    try {
      total += statSync(join(dir, f)).size
    } catch {
      // absent
    }
  }
  return total
}

const dirs: string[] = []
const temp = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'orrery-bench-'))
  dirs.push(d)
  return d
}

try {
  // 1. durable vs log off, rounds interleaved so both see the same machine noise
  const dir = temp()
  const log = createSqliteCommitLog({ dir, writer: process.env.WRITER === 'inline' ? 'inline' : 'thread', snapshotEveryTransactions: Number.MAX_SAFE_INTEGER, snapshotEveryMs: Number.MAX_SAFE_INTEGER })
  const durable = createServer({ module: module(ENTITIES), logger: false, autoStart: false, seed: 1, commitLog: log })
  // "log off": a commit log that keeps nothing (the in-memory log would keep every entry)
  const off: CommitLog = { durable: false, recover: () => null, append() {}, flush() {}, maintain() {}, close() {} }
  const memory = createServer({ module: module(ENTITIES), logger: false, autoStart: false, seed: 1, commitLog: off })
  const ids = durable.world.query([Body]).toArray()
  await drive(durable, ids, GROUP * 2, 0)
  await drive(memory, ids, GROUP * 2, 0)
  const durableRates: number[] = []
  const offRates: number[] = []
  const waits = new Float64Array(TX_PER_ROUND * ROUNDS)
  log.store.db.pragma('wal_checkpoint(TRUNCATE)')
  const bytesBefore = dbBytes(dir)
  for (let r = 0; r < ROUNDS; r++) {
    durableRates.push(await drive(durable, ids, TX_PER_ROUND, r * TX_PER_ROUND, waits.subarray(r * TX_PER_ROUND)))
    offRates.push(await drive(memory, ids, TX_PER_ROUND, r * TX_PER_ROUND))
  }
  await durable.durable()
  log.store.db.pragma('wal_checkpoint(TRUNCATE)')
  const logBytesPerTx = (dbBytes(dir) - bytesBefore) / (TX_PER_ROUND * ROUNDS)
  const encodedBytesPerTx = log.stats().entryBytes / log.stats().entries
  await durable.close()
  await memory.close()

  // 2. a 20,000-entity world with a long log: snapshots during the run, then recovery
  const bigDir = temp()
  const snapshotMs: number[] = []
  // inline writer here, so lastSnapshotMs is capture + encode + write, all of it
  const bigLog: SqliteCommitLog = createSqliteCommitLog({ dir: bigDir, pruneLog: false, snapshotOnClose: false, writer: 'inline' })
  const big = createServer({ module: module(BIG_WORLD), logger: false, autoStart: false, seed: 2, commitLog: bigLog })
  const bigIds = big.world.query([Body]).toArray()
  let last = 0
  for (let done = 0; done < BIG_LOG; done += GROUP) {
    await drive(big, bigIds, Math.min(GROUP, BIG_LOG - done), done)
    const s = bigLog.stats()
    if (s.snapshots > last) {
      last = s.snapshots
      snapshotMs.push(s.lastSnapshotMs)
    }
  }
  // one more half group after the last snapshot, so recovery replays a tail too
  await drive(big, bigIds, GROUP / 2, BIG_LOG)
  const bigSeq = big.seq
  const { first: bigFirst, last: bigLast } = bigLog.range()
  const logEntries = bigLast - bigFirst + 1
  await big.close()
  const recoveries: number[] = []
  for (let r = 0; r < 3; r++) {
    const t0 = performance.now()
    const again = createServer({ module: module(BIG_WORLD), logger: false, autoStart: false, commitLog: createSqliteCommitLog({ dir: bigDir, pruneLog: false, snapshotOnClose: false }) })
    recoveries.push(performance.now() - t0)
    if (bigSeq < BIG_LOG || again.recoveredSeq !== bigSeq) throw new Error(`recovered ${again.recoveredSeq}, expected ${bigSeq}`)
    await again.close()
  }

  const figures = {
    durableTxPerSec: Math.round(median(durableRates)),
    offTxPerSec: Math.round(median(offRates)),
    durableVsOff: ratio(median(durableRates), median(offRates)),
    logBytesPerTx: Math.round(logBytesPerTx),
    encodedBytesPerTx: Math.round(encodedBytesPerTx),
    groupWaitP50Ms: Number(percentile(waits, 0.5).toFixed(2)),
    groupWaitP99Ms: Number(percentile(waits, 0.99).toFixed(2)),
    snapshotMs: Number(median(snapshotMs).toFixed(2)),
    recoveryMs: Number(median(recoveries).toFixed(1)),
    bigWorldEntities: BIG_WORLD,
    bigLogTransactions: logEntries,
    groupSize: GROUP,
    rounds: ROUNDS,
  }
  console.log(
    table(
      ['figure', 'value', 'what'],
      [
        ['durableTxPerSec', figures.durableTxPerSec, `median of ${ROUNDS} rounds, group commit every ${GROUP} tx (a tick), synchronous=FULL, written on the writer thread`],
        ['offTxPerSec', figures.offTxPerSec, 'same pipeline, log off (discards entries)'],
        ['durable / log off', figures.durableVsOff, 'ratio of the medians'],
        ['logBytesPerTx', figures.logBytesPerTx, 'database growth per transaction'],
        ['encodedBytesPerTx', figures.encodedBytesPerTx, 'entry body and header columns'],
        ['groupWaitP50Ms', figures.groupWaitP50Ms, 'commit → its group durable'],
        ['groupWaitP99Ms', figures.groupWaitP99Ms, 'commit → its group durable'],
        ['snapshotMs', figures.snapshotMs, `median, ${BIG_WORLD.toLocaleString('en-US')} entities (capture, encode, write)`],
        ['recoveryMs', figures.recoveryMs, `median of 3, log of ${logEntries.toLocaleString('en-US')} tx, snapshot + tail`],
      ],
    ),
  )
  console.log(jsonLine('persist', figures))
} finally {
  for (const d of dirs) rmSync(d, { recursive: true, force: true })
}
