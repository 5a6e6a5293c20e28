import { CloseCode } from '@orrery/protocol'
import type { Logger } from 'pino'
import type { ClientSession, SessionCounters } from './client-session.js'
import type { CommitPipeline } from './commit-pipeline.js'
import type { Listener } from './listener.js'

/** The close reason every connection gets at shutdown. */
export const SHUTDOWN_REASON = 'server shutting down'

/** What a shutdown stops, in order. */
export interface ShutdownParts {
  /** Timers that stop first: the tick loop, the heartbeat, the signal handlers. */
  readonly timers: readonly { stop(): void }[]
  readonly listener: Listener | null
  readonly pipeline: CommitPipeline
  /** The session keeper: stops before the sessions end, so none of them waits for a resume. */
  readonly keeper: { stop(): void }
  readonly sessions: Iterable<ClientSession>
  readonly tick: number
  readonly counters: SessionCounters
  readonly log: Logger
}

/**
 * A graceful shutdown: stops the timers and new connections, flushes the last tick, closes every connection
 * with CloseCode.ServerShutdown and waits for them, closes the listener, then the commit log. A failing flush
 * or log close is counted and logged; the shutdown goes on.
 *
 * @param parts - what to stop
 */
export async function shutdown(parts: ShutdownParts): Promise<void> {
  const { listener, pipeline, counters, log } = parts
  for (const timer of parts.timers) timer.stop()
  listener?.stopAccepting()
  try {
    pipeline.endTick(parts.tick, Date.now())
  } catch (error) {
    counters.errors++
    log.error({ err: error }, 'final flush failed')
  }
  parts.keeper.stop()
  const sessions = [...parts.sessions]
  for (const session of sessions) session.end(CloseCode.ServerShutdown, SHUTDOWN_REASON)
  await Promise.all(sessions.map((s) => s.closed))
  await listener?.close()
  try {
    await pipeline.close()
  } catch (error) {
    counters.errors++
    log.error({ err: error }, 'closing the commit log failed')
  }
  log.info({ ticks: parts.tick, seq: pipeline.seq }, 'server closed')
}
