import { Counter, Gauge, Registry } from 'prom-client'
import type { ServerMetrics } from '../orrery-server.js'
import { BucketHistogram } from './bucket-histogram.js'
import { HANDSHAKE_OUTCOMES } from './handshake-outcome.js'
import type { MetricsOptions } from './metrics-options.js'
import { REDUCER_OUTCOMES } from './reducer-stats.js'
import { OTHER_CLOSE_CODE, type Telemetry } from './telemetry.js'

type Labelled = readonly [labels: Record<string, string>, value: number]

/**
 * Registers the server's metrics in a prom-client registry. Every value is read when the registry is
 * scraped (collect callbacks over `server.metrics()` and the {@link Telemetry}); nothing is counted twice.
 *
 * @param telemetry - the server's telemetry (and, through it, `server.metrics()`)
 * @param options - the registry and the name prefix, see {@link MetricsOptions}
 * @returns the registry the metrics are in
 * @throws Error from prom-client when the registry holds a metric of the same name already (use another `prefix`)
 */
export function registerPrometheusMetrics(telemetry: Telemetry, options: MetricsOptions = {}): Registry {
  const registry = options.registry ?? new Registry()
  const prefix = options.prefix ?? 'orrery_'
  const read = (): ServerMetrics => telemetry.source.metrics()
  const gauge = (name: string, help: string, value: () => number): void => {
    new Gauge({ name: prefix + name, help, registers: [registry], collect() { this.set(value()) } })
  }
  const counter = (name: string, help: string, value: () => number): void => {
    new Counter({ name: prefix + name, help, registers: [registry], collect() { this.reset(); this.inc(value()) } })
  }
  const labelled = (name: string, help: string, labelNames: readonly string[], values: () => Iterable<Labelled>): void => {
    new Counter({
      name: prefix + name,
      help,
      labelNames,
      registers: [registry],
      collect() {
        this.reset()
        for (const [labels, value] of values()) this.labels(labels).inc(value)
      },
    })
  }

  gauge('clients', 'Connections that completed the handshake and are open.', () => read().clients)
  gauge('connections', 'Open sockets, including those still in the handshake.', () => read().connections)
  gauge('outbox_bytes', 'Bytes queued on all sockets, not yet written to the network.', () => telemetry.outboxBytes())
  gauge('seq', 'The last committed transaction sequence number.', () => read().seq)
  gauge('history_bytes', 'Bytes of frame history held for session resumes.', () => read().resume.historyBytes)
  gauge('detached_sessions', 'Sessions whose socket dropped, waiting for a resume.', () => read().resume.detachedSessions)
  if (telemetry.source.durableLog) {
    gauge('commit_log_lag', 'Transactions committed but not yet flushed to the durable commit log.', () => read().seq - read().durableSeq)
  }
  counter('ticks_total', 'Ticks run.', () => read().ticks)
  counter('ticks_skipped_total', 'Tick slots skipped because the loop fell behind.', () => read().skippedTicks)
  counter('received_bytes_total', 'Bytes read from sockets.', () => read().bytesReceived)
  counter('sent_bytes_total', 'Bytes written to sockets.', () => read().bytesSent)
  counter('received_frames_total', 'Frames received.', () => read().messagesReceived)
  counter('sent_frames_total', 'Frames written.', () => telemetry.framesSent())
  counter('rate_limited_total', 'Messages and connections refused by a rate limit or a connection cap.', () => read().rateLimited)
  counter('errors_total', 'Protocol violations, failed systems and hooks, socket errors.', () => read().errors)
  labelled('handshakes_total', 'Handshakes by outcome.', ['outcome'], () =>
    HANDSHAKE_OUTCOMES.map((outcome) => [{ outcome }, telemetry.handshakes[outcome]] as const),
  )
  labelled('reducer_calls_total', 'Reducer calls from clients, by reducer and outcome.', ['reducer', 'outcome'], function* () {
    for (const stat of telemetry.reducers.all()) {
      for (const outcome of REDUCER_OUTCOMES) {
        const n = stat.calls[outcome]
        if (n > 0 || outcome === 'ok') yield [{ reducer: stat.name, outcome }, n] as const
      }
    }
  })
  labelled('connections_closed_total', 'Connections closed, by WebSocket close code (0: none known; other: a code outside RFC 6455 and Orrery).', ['code'], () =>
    [...telemetry.closeCodes].map(([code, n]) => [{ code: code === OTHER_CLOSE_CODE ? 'other' : String(code) }, n] as const),
  )
  labelled('session_resumes_total', 'Session resumes by outcome.', ['outcome'], () => {
    const r = read().resume
    return [
      [{ outcome: 'resumed' }, r.resumed],
      [{ outcome: 'refused' }, r.refused],
      [{ outcome: 'expired' }, r.expired],
      [{ outcome: 'restored' }, r.restored],
    ] as const
  })
  new BucketHistogram(
    { name: `${prefix}reducer_duration_seconds`, help: 'Duration of reducer calls from clients, seconds.', labelNames: ['reducer'], registry },
    () => telemetry.reducers.all().map((stat) => ({ labels: { reducer: stat.name }, buckets: stat.buckets })),
  )
  new BucketHistogram(
    { name: `${prefix}tick_duration_seconds`, help: 'Duration of ticks (systems, replication, encoding), seconds.', labelNames: [], registry },
    () => [{ labels: {}, buckets: telemetry.ticks }],
  )
  return registry
}
