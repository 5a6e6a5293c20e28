// `pnpm bench:cluster`: matchmaking requests per second, join latency (matchmake + connect) p50 / p99 and
// failover time, with one and with three world host processes on a throwaway Redis.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { connect, matchmake } from '@orrery/client'
import { jsonLine, table } from '@orrery/tooling-bench'
import { redisServerMissing, startRedisServer } from '@orrery/tooling-redis'
import { Counter, reducers } from '../test/counter-module.js'
import { type HostProcess, startHostProcess } from '../test/spawn-host.js'

const MATCHMAKE_REQUESTS = 2_000
const MATCHMAKE_CONCURRENCY = 64
const JOINS = 100
const JOIN_CONCURRENCY = 4

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN
}

async function pool(count: number, concurrency: number, task: (i: number) => Promise<void>): Promise<void> {
  let next = 0
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) await task(next++)
    }),
  )
}

interface Figures {
  processes: number
  matchmakePerSec: number
  joinP50Ms: number
  joinP99Ms: number
  failoverMs: number | null
}

async function run(processes: number): Promise<Figures> {
  const redis = await startRedisServer()
  const dataDir = mkdtempSync(join(tmpdir(), 'orrery-bench-cluster-'))
  const hosts: HostProcess[] = []
  try {
    for (let i = 0; i < processes; i++) hosts.push(await startHostProcess(redis.url, dataDir))
    const addresses = hosts.map((h) => h.address)
    const started = performance.now()
    await pool(MATCHMAKE_REQUESTS, MATCHMAKE_CONCURRENCY, async (i) => {
      await matchmake(addresses[i % processes]!, 'bench', { round: 'rps' })
    })
    const matchmakePerSec = MATCHMAKE_REQUESTS / ((performance.now() - started) / 1000)
    const joins: number[] = []
    await pool(JOINS, JOIN_CONCURRENCY, async (i) => {
      const t0 = performance.now()
      const seat = await matchmake(addresses[i % processes]!, 'bench', { round: 'join' })
      const client = await connect({ url: addresses[i % processes]!, world: seat.worldId, ticket: seat.ticket, worldUrl: seat.url, processes: addresses, components: [Counter], reducers })
      joins.push(performance.now() - t0)
      await client.disconnect()
    })
    joins.sort((a, b) => a - b)
    let failoverMs: number | null = null
    if (processes > 1) {
      const seat = await matchmake(addresses[0]!, 'counter', { round: 'failover' })
      const client = await connect({ url: addresses[0]!, world: seat.worldId, ticket: seat.ticket, worldUrl: seat.url, processes: addresses, components: [Counter], reducers })
      await client.reducers.add({ by: 1 })
      const victim = hosts.find((h) => h.processId === seat.processId)!
      const back = new Promise<void>((resolve) => client.onReconnect(() => resolve()))
      const killedAt = performance.now()
      victim.child.kill('SIGKILL')
      await back
      await client.reducers.add({ by: 1 })
      failoverMs = performance.now() - killedAt
      await client.disconnect()
    }
    return { processes, matchmakePerSec, joinP50Ms: percentile(joins, 50), joinP99Ms: percentile(joins, 99), failoverMs }
  } finally {
    for (const h of hosts) h.child.kill('SIGKILL')
    await redis.stop()
    rmSync(dataDir, { recursive: true, force: true })
  }
}

async function main(): Promise<void> {
  const missing = redisServerMissing()
  if (missing !== null) {
    process.stderr.write(`bench:cluster skipped: ${missing}\n`)
    return
  }
  const results: Figures[] = []
  for (const processes of [1, 3]) results.push(await run(processes))
  const round = (n: number | null): number | string => (n === null ? '—' : Math.round(n * 10) / 10)
  process.stdout.write(
    `${table(
      ['processes', 'matchmake req/s', 'join p50 ms', 'join p99 ms', 'failover ms'],
      results.map((r) => [r.processes, round(r.matchmakePerSec), round(r.joinP50Ms), round(r.joinP99Ms), round(r.failoverMs)]),
    )}\n`,
  )
  process.stdout.write(`${jsonLine('cluster', { matchmakeRequests: MATCHMAKE_REQUESTS, concurrency: MATCHMAKE_CONCURRENCY, joins: JOINS, results })}\n`)
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`bench:cluster: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`)
    process.exit(1)
  },
)
