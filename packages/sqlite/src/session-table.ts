import type { SavedSessions, SessionStore } from '@orrery/server'
import type Database from 'better-sqlite3'
import { SqliteError } from './sqlite-error.js'

/**
 * The migrations of a data folder after its format-2 tables, in order; `PRAGMA user_version` counts those
 * applied. Each adds tables an older version of this package ignores, so the format stays 2.
 */
const MIGRATIONS: readonly string[] = [
  // 1: the sessions a graceful shutdown saves for a resume after the restart.
  `CREATE TABLE IF NOT EXISTS resume_saved (
     one INTEGER PRIMARY KEY CHECK (one = 1), seq INTEGER NOT NULL, tick INTEGER NOT NULL, saved_at REAL NOT NULL);
   CREATE TABLE IF NOT EXISTS resume_session (id TEXT PRIMARY KEY, image BLOB NOT NULL);`,
]

/**
 * Applies the migrations a data folder lacks, each in its own transaction.
 *
 * @param db - the data folder's database, open for writing
 * @example
 * ```ts
 * import Database from 'better-sqlite3'
 * migrateTables(new Database('./.orrery/orrery.db'))
 * ```
 */
export function migrateTables(db: Database.Database): void {
  const applied = db.pragma('user_version', { simple: true }) as number
  for (let version = applied; version < MIGRATIONS.length; version++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[version] as string)
      db.pragma(`user_version = ${version + 1}`)
    })()
  }
}

/**
 * The session store of a data folder: the sessions a graceful shutdown saved, in the `resume_saved` and
 * `resume_session` tables of the same database, written and taken in one transaction each.
 */
export class SqliteSessionStore implements SessionStore {
  /** @param db - the data folder's database, migrated with {@link migrateTables} */
  constructor(private readonly db: Database.Database) {}

  /**
   * Replaces the saved sessions.
   *
   * @param saved - the sessions, and the seq, tick and time (ms since the Unix epoch) they go with
   * @throws {SqliteError} `ERR_WRITE_FAILED` when they cannot be written (nothing is changed then)
   */
  save(saved: SavedSessions): void {
    try {
      this.db.transaction(() => {
        this.clear()
        this.db.prepare('INSERT INTO resume_saved (one, seq, tick, saved_at) VALUES (1, ?, ?, ?)').run(saved.seq, saved.tick, saved.savedAt)
        const insert = this.db.prepare('INSERT INTO resume_session (id, image) VALUES (?, ?)')
        for (const session of saved.sessions) insert.run(session.id, session.image)
      })()
    } catch (error) {
      throw new SqliteError('ERR_WRITE_FAILED', `the sessions could not be saved: ${(error as Error).message}`, { cause: error })
    }
  }

  /**
   * Reads the saved sessions and deletes them.
   *
   * @returns them, or null when none are saved
   * @throws {SqliteError} `ERR_CLOSED` after the log closed
   */
  take(): SavedSessions | null {
    if (!this.db.open) throw new SqliteError('ERR_CLOSED', 'the commit log is closed')
    return this.db.transaction((): SavedSessions | null => {
      const head = this.db.prepare('SELECT seq, tick, saved_at FROM resume_saved WHERE one = 1').get() as
        | { seq: number; tick: number; saved_at: number }
        | undefined
      const rows = this.db.prepare('SELECT id, image FROM resume_session ORDER BY id').all() as { id: string; image: Uint8Array }[]
      this.clear()
      if (head === undefined) return null
      return { seq: head.seq, tick: head.tick, savedAt: head.saved_at, sessions: rows.map((row) => ({ id: row.id, image: row.image })) }
    })()
  }

  private clear(): void {
    this.db.exec('DELETE FROM resume_saved; DELETE FROM resume_session;')
  }
}
