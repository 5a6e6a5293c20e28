import { existsSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import type { WorldImage } from '@orrery/ecs'
import type { CommitEntry, CommitLogReader } from '@orrery/server'
import Database from 'better-sqlite3'
import { decodeEntry, readFrames } from './entry-codec.js'
import { migrateTables } from './session-table.js'
import { decodeSnapshot, type EncodedSnapshot, snapshotChecksum } from './snapshot-codec.js'
import { SqliteError } from './sqlite-error.js'
import type { StoredSchema } from './stored-schema.js'

/** The database file inside a data folder. */
export const DATABASE_FILE = 'orrery.db'

/** The format of the tables below; a data folder of another format is refused. */
const FORMAT = '2'

const TABLES = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS segment (first_seq INTEGER PRIMARY KEY, last_seq INTEGER NOT NULL, body BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS snapshot (
  id INTEGER PRIMARY KEY, seq INTEGER NOT NULL, tick INTEGER NOT NULL, time REAL NOT NULL, header BLOB NOT NULL, parts INTEGER NOT NULL, crc INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS snapshot_part (
  snapshot INTEGER NOT NULL, part INTEGER NOT NULL, data BLOB NOT NULL, PRIMARY KEY (snapshot, part));
`

/** A snapshot's row, without its blobs. */
export interface SnapshotInfo {
  readonly id: number
  readonly seq: number
  readonly tick: number
  readonly time: number
  readonly bytes: number
}

/** An entry whose checksum failed, or a gap in the seqs. */
export interface BadEntry {
  readonly seq: number
  readonly reason: string
}

/** Options of {@link LogStore}. */
export interface LogStoreOptions {
  /** Open without writing (the CLI); the data folder must exist. */
  readonly readonly?: boolean
}

/**
 * The tables of a data folder and the reads on them: checked entries by seq range, snapshots,
 * the stored schema. Shared by the commit log (which also writes) and the CLI.
 */
export class LogStore implements CommitLogReader {
  /** The open database. */
  readonly db: Database.Database
  private readonly selectRange: Database.Statement<[number, number], { first_seq: number; last_seq: number; body: Uint8Array }>
  private readonly selectSnapshots: Database.Statement<[], SnapshotInfo>

  /**
   * Opens (and with write access creates) the database of a data folder.
   * @param dir - the data folder
   * @param options - `readonly`
   * @throws {SqliteError} `ERR_OPEN_FAILED` when it cannot be opened or has another format
   */
  constructor(
    readonly dir: string,
    options: LogStoreOptions = {},
  ) {
    const file = join(dir, DATABASE_FILE)
    try {
      if (options.readonly === true) {
        if (!existsSync(file)) throw new Error(`${file} does not exist`)
        this.db = new Database(file, { readonly: true, fileMustExist: true })
      } else {
        mkdirSync(dir, { recursive: true })
        this.db = new Database(file)
        this.db.pragma('journal_mode = WAL')
        this.db.exec(TABLES)
        migrateTables(this.db)
        const format = this.meta('format')
        if (format === undefined) this.setMeta('format', FORMAT)
      }
      const format = this.meta('format')
      if (format !== undefined && format !== FORMAT) throw new Error(`format ${format} is not ${FORMAT}`)
    } catch (error) {
      throw new SqliteError('ERR_OPEN_FAILED', `cannot open the data folder ${dir}: ${(error as Error).message}`, { cause: error })
    }
    this.selectRange = this.db.prepare(
      'SELECT first_seq, last_seq, body FROM segment WHERE last_seq >= ? AND first_seq <= ? ORDER BY first_seq',
    )
    this.selectSnapshots = this.db.prepare('SELECT id, seq, tick, time, length(header) AS bytes FROM snapshot ORDER BY id DESC')
  }

  /** @returns a meta value */
  meta(key: string): string | undefined {
    const row = this.db.prepare('SELECT value FROM meta WHERE key = ?').get(key) as { value: string } | undefined
    return row?.value
  }

  /** Sets a meta value. */
  setMeta(key: string, value: string): void {
    this.db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value').run(key, value)
  }

  /** @returns the schema the data was written with, or null for a new folder */
  storedSchema(): StoredSchema | null {
    const raw = this.meta('schema')
    return raw === undefined ? null : (JSON.parse(raw) as StoredSchema)
  }

  range(): { first: number; last: number } {
    const row = this.db.prepare('SELECT min(first_seq) AS first, max(last_seq) AS last FROM segment').get() as {
      first: number | null
      last: number | null
    }
    if (row.last === null) {
      const snap = this.snapshots()[0]
      const at = snap === undefined ? 0 : snap.seq
      return { first: at + 1, last: at }
    }
    return { first: row.first as number, last: row.last }
  }

  /**
   * Reads entries in seq order, checking each checksum and that seqs follow each other.
   * @param from - first seq (inclusive)
   * @param to - last seq (inclusive)
   * @param onBad - called with the first bad entry, after which nothing more is read; default: throw
   * @throws {SqliteError} `ERR_CORRUPT` for a bad entry when no `onBad` is given
   */
  *checkedEntries(from: number, to: number, onBad?: (bad: BadEntry) => void): Generator<CommitEntry> {
    let expected = -1
    const fail = (bad: BadEntry): void => {
      if (onBad === undefined) throw new SqliteError('ERR_CORRUPT', `log entry ${bad.seq}: ${bad.reason}`)
      onBad(bad)
    }
    for (const segment of this.selectRange.iterate(from, to)) {
      if (expected >= 0 && segment.first_seq !== expected) {
        fail({ seq: expected, reason: `seq ${expected} is missing (the next segment starts at ${segment.first_seq})` })
        return
      }
      let seq = segment.first_seq
      for (const frame of readFrames(segment.body)) {
        let entry: CommitEntry | null = null
        let reason = 'checksum mismatch'
        if (frame.body !== null) {
          try {
            entry = decodeEntry(frame.body)
            if (entry.seq !== seq) {
              reason = `holds seq ${entry.seq} where ${seq} belongs`
              entry = null
            }
          } catch (error) {
            reason = `undecodable: ${(error as Error).message}`
          }
        }
        if (entry === null) {
          fail({ seq, reason })
          return
        }
        seq++
        if (entry.seq > to) return
        if (entry.seq >= from) yield entry
      }
      if (seq !== segment.last_seq + 1) {
        fail({ seq, reason: `the segment ${segment.first_seq}..${segment.last_seq} ends early` })
        return
      }
      expected = seq
    }
  }

  /**
   * Cuts the log before `seq`: the segment holding it keeps only its frames before `seq`, later
   * segments are deleted.
   * @param seq - the first seq to drop
   * @returns the number of entries dropped
   */
  cutFrom(seq: number): number {
    const last = this.range().last
    const holder = this.db.prepare('SELECT first_seq, body FROM segment WHERE first_seq <= ? AND last_seq >= ?').get(seq, seq) as
      | { first_seq: number; body: Uint8Array }
      | undefined
    this.db.transaction(() => {
      if (holder !== undefined) {
        let at = holder.first_seq
        let keep = 0
        for (const frame of readFrames(holder.body)) {
          if (at === seq) {
            keep = frame.offset
            break
          }
          at++
        }
        if (keep === 0) this.db.prepare('DELETE FROM segment WHERE first_seq = ?').run(holder.first_seq)
        else
          this.db
            .prepare('UPDATE segment SET body = ?, last_seq = ? WHERE first_seq = ?')
            .run(holder.body.subarray(0, keep), seq - 1, holder.first_seq)
      }
      this.db.prepare('DELETE FROM segment WHERE first_seq > ?').run(seq)
    })()
    return Math.max(0, last - seq + 1)
  }

  /**
   * Where an entry's frame lies (for tools and tests that inspect or damage the file).
   * @param seq - an entry's seq
   * @returns its segment and the frame's byte offset, or undefined
   */
  locate(seq: number): { firstSeq: number; offset: number } | undefined {
    const holder = this.db.prepare('SELECT first_seq, body FROM segment WHERE first_seq <= ? AND last_seq >= ?').get(seq, seq) as
      | { first_seq: number; body: Uint8Array }
      | undefined
    if (holder === undefined) return undefined
    let at = holder.first_seq
    for (const frame of readFrames(holder.body)) {
      if (at === seq) return { firstSeq: holder.first_seq, offset: frame.offset }
      at++
    }
    return undefined
  }

  entries(from: number, to: number): Iterable<CommitEntry> {
    return this.checkedEntries(from, to)
  }

  /** @returns every snapshot, newest first */
  snapshots(): SnapshotInfo[] {
    return this.selectSnapshots.all()
  }

  /**
   * Reads and checks one snapshot.
   * @param id - the snapshot id
   * @returns its seq and image
   * @throws {SqliteError} `ERR_CORRUPT` when its checksum fails or it does not decode; `ERR_NOT_FOUND`
   */
  readSnapshot(id: number): { seq: number; tick: number; image: WorldImage } {
    const row = this.db.prepare('SELECT seq, tick, header, parts, crc FROM snapshot WHERE id = ?').get(id) as
      | { seq: number; tick: number; header: Uint8Array; parts: number; crc: number }
      | undefined
    if (row === undefined) throw new SqliteError('ERR_NOT_FOUND', `no snapshot ${id}`)
    const parts = (this.db.prepare('SELECT data FROM snapshot_part WHERE snapshot = ? ORDER BY part').all(id) as { data: Uint8Array }[]).map(
      (p) => p.data,
    )
    const encoded: EncodedSnapshot = { header: row.header, parts }
    if (parts.length !== row.parts || snapshotChecksum(encoded) !== row.crc) {
      throw new SqliteError('ERR_CORRUPT', `snapshot ${id} (seq ${row.seq}) fails its checksum`)
    }
    try {
      return { seq: row.seq, tick: row.tick, image: decodeSnapshot(encoded) }
    } catch (error) {
      if (error instanceof SqliteError) throw error
      throw new SqliteError('ERR_CORRUPT', `snapshot ${id} does not decode: ${(error as Error).message}`, { cause: error })
    }
  }

  /**
   * The newest readable snapshot at or before `seq`; corrupt ones are skipped and reported.
   * @param seq - the latest seq wanted
   * @param onCorrupt - told about each snapshot skipped
   * @returns the snapshot, or null
   */
  newestGoodSnapshot(seq: number, onCorrupt?: (error: SqliteError) => void): { id: number; seq: number; tick: number; image: WorldImage } | null {
    for (const info of this.snapshots()) {
      if (info.seq > seq) continue
      try {
        return { id: info.id, ...this.readSnapshot(info.id) }
      } catch (error) {
        if (!(error instanceof SqliteError)) throw error
        onCorrupt?.(error)
      }
    }
    return null
  }

  snapshotAtOrBefore(seq: number): { seq: number; image: WorldImage } | null {
    const found = this.newestGoodSnapshot(seq)
    return found === null ? null : { seq: found.seq, image: found.image }
  }

  /** Closes the database. */
  close(): void {
    if (this.db.open) this.db.close()
  }
}
