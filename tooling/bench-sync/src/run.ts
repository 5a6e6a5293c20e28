/**
 * `pnpm bench:sync`: the Blackholio world served by @orrery/server in one child process, played by
 * simulated clients over real WebSockets on 127.0.0.1 in another (each with a real replica, moving its
 * area of interest like a player). With `taskset` on a machine of 2+ cores the server runs on core 0
 * and the clients on core 1.
 *
 * Flags: `--clients N --entities M --duration S --world-size W`; without `--clients`: 100, 500 and 2,000
 * clients; without `--world-size`, a world of the reference game's density (args.ts `referenceWorldSize`).
 * `--no-pin` leaves both processes to the scheduler; `--cpu-prof=DIR` has both write CPU profiles to DIR;
 * `--help` lists the flags. An unknown flag or a bad value exits 2 with the usage.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process'
import { availableParallelism, loadavg } from 'node:os'
import { fileURLToPath } from 'node:url'
import { jsonLine, table } from '@orrery/tooling-bench'
import { BENCH_USAGE, type BenchArgs, type BenchSize, parseBenchArgs } from './args.js'
import type { ClientEvent, ClientReport, ServerEvent, ServerReport } from './messages.js'
import { round } from './stats.js'

/** Time between every client having joined and the measured window, ms. */
const WARMUP_MS = 3000
const SEED = 42

function argsOrExit(): BenchArgs {
  try {
    const args = parseBenchArgs(process.argv.slice(2))
    if (!args.help) return args
    process.stdout.write(`${BENCH_USAGE}\n`)
    process.exit(0)
  } catch (error) {
    process.stderr.write(`bench:sync: ${(error as Error).message}\n${BENCH_USAGE}\n`)
    process.exit(2)
  }
}

const args = argsOrExit()
const pin = !args.noPin && availableParallelism() >= 2 && spawnSync('taskset', ['-V']).status === 0
const children = new Set<ChildProcess>()
const profileDir = args.cpuProfDir

function log(message: string): void {
  process.stderr.write(`[bench:sync] ${message}\n`)
}

