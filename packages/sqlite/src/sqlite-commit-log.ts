import type { Component, WorldImage } from '@orrery/ecs'
import type { CommitEntry, CommitLog, CommitLogReader, RecoveredLog, SessionStore, WorldSource } from '@orrery/server'
import { join } from 'node:path'
import type Database from 'better-sqlite3'
import { BackgroundWriter } from './background-writer.js'
import { encodeFrame } from './entry-codec.js'
import { type BadEntry, DATABASE_FILE, LogStore, type SnapshotInfo } from './log-store.js'
import { encodeSnapshot, snapshotChecksum } from './snapshot-codec.js'
import { SqliteSessionStore } from './session-table.js'
import { SqliteError } from './sqlite-error.js'
import { type MigrationContext, migrateStoredWorld } from './migration.js'
import { type StoredSchema, schemaMismatch, schemaOf } from './stored-schema.js'

/** Options of {@link createSqliteCommitLog}. */
export interface SqliteCommitLogOptions {
  /** The data folder (created when missing); the database is `orrery.db` inside it. */
  readonly dir: string
  /**
   * SQLite's `synchronous` setting. `'full'` (default): each group commit is fsynced before a
   * reducer result says durable, so it survives a power loss too. `'normal'`: in WAL mode a group
   * commit survives a crash of the process but may be lost with the last moments before a power loss.
   */
  readonly synchronous?: 'full' | 'normal'
  /** Take a snapshot after this many transactions since the last one. Default 10 000. */
  readonly snapshotEveryTransactions?: number
  /** Take a snapshot when this many ms passed since the last one (and something changed). Default 60 000. */
  readonly snapshotEveryMs?: number
  /** Snapshots kept; older ones are deleted. Default 2 (the newest, and one to fall back to). */
  readonly keepSnapshots?: number
  /** Once `keepSnapshots` snapshots exist, delete log entries at or before the oldest of them (time travel then starts there). Default true. */
  readonly pruneLog?: boolean
  /** Take a snapshot at a graceful close when the log moved since the last one. Default true. */
  readonly snapshotOnClose?: boolean
  /** Called when the stored schema does not fit the module; without it the server refuses to start. */
  readonly migrate?: (context: MigrationContext) => void
  /** Told about what recovery cut or skipped (a torn tail, a corrupt snapshot). Default: `process.emitWarning`. */
  readonly onWarning?: (message: string) => void
  /**
   * Where group commits and snapshots are written: `'thread'` (default) on a worker thread, so the
   * server goes on with the next tick while SQLite writes and syncs (reducer results wait for it);
   * `'inline'` on the server's thread (a flush returns once the group is on disk).
   */
  readonly writer?: 'thread' | 'inline'
  /** Wall clock for `snapshotEveryMs`, ms. Default `Date.now`. */
  readonly now?: () => number
}

/** Counters of a {@link SqliteCommitLog}. */
export interface SqliteCommitLogStats {
  /** Entries written since open. */
  readonly entries: number
  /** Group commits since open. */
  readonly groups: number
  /** Bytes of entry frames written since open. */
  readonly entryBytes: number
  /** Snapshots written since open. */
  readonly snapshots: number
  /** Duration of the last snapshot (capture, encode, write), ms. */
  readonly lastSnapshotMs: number
}

/** A durable commit log on SQLite, which can also be read (history and time travel). */
export interface SqliteCommitLog extends CommitLog, CommitLogReader {
  /** The tables and their reads. */
  readonly store: LogStore
  /** The sessions a graceful shutdown saves for a resume after the restart (tables `resume_saved`, `resume_session`). */
  readonly sessions: SessionStore
  /** Counters since open. */
  stats(): SqliteCommitLogStats
  /** @returns the snapshots, newest first */
  snapshots(): SnapshotInfo[]
}

const MAX_SEQ = Number.MAX_SAFE_INTEGER

/**
 * Creates the durable commit log of a data folder: WAL mode, one SQLite transaction per group
 * commit (`synchronous = FULL` by default), snapshots with typed-array columns as blobs,
 * checksums on every entry and snapshot, torn-tail cut, fallback to an older snapshot,
 * schema check with a migration hook, and retention.
 *
 * @param options - the data folder and policies, see {@link SqliteCommitLogOptions}
 * @returns the log, for `createServer({ commitLog })`
 * @throws {SqliteError} `ERR_OPEN_FAILED` when the folder or database cannot be opened
 * @example
 * ```ts
 * import { createServer, defineModule } from '@orrery/server'
 * const module = defineModule({ name: 'arena', components: [], reducers: {} })
 * const server = createServer({ module, commitLog: createSqliteCommitLog({ dir: './.orrery' }) })
 * ```
 */
export function createSqliteCommitLog(options: SqliteCommitLogOptions): SqliteCommitLog {
  return new SqliteLog(options)
}

