import { CloseCode } from '@orrery/protocol'
import type { Registry } from 'prom-client'
import type { ServerMetrics } from '../orrery-server.js'
import type { ConnectionTraffic } from './connection-traffic.js'
import { DurationBuckets, TICK_BOUNDS_MS } from './duration-buckets.js'
import { failedHandshake, HANDSHAKE_OUTCOMES, type HandshakeOutcome } from './handshake-outcome.js'
import type { MetricsOptions } from './metrics-options.js'
import { registerPrometheusMetrics } from './prometheus-metrics.js'
import { ReducerStats, reducerOutcome } from './reducer-stats.js'

/** Close codes counted by their number (RFC 6455's and Orrery's); a peer's other codes count as {@link OTHER_CLOSE_CODE}. */
const KNOWN_CLOSE_CODES: ReadonlySet<number> = new Set([...Object.values(CloseCode), 1002, 1003, 1005, 1006, 1007, 1008, 1010])

/** The key under which close codes outside {@link KNOWN_CLOSE_CODES} are counted (peers choose them: unbounded labels otherwise). */
export const OTHER_CLOSE_CODE = -1

/** One open connection as the metrics and the monitor see it. */
export interface MonitoredSession {
  readonly id: string
  /** The identity, or null before Welcome. */
  readonly identity: string | null
  readonly remoteAddress: string | undefined
  /** Whether the handshake completed. */
  readonly isReady: boolean
  readonly traffic: ConnectionTraffic
  /** Sends a WebSocket ping (its pong measures the RTT). */
  ping(): void
}

/** What the telemetry reads from its server, at scrape and poll time only. */
export interface TelemetrySource {
  /** The server's counters (see `OrreryServer.metrics`). */
  metrics(): ServerMetrics
  /** The open connections. */
  sessions(): Iterable<MonitoredSession>
  /** Whether the commit log is durable (its lag is exported then). */
  readonly durableLog: boolean
}

/**
 * What a server records for its Prometheus metrics and its monitor, beyond the counters of
 * `server.metrics()`: handshakes by outcome, reducer calls by name and outcome with their durations, tick
 * durations, close codes, frames written. The host calls the recording methods; each is a few
 * additions (no allocation, no label lookup).
 */
export class Telemetry {
  /** Calls from clients, per reducer. */
  readonly reducers: ReducerStats
  /** Durations of ticks, ms. */
  readonly ticks = new DurationBuckets(TICK_BOUNDS_MS)
  /** Handshakes by outcome. */
  readonly handshakes: Record<HandshakeOutcome, number>
  /** Connections closed, by close code (0: the socket ended without one; {@link OTHER_CLOSE_CODE}: a code Orrery does not know). */
  readonly closeCodes = new Map<number, number>()
  /** The registry served at `/metrics`, or null when metrics are off. */
  readonly registry: Registry | null
  /** Whether `/monitor` is served. */
  readonly monitor: boolean
  private retiredFramesOut = 0

  /**
   * @param reducerNames - the module's reducers
   * @param source - the server, read at scrape and poll time
   * @param serve - the metrics' registry and prefix (null: no /metrics), and whether to serve the monitor
   * @throws Error from prom-client when the registry holds a metric of the same name already
   */
  constructor(
    reducerNames: Iterable<string>,
    readonly source: TelemetrySource,
    serve: { readonly metrics: MetricsOptions | null; readonly monitor: boolean },
  ) {
    this.reducers = new ReducerStats(reducerNames)
    this.handshakes = Object.fromEntries(HANDSHAKE_OUTCOMES.map((o) => [o, 0])) as Record<HandshakeOutcome, number>
    this.monitor = serve.monitor
    this.registry = serve.metrics === null ? null : registerPrometheusMetrics(this, serve.metrics)
  }

  /** A client call of reducer `name` took `ms` and ended with wire error `code` (null: success). */
  reducer(name: string, code: string | null, ms: number): void {
    this.reducers.get(name).record(reducerOutcome(code), ms)
  }

  /** A tick took `ms`. */
  tick(ms: number): void {
    this.ticks.record(ms)
  }

  /** A handshake completed (Welcome sent). */
  admitted(): void {
    this.handshakes.ok++
  }

  /**
   * A connection ended.
   * @param closeCode - the code this side closed with, else the peer's; null when none is known
   * @param admitted - whether its handshake had completed (else the close code says how it failed)
   * @param traffic - its traffic, whose frames stay counted once it is gone
   */
  closed(closeCode: number | null, admitted: boolean, traffic?: ConnectionTraffic): void {
    const code = closeCode === null ? 0 : KNOWN_CLOSE_CODES.has(closeCode) ? closeCode : OTHER_CLOSE_CODE
    this.closeCodes.set(code, (this.closeCodes.get(code) ?? 0) + 1)
    if (!admitted) this.handshakes[failedHandshake(closeCode)]++
    if (traffic !== undefined) this.retiredFramesOut += traffic.framesOut
  }

  /** @returns frames written to every connection since start */
  framesSent(): number {
    let frames = this.retiredFramesOut
    for (const session of this.source.sessions()) frames += session.traffic.framesOut
    return frames
  }

  /** @returns bytes queued on every socket now, not yet written to the network */
  outboxBytes(): number {
    let bytes = 0
    for (const session of this.source.sessions()) bytes += session.traffic.outboxBytes
    return bytes
  }
}

/**
 * The telemetry of a server with the `metrics` and `monitor` options, or null when both are off (then the
 * host records nothing).
 * @param options - the server's `metrics` and `monitor` options
 * @param reducerNames - the module's reducers
 * @param source - the server
 */
export function openTelemetry(
  options: { readonly metrics?: boolean | MetricsOptions | undefined; readonly monitor?: boolean | undefined },
  reducerNames: Iterable<string>,
  source: TelemetrySource,
): Telemetry | null {
  const metrics = options.metrics === true ? {} : options.metrics === false || options.metrics === undefined ? null : options.metrics
  const monitor = options.monitor ?? false
  if (metrics === null && !monitor) return null
  return new Telemetry(reducerNames, source, { metrics, monitor })
}