/** Starts a TypeScript child with an IPC channel; its output goes to our stderr, keeping stdout for results. */
function child(script: string, args: readonly (string | number)[], core: number, heapMB: number): ChildProcess {
  const node = [
    '--conditions=@orrery/source',
    '--import',
    'tsx',
    '--expose-gc',
    `--max-old-space-size=${heapMB}`,
    ...(profileDir === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${profileDir}`]),
    fileURLToPath(new URL(script, import.meta.url)),
    ...args.map(String),
  ]
  const proc = pin
    ? spawn('taskset', ['-c', String(core), process.execPath, ...node], { stdio: ['ignore', 2, 2, 'ipc'] })
    : spawn(process.execPath, node, { stdio: ['ignore', 2, 2, 'ipc'] })
  children.add(proc)
  proc.once('exit', () => children.delete(proc))
  return proc
}

/** The next IPC message of `kind` from `proc`; rejects when the process exits first or after `timeoutMs`. */
function next<E extends { kind: string }, K extends E['kind']>(proc: ChildProcess, kind: K, timeoutMs: number): Promise<Extract<E, { kind: K }>> {
  return new Promise((resolve, reject) => {
    const done = (): void => {
      clearTimeout(timer)
      proc.off('message', onMessage)
      proc.off('exit', onExit)
    }
    const onMessage = (message: E): void => {
      if (message.kind !== kind) return
      done()
      resolve(message as Extract<E, { kind: K }>)
    }
    const onExit = (code: number | null): void => {
      done()
      reject(new Error(`child exited with ${code} before sending '${kind}'`))
    }
    const timer = setTimeout(() => {
      done()
      reject(new Error(`no '${kind}' within ${timeoutMs} ms`))
    }, timeoutMs)
    proc.on('message', onMessage)
    proc.once('exit', onExit)
  })
}

/** Asks a child to quit, and kills it if it has not exited after `graceMs`. */
async function quit(proc: ChildProcess, graceMs: number): Promise<void> {
  if (proc.exitCode !== null || proc.signalCode !== null) return
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()))
  if (proc.connected) proc.send({ kind: 'quit' })
  const timer = setTimeout(() => proc.kill('SIGKILL'), graceMs)
  await exited
  clearTimeout(timer)
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

/** One size: the figures of the JSON line. */
type Result = Record<string, number | string | boolean | readonly string[] | Record<string, number>>

async function runSize(size: BenchSize): Promise<Result> {
  const server = child('./server-process.ts', [size.clients, size.entities, SEED, size.worldSize], 0, 2048)
  let clients: ChildProcess | null = null
  try {
    const ready = await next<ServerEvent, 'ready'>(server, 'ready', 120_000)
    log(`server on 127.0.0.1:${ready.port} with ${ready.entities} bodies in a ${size.worldSize} × ${size.worldSize} world; connecting ${size.clients} clients`)
    clients = child('./client-process.ts', [`ws://127.0.0.1:${ready.port}`, size.clients, SEED], 1, 6144)
    const joined = await next<ClientEvent, 'connected'>(clients, 'connected', 120_000 + size.clients * 1000)
    log(
      `${joined.connected} connected (${joined.failed} failed) in ${joined.elapsedMs} ms ` +
        `(per client: subscribed ${joined.connectP50Ms} ms, in game ${joined.enterP50Ms} ms median, ${joined.enterMaxMs} ms max); measuring ${size.durationS} s`,
    )
    for (const sample of joined.errorSamples) log(`connect error: ${sample}`)
    await sleep(WARMUP_MS)
    server.send({ kind: 'start' })
    clients.send({ kind: 'start' })
    await sleep(size.durationS * 1000)
    const clientReport = next<ClientEvent, 'report'>(clients, 'report', 60_000)
    const serverReport = next<ServerEvent, 'report'>(server, 'report', 60_000)
    clients.send({ kind: 'report' })
    server.send({ kind: 'report' })
    return figures(size, (await serverReport).report, (await clientReport).report)
  } finally {
    if (clients !== null) await quit(clients, 20_000)
    await quit(server, 20_000)
  }
}

/** CPU share of the clients' process (%) from which its clients fall behind the server's stream. */
const CLIENTS_SATURATED_PCT = 95

function figures(size: BenchSize, s: ServerReport, c: ClientReport): Result {
  const connected = c.clientsConnected
  for (const sample of c.errorSamples) log(`client error: ${sample}`)
  const saturated = c.cpuPct >= CLIENTS_SATURATED_PCT
  if (saturated) {
    log(
      `the clients' process was saturated (CPU ${c.cpuPct}%): its clients fell behind the server's stream, so the server ` +
        'collapsed their updates and their figures describe backlogged clients, not the wire at this size',
    )
  }
  return {
    clients: size.clients,
    clientsConnected: connected,
    entities: s.entities,
    worldSize: size.worldSize,
    movingEntities: s.movingEntities,
    bytesPerClientPerSec: Math.round(c.bytesReceived / Math.max(1, connected) / c.windowS),
    bytesPerMovingEntityUpdate: round(c.movingTableUpdateBytes / c.movingTableUpdateRows),
    bytesPerMovingEntityUpdateAllFrames: round(c.bytesReceived / c.movingUpdates),
    bytesShare: {
      inserts: round(c.insertBytes / c.sampledBytes),
      movingUpdates: round(c.movingTableUpdateBytes / c.sampledBytes),
      otherUpdates: round(c.otherUpdateBytes / c.sampledBytes),
      deletes: round(c.deleteBytes / c.sampledBytes),
      handles: round(c.handleBytes / c.sampledBytes),
      events: round(c.eventBytes / c.sampledBytes),
      rest: round(
        1 - (c.insertBytes + c.movingTableUpdateBytes + c.otherUpdateBytes + c.deleteBytes + c.handleBytes + c.eventBytes) / c.sampledBytes,
      ),
    },
    tickP50Ms: s.tickP50Ms,
    tickP99Ms: s.tickP99Ms,
    tickMeanMs: s.tickMeanMs,
    tickCpuP50Ms: s.tickCpuP50Ms,
    tickCpuP99Ms: s.tickCpuP99Ms,
    simulationMs: { ...s.simulation },
    replicationMs: { ...s.replication },
    encodingMs: { ...s.encoding },
    otherMs: { ...s.other },
    serverRssMB: s.rssMB,
    memoryPerClientKB: round(((s.rssMB - s.rssBaseMB) * 1024) / Math.max(1, connected), 1),
    errors: c.errors + s.errors,
    clientErrors: c.errors,
    serverErrors: s.errors,
    ticks: s.ticks,
    skippedTicks: s.skippedTicks,
    serverCpuPct: s.cpuPct,
    clientCpuPct: c.cpuPct,
    clientsSaturated: saturated,
    clientRssMB: c.rssMB,
    movingUpdatesPerClientPerSec: round(c.movingUpdates / Math.max(1, connected) / c.windowS, 1),
    sampledClients: c.sampledClients,
    areaMovesPerClientPerSec: round(c.areaMoves / Math.max(1, connected) / c.windowS, 2),
    inputsPerClientPerSec: round(c.inputsSent / Math.max(1, connected) / c.windowS, 2),
    respawnsPerClientPerMin: round((c.respawns / Math.max(1, connected) / c.windowS) * 60, 2),
    windowS: c.windowS,
    loadAverage1m: round(loadavg()[0] ?? 0, 1),
    pinned: pin ? 'server core 0, clients core 1' : 'no',
  }
}

const n = (r: Result, k: string): number => r[k] as number
const split = (r: Result, k: string): string => {
  const v = r[k] as Record<string, number>
  return `${(v.mean ?? 0).toFixed(2)} / ${(v.p99 ?? 0).toFixed(2)}`
}

function row(r: Result): (string | number)[] {
  return [
    n(r, 'clients'),
    n(r, 'clientsConnected'),
    n(r, 'entities'),
    n(r, 'movingEntities'),
    n(r, 'bytesPerClientPerSec'),
    n(r, 'bytesPerMovingEntityUpdate'),
    n(r, 'tickP50Ms'),
    n(r, 'tickP99Ms'),
    `${n(r, 'tickCpuP50Ms').toFixed(2)} / ${n(r, 'tickCpuP99Ms').toFixed(2)}`,
    split(r, 'simulationMs'),
    split(r, 'replicationMs'),
    split(r, 'encodingMs'),
    n(r, 'serverRssMB'),
    n(r, 'memoryPerClientKB'),
    n(r, 'errors'),
  ]
}

const HEADER = [
  'clients',
  'connected',
  'entities',
  'moving',
  'B/client/s',
  'B/moving update',
  'tick p50 ms',
  'tick p99 ms',
  'tick CPU ms p50 / p99',
  'simulation ms mean / p99',
  'replication ms mean / p99',
  'encoding ms mean / p99',
  'server RSS MB',
  'KB/client',
  'errors',
]

const shutdown = (): void => {
  for (const proc of children) proc.kill('SIGKILL')
}
process.once('SIGINT', () => {
  shutdown()
  process.exit(130)
})
process.once('exit', shutdown)

const sizes = args.sizes
log(
  `node ${process.version}; ${pin ? 'server pinned to core 0, clients to core 1' : 'no CPU pinning'}; 20 Hz ticks; ` +
    `load average ${loadavg()[0]?.toFixed(1)} on ${availableParallelism()} cores`,
)
const rows: (string | number)[][] = []
let failedSizes = 0
for (const size of sizes) {
  try {
    const result = await runSize(size)
    rows.push(row(result))
    console.log(jsonLine('sync', result))
  } catch (error) {
    failedSizes++
    log(`${size.clients} clients: ${error instanceof Error ? error.message : String(error)}`)
  }
}
console.log()
console.log(table(HEADER, rows))
console.log(
  '\nB/moving update: bytes of the Body update rows (food never moves: these are the circles; handle, run headers and values) per row, from ~50 sampled clients;',
)
console.log('positions are served with predictionTolerance 1 (a replica holds them within 1.5/16 of a world unit) and Circle as a frequent component.')
console.log('bytesShare splits what those clients received: inserts, Body updates, other updates, deletes, handle binds/releases, events, the rest (headers, replies, pongs).')
console.log('ms columns: per tick, wall clock unless marked CPU (the server process\'s CPU time during the tick, which other processes on the core do not inflate).')
console.log('Tick = simulation (systems) + replication (collecting views) + encoding + the rest (commits, socket writes).')
if (failedSizes > 0) process.exitCode = 1
