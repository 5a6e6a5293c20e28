import { availableParallelism } from 'node:os'
import { resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { LoadTestError } from './load-test-error.js'
import type { WorkerSnapshot } from './protocol.js'
import { buildReport, type LoadReport } from './report.js'
import { DEFAULT_SCRIPT } from './script.js'
import { WorkerPool } from './workers.js'

/** Options of {@link runLoadTest}. */
export interface LoadTestOptions {
  /** The server's WebSocket URL (`ws://` or `wss://`); nothing else about the server is needed. */
  readonly url: string
  /** Clients to run. */
  readonly clients: number
  /** Seconds over which the clients start, evenly spread. Default: 0.1 s per client, at most 10 s. */
  readonly rampS?: number
  /** Seconds the full load holds after the ramp. */
  readonly durationS: number
  /** A script file (see `LoadScript`), relative to `cwd`. Default: the Blackholio bot. */
  readonly script?: string
  /** Worker processes the clients are spread over. Default: one per 100 clients, at most one per core. */
  readonly workers?: number
  /** The folder a relative `script` starts from. Default: the current folder. */
  readonly cwd?: string
}

/** The state of a run, for a progress display (about twice a second). */
export interface LoadProgress {
  /** Seconds since the ramp started, and the run's length (ramp + duration). */
  readonly elapsedS: number
  readonly totalS: number
  readonly clients: number
  readonly starting: number
  readonly connected: number
  readonly failed: number
  /** Sockets open now. */
  readonly open: number
  readonly errors: number
  /** Bytes per second over all clients since the last progress. */
  readonly bytesInPerS: number
  readonly bytesOutPerS: number
}

/** @returns the number of workers for `clients` clients: one per 100, at most one per core */
export function defaultWorkers(clients: number): number {
  return Math.max(1, Math.min(availableParallelism(), Math.ceil(clients / 100)))
}

function check(ok: boolean, message: string): void {
  if (!ok) throw new LoadTestError('ERR_INVALID_OPTIONS', message)
}

/**
 * Runs a load test: starts `clients` clients of the script against `url` over `rampS` seconds in worker
 * processes, holds them `durationS` seconds, stops them and reports.
 *
 * @param options - see {@link LoadTestOptions}
 * @param onProgress - called with the run's state about twice a second
 * @returns the report (see {@link LoadReport})
 * @throws {LoadTestError} `ERR_INVALID_OPTIONS` for a bad URL or number; `ERR_WORKER_FAILED` when a worker process dies
 * @example
 * ```ts
 * const report = await runLoadTest({ url: 'ws://127.0.0.1:3000', clients: 50, durationS: 10 })
 * console.log(report.connected, report.rttMs.p99, report.errors)
 * ```
 */
export async function runLoadTest(options: LoadTestOptions, onProgress?: (progress: LoadProgress) => void): Promise<LoadReport> {
  const { url, clients, durationS } = options
  check(/^wss?:\/\/./.test(url), `--url must be a ws:// or wss:// URL, got '${url}'`)
  check(Number.isInteger(clients) && clients >= 1, `--clients must be an integer ≥ 1, got ${clients}`)
  check(Number.isFinite(durationS) && durationS > 0, `--duration must be a number of seconds > 0, got ${durationS}`)
  const rampS = options.rampS ?? Math.min(10, clients * 0.1)
  check(Number.isFinite(rampS) && rampS >= 0, `--ramp must be a number of seconds ≥ 0, got ${rampS}`)
  const workers = Math.min(clients, options.workers ?? defaultWorkers(clients))
  check(Number.isInteger(workers) && workers >= 1, `--workers must be an integer ≥ 1, got ${options.workers}`)
  const script = options.script === undefined ? DEFAULT_SCRIPT : pathToFileURL(resolve(options.cwd ?? process.cwd(), options.script)).href

  const totalS = rampS + durationS
  // Byte totals of the last few progress calls: rates over about two seconds, steady between snapshots.
  const recent: { at: number; bytesIn: number; bytesOut: number }[] = []
  const progress = (pool: WorkerPool, startedAt: number): void => {
    if (onProgress === undefined) return
    const snapshots = pool.snapshots()
    const sum = (key: 'starting' | 'connected' | 'failed' | 'open'): number => snapshots.reduce((n, s) => n + s[key], 0)
    const bytes = (s: WorkerSnapshot, key: 'bytesIn' | 'bytesOut'): number => s[key].reduce((n, b) => n + b, 0)
    const now = performance.now()
    const bytesIn = snapshots.reduce((n, s) => n + bytes(s, 'bytesIn'), 0)
    const bytesOut = snapshots.reduce((n, s) => n + bytes(s, 'bytesOut'), 0)
    recent.push({ at: now, bytesIn, bytesOut })
    if (recent.length > 5) recent.shift()
    const first = recent[0] as { at: number; bytesIn: number; bytesOut: number }
    const seconds = Math.max((now - first.at) / 1000, 1e-3)
    onProgress({
      elapsedS: Math.max(0, (Date.now() - startedAt) / 1000),
      totalS,
      clients,
      starting: sum('starting') + clients - snapshots.reduce((n, s) => n + s.bytesIn.length, 0),
      connected: sum('connected'),
      failed: sum('failed'),
      open: sum('open'),
      errors: snapshots.reduce((n, s) => n + Object.values(s.errors).reduce((a, b) => a + b, 0), 0),
      bytesInPerS: Math.round((bytesIn - first.bytesIn) / seconds),
      bytesOutPerS: Math.round((bytesOut - first.bytesOut) / seconds),
    })
  }

  const pool = new WorkerPool({ url, script, clients, workers, rampMs: rampS * 1000, reportMs: 500 })
  let startedAt = Date.now()
  let ticker: ReturnType<typeof setInterval> | undefined
  let finals: WorkerSnapshot[]
  try {
    await pool.ready
    startedAt = Date.now() + 100
    pool.go(startedAt)
    ticker = setInterval(() => progress(pool, startedAt), 500)
    await new Promise((done) => setTimeout(done, startedAt - Date.now() + totalS * 1000))
    clearInterval(ticker)
    finals = await pool.stop()
    progress(pool, startedAt) // the end state: the final snapshots, taken as the clients were stopped
  } catch (error) {
    pool.kill()
    throw new LoadTestError('ERR_WORKER_FAILED', error instanceof Error ? error.message : String(error), { cause: error })
  } finally {
    clearInterval(ticker)
  }
  return buildReport(
    {
      url,
      script: options.script ?? 'demo bot',
      clients,
      workers,
      rampS,
      durationS,
      elapsedS: (Date.now() - startedAt) / 1000,
      rttMs: pool.rttMs,
      connectMs: pool.connectMs,
      generatorLoopDelayP99Ms: pool.loopDelayP99Ms,
      generatorCpuPct: pool.cpuPct,
    },
    finals,
  )
}
