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
  /**
   * Saves the sessions for a resume after the restart (a durable commit log with a session store); true when
   * they were saved (then no session ends here). Null: sessions end.
   */
  readonly saveSessions: (() => boolean) | null
  readonly sessions: Iterable<ClientSession>
  readonly tick: number
  readonly counters: SessionCounters
  readonly log: Logger
}

/**
 * A graceful shutdown: stops the timers and new connections, flushes the last tick, with a session store
 * waits until it is durable and saves the sessions, closes every connection with CloseCode.ServerShutdown and
 * waits for them, closes the listener, then the commit log. A failing flush or log close is counted and
 * logged; the shutdown goes on.
 *
 * @param parts - what to stop
 */
export async function shutdown(parts: ShutdownParts): Promise<void> {
  const { listener, counters, log } = parts
  for (const timer of parts.timers) timer.stop()
  listener?.stopAccepting()
  const flushed = finalFlush(parts)
  if (flushed && parts.saveSessions !== null) await saveWhenDurable(parts, parts.saveSessions)
  parts.keeper.stop()
  const sessions = [...parts.sessions]
  for (const session of sessions) session.end(CloseCode.ServerShutdown, SHUTDOWN_REASON)
  await Promise.all(sessions.map((s) => s.closed))
  await listener?.close()
  try {
    await parts.pipeline.close()
  } catch (error) {
    counters.errors++
    log.error({ err: error }, 'closing the commit log failed')
  }
  log.info({ ticks: parts.tick, seq: parts.pipeline.seq }, 'server closed')
}

/** Flushes the last tick; false when it failed (counted and logged). */
function finalFlush(parts: ShutdownParts): boolean {
  try {
    parts.pipeline.endTick(parts.tick, Date.now())
    return true
  } catch (error) {
    parts.counters.errors++
    parts.log.error({ err: error }, 'final flush failed')
    return false
  }
}

/**
 * Waits until the last tick is durable (the reducer results that waited for it are then in the sessions'
 * streams), flushes once more what committed meanwhile (an onDisconnect of a client that left), and saves
 * the sessions.
 */
async function saveWhenDurable(parts: ShutdownParts, save: () => boolean): Promise<void> {
  const { pipeline, log } = parts
  for (let round = 0; round < 3; round++) {
    const seq = pipeline.seq
    if (!(await pipeline.durable())) {
      log.warn('the last tick is not durable; the sessions are not saved')
      return
    }
    if (pipeline.seq === seq) {
      save()
      return
    }
    if (!finalFlush(parts)) return
  }
  log.warn('the world kept changing during the shutdown; the sessions are not saved')
}
