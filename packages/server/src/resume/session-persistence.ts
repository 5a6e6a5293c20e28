import type { SchemaDescription } from '@orrery/protocol'
import type { Logger } from 'pino'
import type { CommitLog } from '../commit-log.js'
import { decodeSessionImage, encodeSessionImage, type SessionImage } from './session-image.js'
import type { SessionKeeper } from './session-keeper.js'
import type { SessionStore } from './session-store.js'

/** Saved sessions that fit the recovered world, ready to restore. */
export interface SessionsToRestore {
  /** The tick they were saved at: the server goes on from it. */
  readonly tick: number
  readonly images: readonly SessionImage[]
  /** Ms since they were saved (restart downtime included): taken off their resume windows. */
  readonly elapsedMs: number
}

/**
 * The session store a graceful shutdown saves into: the commit log's, when the log is durable.
 *
 * @param log - the server's commit log, if any
 * @returns the store, or undefined (sessions then end at shutdown)
 */
export function sessionStoreOf(log: CommitLog | undefined): SessionStore | undefined {
  return log?.durable === true ? log.sessions : undefined
}

/**
 * At a graceful shutdown, once the last tick is flushed and durable: writes every session to the store in one
 * transaction, then hands them over (they end here without onDisconnect; the next process restores them).
 *
 * @param keeper - the server's sessions
 * @param store - the commit log's session store
 * @param world - the seq and tick the world stands at (nothing commits after this), and the Welcome schema
 * @param log - where the outcome is logged
 * @returns true when they were saved; false when the store failed (the sessions then end as without a store)
 */
export function saveSessions(
  keeper: SessionKeeper,
  store: SessionStore,
  world: { readonly seq: number; readonly tick: number; readonly schema: SchemaDescription },
  log: Logger,
): boolean {
  const images = keeper.images(JSON.stringify(world.schema))
  // Nothing to keep (what an earlier shutdown saved was taken when this server started).
  if (images.length === 0) return true
  let bytes = 0
  try {
    const sessions = images.map((image) => {
      const encoded = encodeSessionImage(image)
      bytes += encoded.byteLength
      return { id: image.id, image: encoded }
    })
    store.save({ seq: world.seq, tick: world.tick, savedAt: Date.now(), sessions })
  } catch (error) {
    log.error({ err: error }, 'the sessions could not be saved for the restart; they end now')
    return false
  }
  keeper.handOver()
  log.info({ sessions: images.length, bytes, seq: world.seq, tick: world.tick }, 'sessions saved for a resume after the restart')
  return true
}

/**
 * At start: takes the sessions a graceful shutdown saved (the store forgets them) and keeps them when they go
 * with the recovered world: the same seq (no transaction in between), a tick not after theirs (ticks
 * without a transaction leave no trace in the log, so the log's tick may be earlier), and the same Welcome
 * schema (a resumed client keeps the schema it was given: a deploy that changes the replicated components or
 * the reducers' arguments drops them). Anything else is logged, with why, and dropped: those clients re-sync
 * as after a crash.
 *
 * @param store - the commit log's session store, if it has one
 * @param recovered - the seq and tick of the recovered world, and this server's Welcome schema
 * @param resumeEnabled - whether sessions may wait for a resume at all (`resume.graceMs` > 0)
 * @param log - where a dropped save is reported
 * @returns the sessions to restore, or null
 */
export function takeSavedSessions(
  store: SessionStore | undefined,
  recovered: { readonly seq: number; readonly tick: number; readonly schema: SchemaDescription },
  resumeEnabled: boolean,
  log: Logger,
): SessionsToRestore | null {
  if (store === undefined) return null
  let saved: ReturnType<SessionStore['take']>
  try {
    saved = store.take()
  } catch (error) {
    log.warn({ err: error }, 'the saved sessions could not be read; clients re-sync')
    return null
  }
  if (saved === null) return null
  const context = { sessions: saved.sessions.length, savedSeq: saved.seq, savedTick: saved.tick, seq: recovered.seq, tick: recovered.tick }
  const drop = (why: string): null => {
    log.warn(context, `saved sessions dropped: ${why}; their clients re-sync`)
    return null
  }
  if (!resumeEnabled) return drop('resume is off (resume.graceMs is 0)')
  if (saved.seq !== recovered.seq) return drop('the recovered world is at another seq than the one they were saved with')
  if (recovered.tick > saved.tick) return drop('the recovered world is at a later tick than the one they were saved at')
  const schema = JSON.stringify(recovered.schema)
  const images: SessionImage[] = []
  for (const session of saved.sessions) {
    const image = decodeSessionImage(session.image)
    if (typeof image === 'string') log.warn({ sessionId: session.id }, `saved session not restored: ${image}`)
    else if (image.schema !== schema) return drop('the module replicates other components or reducers than when they were saved')
    else images.push(image)
  }
  log.info(context, 'saved sessions go with the recovered world; they wait for their clients')
  return { tick: saved.tick, images, elapsedMs: Math.max(0, Date.now() - saved.savedAt) }
}