class SqliteLog implements SqliteCommitLog {
  readonly durable = true
  readonly store: LogStore
  readonly sessions: SessionStore
  private readonly db: Database.Database
  private readonly insert: Database.Statement<[number, number, Uint8Array]>
  private pending: Uint8Array[] = []
  private pendingFirst = 0
  private pendingBytes = 0
  private closed = false
  private lastSnapshotSeq = 0
  private lastSnapshotAt: number
  private readonly now: () => number
  private counters = { entries: 0, groups: 0, entryBytes: 0, snapshots: 0, lastSnapshotMs: 0 }
  private background: BackgroundWriter | null = null
  private writes: Promise<void> = Promise.resolve()

  constructor(private readonly options: SqliteCommitLogOptions) {
    this.store = new LogStore(options.dir)
    this.db = this.store.db
    this.sessions = new SqliteSessionStore(this.db)
    this.db.pragma(`synchronous = ${(options.synchronous ?? 'full').toUpperCase()}`)
    this.now = options.now ?? Date.now
    this.lastSnapshotAt = this.now()
    this.insert = this.db.prepare('INSERT INTO segment (first_seq, last_seq, body) VALUES (?, ?, ?)')
  }

  private warn(message: string): void {
    if (this.options.onWarning !== undefined) this.options.onWarning(message)
    else process.emitWarning(message, 'OrreryCommitLogWarning')
  }

  private open(): void {
    if (this.closed) throw new SqliteError('ERR_CLOSED', 'the commit log is closed')
  }

  recover(components: readonly Component[]): RecoveredLog | null {
    this.open()
    const stored = this.store.storedSchema()
    if (stored !== null) {
      const mismatch = schemaMismatch(stored, components)
      if (mismatch !== null) {
        if (this.options.migrate === undefined) {
          throw new SqliteError(
            'ERR_SCHEMA_MISMATCH',
            `the data folder does not fit the module: ${mismatch}. Give createSqliteCommitLog a migrate hook, or start from a new data folder`,
          )
        }
        this.migrate(stored, components, mismatch)
      }
    }
    this.store.setMeta('schema', JSON.stringify(schemaOf(components)))
    const { first, last } = this.store.range()
    const snap = this.store.newestGoodSnapshot(MAX_SEQ, (error) => this.warn(`${error.message}; falling back to an older snapshot`))
    if (snap === null && this.store.snapshots().length > 0 && first > 1) {
      throw new SqliteError('ERR_CORRUPT', `no snapshot is readable and the log starts at seq ${first}: the world cannot be rebuilt`)
    }
    const from = snap === null ? 1 : snap.seq + 1
    if (last >= from && first > from) {
      throw new SqliteError('ERR_CORRUPT', `the log starts at seq ${first} but the newest readable snapshot is at ${from - 1}`)
    }
    this.lastSnapshotSeq = snap?.seq ?? 0
    if (snap === null && last < from) return null
    return { snapshot: snap === null ? null : { seq: snap.seq, tick: snap.tick, image: snap.image }, entries: this.tail(from) }
  }

  private *tail(from: number): Generator<CommitEntry> {
    let bad: BadEntry | null = null
    yield* this.store.checkedEntries(from, MAX_SEQ, (b) => {
      bad = b
    })
    if (bad !== null) {
      const { seq, reason } = bad as BadEntry
      const cut = this.store.cutFrom(seq)
      this.warn(`commit log entry ${seq}: ${reason}; cut the log there (${cut} entries dropped, recovered up to seq ${seq - 1})`)
    }
  }

  private migrate(stored: StoredSchema, components: readonly Component[], mismatch: string): void {
    const hook = this.options.migrate
    if (hook === undefined) return
    const { image, seq, tick } = migrateStoredWorld(this.store, stored, components, mismatch, hook, (m) => this.warn(m))
    this.db.transaction(() => {
      // Saved sessions hold views of the old schema: they go too.
      this.db.exec('DELETE FROM segment; DELETE FROM snapshot_part; DELETE FROM snapshot; DELETE FROM resume_saved; DELETE FROM resume_session;')
      this.writeSnapshotRows(image, seq, tick)
    })()
    this.warn(`migrated the stored world at seq ${seq} to the module's schema (${mismatch})`)
  }

  append(entry: CommitEntry): void {
    this.open()
    const frame = encodeFrame(entry)
    if (this.pending.length === 0) this.pendingFirst = entry.seq
    this.pending.push(frame)
    this.pendingBytes += frame.byteLength
  }

  private get threaded(): boolean {
    return (this.options.writer ?? 'thread') === 'thread'
  }

  private writer(): BackgroundWriter {
    this.background ??= new BackgroundWriter(join(this.options.dir, DATABASE_FILE), (this.options.synchronous ?? 'full') === 'full' ? 'FULL' : 'NORMAL')
    return this.background
  }

  /** Keeps the latest write's promise, so close() waits for every write (a failure is reported by its own caller). */
  private track(write: Promise<void>): Promise<void> {
    this.writes = this.writes.then(
      () => write.catch(() => undefined),
      () => write.catch(() => undefined),
    )
    return write
  }

