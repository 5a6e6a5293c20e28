// pnpm bench:restart [--clients N] [--rows N] — a graceful restart of a server on a SQLite data folder with
// N clients (half with whole tables, half with an area of interest) on a world of `rows` rows, a third of
// them moving every tick: with the sessions saved (clients resume) against resume off (clients re-sync),
// in one run. Prints a table on stderr and JSON lines on stdout.
//
// closeMs: server.close() (last tick durable, sessions saved, sockets closed, final snapshot).
// savedBytes: the saved sessions in the data folder (frame histories and replicator states).
// openMs: createServer on the data folder (recovery, and the sessions restored).
// backMs: from listen() until every client is back and consistent (its reconnect event; includes backoff).
// bytesToClients: bytes the new server sent until then.
import { parseArgs } from 'node:util'
import { connect, type OrreryClient } from '@orrery/client'
import { jsonLine, ratio, table } from '@orrery/tooling-bench'
import { LogStore } from '../src/index.js'
import { tempDir } from '../test/fixtures.js'
import { components, populate, reducerSchemas, startGame } from '../test/restart/game.js'

const { values } = parseArgs({
  args: process.argv.slice(2).filter((arg) => arg !== '--'),
  options: { clients: { type: 'string', default: '20' }, rows: { type: 'string', default: '2000' } },
})
const CLIENTS = Number(values.clients)
const ROWS = Number(values.rows)

interface RestartResult {
  readonly mode: 'resume' | 'resume off'
  readonly clients: number
  readonly rows: number
  readonly closeMs: number
  readonly savedSessions: number
  readonly savedBytes: number
  readonly openMs: number
  readonly backMs: number
  readonly resumed: number
  readonly bytesToClients: number
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))
const round = (x: number): number => Math.round(x * 10) / 10

async function measure(resume: boolean): Promise<RestartResult> {
  const { dir, cleanup } = tempDir()
  const options = { autoStart: true, tickRate: 20, ...(resume ? {} : { resume: { graceMs: 0 } }) }
  const first = await startGame(dir, 0, undefined, options)
  first.server.mutate('populate', (world) => populate(world, ROWS))
  const url = `ws://127.0.0.1:${first.port}`
  const clients: OrreryClient<typeof components, typeof reducerSchemas>[] = []
  for (let i = 0; i < CLIENTS; i++) {
    const x = (i * 137) % 900
    const area = { minX: x, minY: x, maxX: x + 200, maxY: x + 200, margin: 20 }
    clients.push(
      await connect({ url, components, reducers: reducerSchemas, reconnect: { initialDelayMs: 10, maxDelayMs: 50 }, ...(i % 2 === 0 ? {} : { subscribe: [{ components: ['Position', 'Tag'], area }] }) }),
    )
  }
  await sleep(1_000)
  let back = 0
  let resumed = 0
  for (const c of clients) {
    c.onReconnect((info) => {
      back++
      if (info.resumed) resumed++
    })
  }
  const t0 = performance.now()
  await first.server.close()
  const closeMs = performance.now() - t0
  const store = new LogStore(dir, { readonly: true })
  const saved = store.db.prepare('SELECT count(*) AS n, coalesce(sum(length(image)), 0) AS bytes FROM resume_session').get() as { n: number; bytes: number }
  store.close()
  const t1 = performance.now()
  const second = await startGame(dir, first.port, undefined, options)
  const openMs = performance.now() - t1
  const t2 = performance.now()
  while (back < CLIENTS && performance.now() - t2 < 20_000) await sleep(1)
  const backMs = performance.now() - t2
  const bytesToClients = second.server.metrics().bytesSent
  await Promise.all(clients.map((c) => c.disconnect()))
  await second.server.close()
  cleanup()
  return {
    mode: resume ? 'resume' : 'resume off',
    clients: CLIENTS,
    rows: ROWS,
    closeMs: round(closeMs),
    savedSessions: saved.n,
    savedBytes: saved.bytes,
    openMs: round(openMs),
    backMs: round(backMs),
    resumed,
    bytesToClients,
  }
}

const results: RestartResult[] = []
for (const resume of [true, false]) {
  process.stderr.write(`graceful restart with ${CLIENTS} clients, ${ROWS} rows, resume ${resume ? 'on' : 'off'}…\n`)
  const result = await measure(resume)
  results.push(result)
  process.stdout.write(`${jsonLine('restart', { ...result })}\n`)
}
process.stderr.write(
  `${table(
    ['session', 'clients', 'rows', 'close ms', 'saved', 'saved bytes', 'open ms', 'back ms', 'resumed', 'bytes to clients'],
    results.map((r) => [r.mode, r.clients, r.rows, r.closeMs, r.savedSessions, r.savedBytes, r.openMs, r.backMs, r.resumed, r.bytesToClients]),
  )}\n`,
)
const [on, off] = results as [RestartResult, RestartResult]
process.stdout.write(`${jsonLine('restart-bytes', { resumeBytes: on.bytesToClients, resyncBytes: off.bytesToClients, ratio: ratio(on.bytesToClients, off.bytesToClients) })}\n`)
process.stderr.write(`bytes to clients after the restart: resume ${on.bytesToClients} B, re-sync ${off.bytesToClients} B (×${ratio(on.bytesToClients, off.bytesToClients)})\n`)
