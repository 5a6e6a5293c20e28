import type { WorkerSnapshot } from './protocol.js'

/** Nearest-rank percentiles of samples, ms (null without samples). */
export interface Percentiles {
  readonly samples: number
  readonly p50: number | null
  readonly p99: number | null
  readonly max: number | null
}

/** Bytes per client: the mean, the least and the most, and the mean per second of the run. */
export interface PerClientBytes {
  readonly mean: number
  readonly min: number
  readonly max: number
  readonly perSecond: number
}

/** The JSON report `pnpm loadtest` prints on stdout at the end. */
export interface LoadReport {
  readonly url: string
  readonly script: string
  /** Clients asked for. */
  readonly clients: number
  readonly workers: number
  readonly rampS: number
  readonly durationS: number
  /** Clients whose script's `start` resolved (connected and playing). */
  readonly connected: number
  /** Clients whose `start` threw. */
  readonly failed: number
  /** Sockets open at the end of the run. */
  readonly openAtEnd: number
  /** Sockets opened beyond one per client (the clients reconnected). */
  readonly reconnects: number
  /** Time from a client's turn in the ramp to its `start` resolving, ms. */
  readonly connectMs: Percentiles
  /** The clients' RTT, each connected client sampled once a second, ms. */
  readonly rttMs: Percentiles
  /** WebSocket payload bytes per client. */
  readonly bytesIn: PerClientBytes
  readonly bytesOut: PerClientBytes
  /** Number of errors: failed starts and sockets that ended badly (see `errorsByCode`). */
  readonly errors: number
  /** Errors by code: `start:<error code>`, `error:<socket error or HTTP status>`, `close:<WebSocket close code>`. */
  readonly errorsByCode: Readonly<Record<string, number>>
  /** Highest 99th percentile of a worker's event-loop delay, ms: above ~50 the load generator itself was saturated. */
  readonly generatorLoopDelayP99Ms: number
  /** Highest CPU use of a worker over half a second, percent of one core: near 100 one process cannot drive its clients. */
  readonly generatorCpuPct: number
}

/** @returns nearest-rank p50, p99 and max of `samples` */
export function percentiles(samples: readonly number[]): Percentiles {
  if (samples.length === 0) return { samples: 0, p50: null, p99: null, max: null }
  const sorted = [...samples].sort((a, b) => a - b)
  const rank = (p: number): number => round(sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] ?? 0)
  return { samples: sorted.length, p50: rank(0.5), p99: rank(0.99), max: round(sorted[sorted.length - 1] ?? 0) }
}

const round = (n: number): number => Math.round(n * 100) / 100

function perClient(values: readonly number[], seconds: number): PerClientBytes {
  if (values.length === 0) return { mean: 0, min: 0, max: 0, perSecond: 0 }
  let sum = 0
  for (const v of values) sum += v
  const mean = sum / values.length
  return { mean: Math.round(mean), min: Math.min(...values), max: Math.max(...values), perSecond: Math.round(mean / Math.max(seconds, 1e-3)) }
}

/** The run's settings and samples, beside the workers' final snapshots. */
export interface RunFacts {
  readonly url: string
  readonly script: string
  readonly clients: number
  readonly workers: number
  readonly rampS: number
  readonly durationS: number
  /** Length of the run, from the ramp's start to the stop, seconds. */
  readonly elapsedS: number
  readonly rttMs: readonly number[]
  readonly connectMs: readonly number[]
  readonly generatorLoopDelayP99Ms: number
  readonly generatorCpuPct: number
}

/**
 * Builds the report from the workers' final snapshots.
 * @param facts - settings and samples of the run
 * @param finals - each worker's final snapshot
 */
export function buildReport(facts: RunFacts, finals: readonly WorkerSnapshot[]): LoadReport {
  const errorsByCode: Record<string, number> = {}
  let errors = 0
  for (const s of finals) {
    for (const [code, n] of Object.entries(s.errors)) {
      errorsByCode[code] = (errorsByCode[code] ?? 0) + n
      errors += n
    }
  }
  const sum = (key: 'connected' | 'failed' | 'open' | 'reconnects'): number => finals.reduce((n, s) => n + s[key], 0)
  return {
    url: facts.url,
    script: facts.script,
    clients: facts.clients,
    workers: facts.workers,
    rampS: facts.rampS,
    durationS: facts.durationS,
    connected: sum('connected'),
    failed: sum('failed'),
    openAtEnd: sum('open'),
    reconnects: sum('reconnects'),
    connectMs: percentiles(facts.connectMs),
    rttMs: percentiles(facts.rttMs),
    bytesIn: perClient(finals.flatMap((s) => s.bytesIn), facts.elapsedS),
    bytesOut: perClient(finals.flatMap((s) => s.bytesOut), facts.elapsedS),
    errors,
    errorsByCode,
    generatorLoopDelayP99Ms: facts.generatorLoopDelayP99Ms,
    generatorCpuPct: facts.generatorCpuPct,
  }
}