  /**
   * One group commit = one segment row (the entries' frames, concatenated), one SQLite transaction.
   * With the thread writer it returns a promise that settles when the segment is on disk.
   */
  flush(): void | Promise<void> {
    this.open()
    const count = this.pending.length
    if (count === 0) return
    const body = Buffer.concat(this.pending, this.pendingBytes)
    const first = this.pendingFirst
    // Inline, a failed insert keeps the entries buffered for the next flush.
    if (!this.threaded) this.insert.run(first, first + count - 1, body)
    this.pending = []
    this.pendingBytes = 0
    this.counters.groups++
    this.counters.entries += count
    this.counters.entryBytes += body.byteLength
    if (this.threaded) return this.track(this.writer().segment(first, first + count - 1, body))
  }

  maintain(world: WorldSource): void {
    this.open()
    const due =
      world.seq - this.lastSnapshotSeq >= (this.options.snapshotEveryTransactions ?? 10_000) ||
      (world.seq > this.lastSnapshotSeq && this.now() - this.lastSnapshotAt >= (this.options.snapshotEveryMs ?? 60_000))
    if (due) this.snapshot(world)
  }

  /** Writes a snapshot of the world now, then applies the retention policy. */
  private snapshot(world: WorldSource): void {
    const started = performance.now()
    const image = world.capture()
    if (this.threaded) {
      const flushed = this.flush()
      if (flushed instanceof Promise) flushed.catch((error: unknown) => this.warn(`a group commit failed: ${(error as Error).message}`))
      const encoded = encodeSnapshot(image)
      const seq = world.seq
      this.track(
        this.writer()
          .snapshot({
            seq,
            tick: world.tick,
            time: this.now(),
            header: encoded.header,
            parts: encoded.parts,
            crc: snapshotChecksum(encoded),
            keep: Math.max(1, this.options.keepSnapshots ?? 2),
            prune: this.options.pruneLog ?? true,
          })
          .then(
            () => {
              this.counters.lastSnapshotMs = performance.now() - started
            },
            (error: unknown) => this.warn(`the snapshot at seq ${seq} failed: ${(error as Error).message}`),
          ),
      )
      this.lastSnapshotSeq = seq
      this.lastSnapshotAt = this.now()
      this.counters.snapshots++
      return
    }
    this.db.transaction(() => {
      this.writeSnapshotRows(image, world.seq, world.tick)
      this.retain()
    })()
    this.lastSnapshotSeq = world.seq
    this.lastSnapshotAt = this.now()
    this.counters.snapshots++
    this.counters.lastSnapshotMs = performance.now() - started
  }

  private writeSnapshotRows(image: WorldImage, seq: number, tick: number): void {
    const encoded = encodeSnapshot(image)
    const { lastInsertRowid } = this.db
      .prepare('INSERT INTO snapshot (seq, tick, time, header, parts, crc) VALUES (?, ?, ?, ?, ?, ?)')
      .run(seq, tick, this.now(), encoded.header, encoded.parts.length, snapshotChecksum(encoded))
    const part = this.db.prepare('INSERT INTO snapshot_part (snapshot, part, data) VALUES (?, ?, ?)')
    for (let k = 0; k < encoded.parts.length; k++) part.run(lastInsertRowid, k, encoded.parts[k] as Uint8Array)
  }

  /** Keeps the newest `keepSnapshots` snapshots and, with `pruneLog`, the log from the oldest kept one on. */
  private retain(): void {
    const keep = Math.max(1, this.options.keepSnapshots ?? 2)
    const all = this.store.snapshots()
    for (const old of all.slice(keep)) {
      this.db.prepare('DELETE FROM snapshot_part WHERE snapshot = ?').run(old.id)
      this.db.prepare('DELETE FROM snapshot WHERE id = ?').run(old.id)
    }
    const oldest = all.length >= keep ? all[keep - 1] : undefined
    if ((this.options.pruneLog ?? true) && oldest !== undefined) this.db.prepare('DELETE FROM segment WHERE last_seq <= ?').run(oldest.seq)
  }

  close(world: WorldSource): void | Promise<void> {
    if (this.closed) return
    if (this.threaded) return this.closeThreaded(world)
    try {
      this.flush()
      if ((this.options.snapshotOnClose ?? true) && world.seq > this.lastSnapshotSeq) this.snapshot(world)
      this.db.pragma('wal_checkpoint(TRUNCATE)')
    } finally {
      this.closed = true
      this.store.close()
    }
  }

  private async closeThreaded(world: WorldSource): Promise<void> {
    try {
      const flushed = this.flush()
      if ((this.options.snapshotOnClose ?? true) && world.seq > this.lastSnapshotSeq) this.snapshot(world)
      await flushed
      await this.writes
    } finally {
      this.closed = true
      await this.background?.close()
      this.store.close()
    }
  }

  stats(): SqliteCommitLogStats {
    return { ...this.counters }
  }

  snapshots(): SnapshotInfo[] {
    return this.store.snapshots()
  }

  entries(from: number, to: number): Iterable<CommitEntry> {
    return this.store.entries(from, to)
  }

  snapshotAtOrBefore(seq: number): { seq: number; image: WorldImage } | null {
    return this.store.snapshotAtOrBefore(seq)
  }

  range(): { first: number; last: number } {
    return this.store.range()
  }
}
