import type { Replicator } from '@orrery/sync'
import type { ClientSession, SessionCounters } from './client-session.js'
import type { CommitPipeline } from './commit-pipeline.js'
import type { DurationStats } from './duration-stats.js'
import type { ServerMetrics } from './orrery-server.js'
import type { ReducerCalls } from './reducer-calls.js'
import type { SessionRegistry } from './resume/session-registry.js'

/** Where the figures of {@link collectMetrics} come from. */
export interface MetricsSources {
  readonly ticks: number
  readonly skippedTicks: number
  readonly tickStats: DurationStats
  readonly sessions: ReadonlyMap<string, ClientSession>
  readonly pipeline: CommitPipeline
  readonly counters: SessionCounters
  readonly calls: ReducerCalls
  readonly replicator: Replicator
  readonly registry: SessionRegistry
}

/**
 * The figures of `server.metrics()`, read now (copies: later changes do not show in them).
 *
 * @param from - the server's parts
 * @returns the figures, see {@link ServerMetrics}
 */
export function collectMetrics(from: MetricsSources): ServerMetrics {
  const { sessions, pipeline, counters, registry } = from
  let clients = 0
  for (const session of sessions.values()) if (session.isReady) clients++
  return {
    ticks: from.ticks,
    skippedTicks: from.skippedTicks,
    tickDurationsMs: from.tickStats.summary(),
    clients,
    connections: sessions.size,
    seq: pipeline.seq,
    durableSeq: pipeline.flushedSeq,
    groupCommitWaitMs: pipeline.groupWait.summary(),
    bytesSent: counters.bytesSent,
    bytesReceived: counters.bytesReceived,
    messagesReceived: counters.messagesReceived,
    reducerCalls: from.calls.calls,
    reducerErrors: from.calls.errors,
    rateLimited: counters.rateLimited,
    errors: counters.errors,
    replication: { ...from.replicator.stats },
    resume: { ...registry.counters, detachedSessions: registry.detached, historyBytes: registry.historyBytes },
  }
}
