/** One session a graceful shutdown saved: its id and its state, encoded by the server (opaque to the store). */
export interface SavedSession {
  /** The session id (what its client presents in `Hello.resume`). */
  readonly id: string
  /** The session's state: frames, counters, requestIds, the replicator's view of it (a versioned encoding). */
  readonly image: Uint8Array
}

/** The sessions a graceful shutdown saved, and the world they go with. */
export interface SavedSessions {
  /** The seq of the world when they were saved (its last committed transaction). */
  readonly seq: number
  /** The tick of the world when they were saved (its last tick run). */
  readonly tick: number
  /** When they were saved, ms since the Unix epoch: their resume windows count from there. */
  readonly savedAt: number
  readonly sessions: readonly SavedSession[]
}

/**
 * Where a server with a durable commit log keeps its resumable sessions across a graceful restart: written
 * once at shutdown, after the last tick is durable, and taken once by the next process that opens the log.
 * `@orrery/sqlite`'s commit log provides one (`commitLog.sessions`).
 *
 * @example
 * ```ts
 * let kept: SavedSessions | null = null
 * const store: SessionStore = {
 *   save: (saved) => { kept = saved },
 *   take: () => { const taken = kept; kept = null; return taken },
 * }
 * ```
 */
export interface SessionStore {
  /**
   * Replaces what the store holds with these sessions, all at once (one transaction).
   *
   * @param saved - the sessions and the seq, tick and time they go with
   * @throws when they cannot be written (the server logs it and its sessions end as without a store)
   */
  save(saved: SavedSessions): void
  /**
   * Reads the saved sessions and deletes them (a saved session is restored by one restart at most).
   *
   * @returns what {@link SessionStore.save} wrote last, or null when nothing is saved
   * @throws when they cannot be read (the server logs it and starts without them)
   */
  take(): SavedSessions | null
}
