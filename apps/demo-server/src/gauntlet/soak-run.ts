import { type ChildProcess, fork } from 'node:child_process'
import { setPriority } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { startServerProcess } from './server-host.js'

const HERE = dirname(fileURLToPath(import.meta.url))

/** Options of {@link runSoak}. */
export interface SoakOptions {
  /** Length of the measured window, minutes (after a warm-up of a tenth of it, 5 s to 60 s). */
  readonly minutes: number
  /** Clients connecting, playing and leaving at random. */
  readonly clients: number
  readonly seed: number
  /**
   * How long the server keeps the session of a player who dropped the socket, waiting for a resume, ms;
   * default 5000 (the server's own default is 120 s). The players never resume, so each drop holds a session
   * and its timer this long: a short period lets the end of the run see every one of them expire before the
   * handles are counted, and the warm-up (5 s at least) reach the steady number of waiting sessions.
   */
  readonly resumeGraceMs?: number
  readonly log?: (line: string) => void
}

/** The one JSON line of `pnpm soak`. */
export interface SoakReport {
  readonly minutes: number
  readonly clients: number
  readonly cycles: number
  readonly refusedSignIns: number
  readonly rssStartMB: number
  readonly rssEndMB: number
  readonly rssGrowthPct: number
  readonly heapStartMB: number
  readonly heapEndMB: number
  readonly heapGrowthPct: number
  readonly handlesBefore: number
  readonly handlesAfter: number
  readonly leakedHandles: number
  /** Sessions still waiting for a resume when the handles were counted (0 unless the wait for them timed out). */
  readonly detachedSessionsAfter: number
  readonly connectionsAfter: number
  readonly serverCrashes: number
  readonly unhandledErrors: number
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))
const mb = (bytes: number): number => Math.round((bytes / 2 ** 20) * 10) / 10
const pct = (a: number, b: number): number => Math.round(((b - a) / a) * 1000) / 10

/**
 * The soak: a Blackholio server in its own process and `clients` players in another that connect, play and
 * leave at random; compares the server's memory (after a garbage collection) at the start and the end of
 * the window under the same load, and its handles before the clients came and after they all left.
 *
 * @param options - see {@link SoakOptions}
 * @returns the report
 * @throws Error when the server cannot start
 */
export async function runSoak(options: SoakOptions): Promise<SoakReport> {
  const log = options.log ?? (() => undefined)
  const graceMs = options.resumeGraceMs ?? 5_000
  const server = await startServerProcess({ seed: options.seed, execArgv: ['--expose-gc'], loggedOutExpiryMs: 60_000, resumeGraceMs: graceMs })
  let clients: ChildProcess | null = null
  try {
    await sleep(500)
    const idleBefore = await server.snapshot({ gc: true })
    clients = fork(join(HERE, 'churn-clients.ts'), ['--url', server.url, '--clients', String(options.clients), '--seed', String(options.seed)], {
      cwd: resolve(HERE, '../..'),
      execArgv: ['--conditions=@orrery/source', '--import', 'tsx'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    })
    if (clients.pid !== undefined) {
      try {
        setPriority(clients.pid, 10)
      } catch {
        // not permitted: the clients share the cores at the same priority
      }
    }
    let progress = { cycles: 0, connected: 0, refused: 0 }
    clients.on('message', (m: unknown) => {
      const p = m as { type?: string } & typeof progress
      if (p.type === 'progress' || p.type === 'stopped') progress = { ...progress, ...p }
    })
    const windowMs = options.minutes * 60_000
    const warmupMs = Math.min(60_000, Math.max(5_000, windowMs / 10))
    await sleep(warmupMs)
    const start = await server.snapshot({ gc: true })
    log(`warm: ${progress.connected} connected, rss ${mb(start.rssBytes)} MB, heap ${mb(start.heapUsedBytes)} MB`)
    const started = performance.now()
    while (performance.now() - started < windowMs && !server.crashed()) {
      await sleep(Math.min(10_000, windowMs))
      const s = await server.snapshot()
      log(`${((performance.now() - started) / 1000).toFixed(0)} s: ${progress.connected} connected, ${progress.cycles} cycles, rss ${mb(s.rssBytes)} MB, heap ${mb(s.heapUsedBytes)} MB`)
    }
    const end = await server.snapshot({ gc: true })
    const child = clients
    const stopped = new Promise<void>((res) => child.once('exit', () => res()))
    child.send({ type: 'stop' })
    await Promise.race([stopped, sleep(30_000)])
    // Let the server see every close (a dropped socket is noticed when the peer's close arrives), and the
    // sessions of dropped sockets end their grace period: until then each holds a timer, which is no leak.
    const idleBy = performance.now() + graceMs + 10_000
    let idleAfter = await server.snapshot({ gc: true })
    while ((idleAfter.connections > 0 || idleAfter.detachedSessions > 0) && performance.now() < idleBy) {
      await sleep(250)
      idleAfter = await server.snapshot({ gc: true })
    }
    return {
      minutes: options.minutes,
      clients: options.clients,
      cycles: progress.cycles,
      refusedSignIns: progress.refused,
      rssStartMB: mb(start.rssBytes),
      rssEndMB: mb(end.rssBytes),
      rssGrowthPct: pct(start.rssBytes, end.rssBytes),
      heapStartMB: mb(start.heapUsedBytes),
      heapEndMB: mb(end.heapUsedBytes),
      heapGrowthPct: pct(start.heapUsedBytes, end.heapUsedBytes),
      handlesBefore: idleBefore.handles,
      handlesAfter: idleAfter.handles,
      leakedHandles: Math.max(0, idleAfter.handles - idleBefore.handles),
      connectionsAfter: idleAfter.connections,
      detachedSessionsAfter: idleAfter.detachedSessions,
      serverCrashes: server.crashed() ? 1 : 0,
      unhandledErrors: server.faults.unhandled.length + server.faults.crashes.length,
    }
  } finally {
    if (clients !== null && clients.exitCode === null) clients.kill('SIGKILL')
    await server.stop()
  }
}
