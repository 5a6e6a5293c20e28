import { SyncError } from '@orrery/sync'
import type { ClientSession, SessionCounters } from './client-session.js'
import { messageOf } from './reducer-dispatcher.js'

/**
 * Runs one subscription request against the replicator; a refusal is answered with an Error frame carrying
 * the SyncError's code (`ERR_INTERNAL` for anything else) and the request's id, and the session goes on.
 *
 * @param session - the requesting session
 * @param counters - the server's counters (a refusal counts as an error)
 * @param requestId - the request's id, or null for a message without one (SetArea)
 * @param run - the replicator call
 */
export function runSyncRequest(session: ClientSession, counters: SessionCounters, requestId: number | null, run: () => void): void {
  try {
    run()
  } catch (error) {
    counters.errors++
    session.sendError(error instanceof SyncError ? error.code : 'ERR_INTERNAL', messageOf(error), requestId)
  }
}
