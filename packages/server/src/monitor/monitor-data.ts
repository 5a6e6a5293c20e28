import type { DurationSummary } from '../duration-stats.js'
import type { Telemetry } from '../metrics/telemetry.js'

/** One open connection in {@link MonitorData}. */
export interface MonitorSession {
  readonly id: string
  /** The identity's first 12 characters, or null before Welcome. */
  readonly identity: string | null
  readonly address: string | null
  /** Time since the socket opened, ms. */
  readonly connectedMs: number
  /** Time from the last server ping to its pong, ms; null before the first pong. */
  readonly rttMs: number | null
  readonly bytesIn: number
  readonly bytesOut: number
  /** Bytes queued on the socket now. */
  readonly outboxBytes: number
}

/** One reducer in {@link MonitorData}: calls from clients and their durations, ms. */
export interface MonitorReducer extends DurationSummary {
  readonly name: string
  readonly calls: number
  /** Calls that ended with an error (failed, invalid arguments, unknown reducer). */
  readonly errors: number
}

/** What `GET /monitor/data` answers: totals since start (the page turns them into rates) and the state now. */
export interface MonitorData {
  /** When this was read, ms since the epoch. */
  readonly time: number
  readonly clients: number
  readonly connections: number
  readonly ticks: number
  /** Recent tick durations, ms. */
  readonly tickMs: DurationSummary
  readonly bytesIn: number
  readonly bytesOut: number
  readonly reducerCalls: number
  readonly reducerErrors: number
  readonly outboxBytes: number
  readonly seq: number
  /** Open connections, the most recent first, at most 200. */
  readonly sessions: readonly MonitorSession[]
  /** The reducers called so far, the slowest (p99) first, at most 10. */
  readonly slowestReducers: readonly MonitorReducer[]
}

/** Sessions listed at most. */
const MAX_SESSIONS = 200
/** Reducers listed at most. */
const MAX_REDUCERS = 10
/** Age of an RTT after which reading the monitor's data pings the session again, ms. */
const RTT_REFRESH_MS = 2_000

/**
 * Reads the monitor's data now, and pings the sessions whose RTT is older than 2 s: while the page is open,
 * RTTs stay fresh (the heartbeat pings only quiet connections).
 * @param telemetry - the server's telemetry
 * @returns the totals, the sessions and the slowest reducers
 */
export function readMonitorData(telemetry: Telemetry): MonitorData {
  const m = telemetry.source.metrics()
  const now = Date.now()
  const sessions: MonitorSession[] = []
  for (const s of telemetry.source.sessions()) {
    const t = s.traffic
    if (s.isReady && t.rttStale(RTT_REFRESH_MS)) s.ping()
    sessions.push({
      id: s.id,
      identity: s.identity === null ? null : s.identity.slice(0, 12),
      address: s.remoteAddress ?? null,
      connectedMs: now - t.openedAt,
      rttMs: t.rttMs === null ? null : Math.round(t.rttMs * 100) / 100,
      bytesIn: t.bytesIn,
      bytesOut: t.bytesOut,
      outboxBytes: t.outboxBytes,
    })
  }
  sessions.sort((a, b) => a.connectedMs - b.connectedMs)
  const reducers: MonitorReducer[] = []
  for (const stat of telemetry.reducers.all()) {
    const { ok, failed, invalid_arguments, unknown_reducer } = stat.calls
    const calls = ok + failed + invalid_arguments + unknown_reducer
    if (calls === 0) continue
    reducers.push({ name: stat.name, calls, errors: calls - ok, ...stat.summary() })
  }
  reducers.sort((a, b) => b.p99 - a.p99)
  return {
    time: now,
    clients: m.clients,
    connections: m.connections,
    ticks: m.ticks,
    tickMs: m.tickDurationsMs,
    bytesIn: m.bytesReceived,
    bytesOut: m.bytesSent,
    reducerCalls: m.reducerCalls,
    reducerErrors: m.reducerErrors,
    outboxBytes: telemetry.outboxBytes(),
    seq: m.seq,
    sessions: sessions.slice(0, MAX_SESSIONS),
    slowestReducers: reducers.slice(0, MAX_REDUCERS),
  }
}
