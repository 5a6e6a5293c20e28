import { createRequire } from 'node:module'
import { Worker } from 'node:worker_threads'
import { SqliteError } from './sqlite-error.js'

/** A snapshot ready to write: encoded on the server's thread, written by the background writer. */
export interface SnapshotWrite {
  readonly seq: number
  readonly tick: number
  readonly time: number
  readonly header: Uint8Array
  readonly parts: readonly Uint8Array[]
  readonly crc: number
  /** Snapshots to keep (older ones are deleted). */
  readonly keep: number
  /** Delete segments that end at or before the oldest kept snapshot. */
  readonly prune: boolean
}

// The thread's code, plain CommonJS (no loader needed in source or built form). It owns the only
// writing connection after recovery: segments and snapshots are written in the order they come.
const THREAD = `
const { parentPort, workerData } = require('node:worker_threads')
const Database = require(workerData.driver)
const db = new Database(workerData.file)
db.pragma('journal_mode = WAL')
db.pragma('synchronous = ' + workerData.synchronous)
const insertSegment = db.prepare('INSERT INTO segment (first_seq, last_seq, body) VALUES (?, ?, ?)')
const insertSnapshot = db.prepare('INSERT INTO snapshot (seq, tick, time, header, parts, crc) VALUES (?, ?, ?, ?, ?, ?)')
const insertPart = db.prepare('INSERT INTO snapshot_part (snapshot, part, data) VALUES (?, ?, ?)')
const snapshot = db.transaction((m) => {
  const id = insertSnapshot.run(m.seq, m.tick, m.time, m.header, m.parts.length, m.crc).lastInsertRowid
  for (let k = 0; k < m.parts.length; k++) insertPart.run(id, k, m.parts[k])
  const kept = db.prepare('SELECT id, seq FROM snapshot ORDER BY id DESC LIMIT ?').all(m.keep)
  const oldest = kept[kept.length - 1]
  db.prepare('DELETE FROM snapshot_part WHERE snapshot < ?').run(oldest.id)
  db.prepare('DELETE FROM snapshot WHERE id < ?').run(oldest.id)
  if (m.prune && kept.length === m.keep) db.prepare('DELETE FROM segment WHERE last_seq <= ?').run(oldest.seq)
})
parentPort.on('message', (m) => {
  try {
    if (m.op === 'segment') insertSegment.run(m.first, m.last, m.body)
    else if (m.op === 'snapshot') snapshot(m)
    else if (m.op === 'close') {
      db.pragma('wal_checkpoint(TRUNCATE)')
      db.close()
    }
    parentPort.postMessage({ id: m.id, ok: true })
  } catch (error) {
    parentPort.postMessage({ id: m.id, ok: false, message: String(error && error.message) })
  }
})
`

/**
 * Writes group commits and snapshots on a worker thread, so the server's thread goes on with the
 * next tick while SQLite writes and syncs. Requests are written in the order they are made; each
 * returns a promise that settles when its write is done (durable under `synchronous = FULL`).
 */
export class BackgroundWriter {
  private readonly worker: Worker
  private readonly waiting = new Map<number, { resolve: () => void; reject: (error: Error) => void }>()
  private next = 1
  private failed: Error | null = null

  /**
   * @param file - the database file (tables exist already)
   * @param synchronous - SQLite's `synchronous` setting
   */
  constructor(file: string, synchronous: 'FULL' | 'NORMAL') {
    const driver = createRequire(import.meta.url).resolve('better-sqlite3')
    this.worker = new Worker(THREAD, { eval: true, workerData: { file, synchronous, driver } })
    this.worker.on('message', (m: { id: number; ok: boolean; message?: string }) => {
      const w = this.waiting.get(m.id)
      this.waiting.delete(m.id)
      if (m.ok) w?.resolve()
      else w?.reject(new SqliteError('ERR_WRITE_FAILED', `the background writer failed: ${m.message ?? ''}`))
    })
    this.worker.on('error', (error) => this.fail(error))
    this.worker.on('exit', () => this.fail(new SqliteError('ERR_CLOSED', 'the background writer stopped')))
  }

  private fail(error: Error): void {
    this.failed ??= error
    for (const w of this.waiting.values()) w.reject(error)
    this.waiting.clear()
  }

  private request(message: Record<string, unknown>, transfer: ArrayBuffer[] = []): Promise<void> {
    if (this.failed !== null) return Promise.reject(this.failed)
    const id = this.next++
    return new Promise<void>((resolve, reject) => {
      this.waiting.set(id, { resolve, reject })
      this.worker.postMessage({ ...message, id }, transfer)
    })
  }

  /** Writes one segment (the frames of a group commit). `body` is handed over (do not reuse it). */
  segment(first: number, last: number, body: Uint8Array): Promise<void> {
    return this.request({ op: 'segment', first, last, body })
  }

  /** Writes a snapshot and applies the retention policy, in one transaction. */
  snapshot(write: SnapshotWrite): Promise<void> {
    return this.request({ op: 'snapshot', ...write })
  }

  /** Checkpoints the WAL, closes the connection and stops the thread. */
  async close(): Promise<void> {
    try {
      await this.request({ op: 'close' })
    } finally {
      await this.worker.terminate()
    }
  }
}
