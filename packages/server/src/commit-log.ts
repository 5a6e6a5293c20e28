import type { Component, WorldImage } from '@orrery/ecs'
import type { CommitEntry } from './commit-entry.js'
import type { SessionStore } from './resume/session-store.js'

/** What a commit log found when the server started: a snapshot, if any, and the entries after it. */
export interface RecoveredLog {
  /** The newest good snapshot, or null (replay from an empty world). */
  readonly snapshot: { readonly seq: number; readonly tick: number; readonly image: WorldImage } | null
  /** The entries after the snapshot, in seq order, each checked. */
  readonly entries: Iterable<CommitEntry>
}

/** What the pipeline hands a log after each group commit, so it can take snapshots when due. */
export interface WorldSource {
  /** The seq of the last committed transaction. */
  readonly seq: number
  /** The number of the last tick run. */
  readonly tick: number
  /** Copies the world now (no transaction is open). */
  capture(): WorldImage
}

/**
 * Where the commit pipeline writes every committed transaction. `@orrery/server` ships
 * {@link createMemoryCommitLog}; `@orrery/sqlite` provides the durable one.
 *
 * Calls come in this order: `recover` once, then `append` for each commit (seq 1, 2, … with no
 * gap), `flush` at the end of each group (a tick, or `groupCommitMs`), `maintain` after each
 * flush, `close` at shutdown.
 */
export interface CommitLog {
  /** True when `flush` puts the appended entries on disk (reducer results then wait for it and say `durable`). */
  readonly durable: boolean
  /**
   * Loads what the log holds, checking it against the module's components.
   * @param components - every component the module defines (replicated and server-only)
   * @returns the snapshot and entries to rebuild the world from, or null for a new world
   * @throws when the stored data cannot be used (the server reports `ERR_RECOVERY_FAILED` or `ERR_SCHEMA_MISMATCH`)
   */
  recover(components: readonly Component[]): RecoveredLog | null
  /** Buffers one entry; it becomes durable at the next `flush`. */
  append(entry: CommitEntry): void
  /**
   * Writes the buffered entries as one group (for a durable log: one transaction, synced). A log
   * that writes in the background returns a promise that settles once the group is durable;
   * groups settle in the order they were flushed.
   */
  flush(): void | Promise<void>
  /** Takes a snapshot or prunes old entries when its policy says so; called after each flush. */
  maintain(world: WorldSource): void
  /** Flushes and releases the log; `world` allows a final snapshot. A background writer returns a promise that settles once everything is written. */
  close(world: WorldSource): void | Promise<void>
  /**
   * Where a durable log keeps the resumable sessions across a graceful restart (see docs/protocol.md,
   * "Sessions and resume"); without it sessions end at shutdown and clients re-sync after a restart.
   */
  readonly sessions?: SessionStore
}

/** Reads a log's past: entries by seq and the snapshots to start from (time travel). */
export interface CommitLogReader {
  /** Entries with `from <= seq <= to`, in seq order. */
  entries(from: number, to: number): Iterable<CommitEntry>
  /** The newest snapshot taken at or before `seq`, or null. */
  snapshotAtOrBefore(seq: number): { readonly seq: number; readonly image: WorldImage } | null
  /** The first and last seq held (`[1, 0]` for an empty log); entries before `first` were pruned into a snapshot. */
  range(): { readonly first: number; readonly last: number }
}

/** A commit log that keeps recent entries in memory (tests, or a server that needs no persistence). */
export interface MemoryCommitLog extends CommitLog, CommitLogReader {
  /** The entries kept, in seq order (the oldest are dropped past `maxEntries`). */
  readonly all: readonly CommitEntry[]
}

/** Options of {@link createMemoryCommitLog}. */
export interface MemoryCommitLogOptions {
  /** Entries kept; past it the oldest tenth is dropped. Default 100 000. */
  readonly maxEntries?: number
  /**
   * Estimated bytes of entries kept (values at 8 bytes, plus a fixed share per entry, table and event); past it
   * the oldest tenth of the entries is dropped. Default 64 MiB (a world that commits large transactions every
   * tick would otherwise hold hundreds of MB and pay for it in garbage collection).
   */
  readonly maxBytes?: number
}

/** Estimated heap bytes of one entry: 8 per value, plus fixed shares per entry, table and event. */
export function entryBytes(entry: CommitEntry): number {
  let bytes = 160 + 8 * entry.destroyed.length + 64 * entry.events.length
  for (const t of entry.tables) bytes += 96 + 8 * (t.inserts.length + t.updates.length + t.deletes.length)
  return bytes
}

/**
 * Creates a commit log kept in memory: not durable, the recent entries readable for history queries
 * and time travel (from seq 1 while nothing was dropped). The server's default.
 *
 * @param options - `maxEntries` (default 100 000), `maxBytes` (default 64 MiB)
 * @returns a new, empty log
 * @example
 * ```ts
 * import { defineComponent } from '@orrery/ecs'
 * import { createServer, defineModule, defineReducer } from '@orrery/server'
 * const Body = defineComponent('Body', { x: 'f32', y: 'f32' })
 * const module = defineModule({
 *   name: 'arena',
 *   components: [Body],
 *   reducers: { spawn: defineReducer({ x: 'f32', y: 'f32' }, (ctx, at) => ctx.world.add(ctx.world.create(), Body, at)) },
 * })
 * const log = createMemoryCommitLog()
 * const server = createServer({ module, commitLog: log })
 * server.call('spawn', { x: 1, y: 2 })
 * log.all.at(-1)?.origin // 'spawn'
 * ```
 */
export function createMemoryCommitLog(options: MemoryCommitLogOptions = {}): MemoryCommitLog {
  const max = Math.max(1, options.maxEntries ?? 100_000)
  const maxBytes = options.maxBytes ?? 64 * 1024 * 1024
  const all: CommitEntry[] = []
  const sizes: number[] = []
  let bytes = 0
  let first = 1
  return {
    durable: false,
    all,
    recover: () => null,
    append(entry) {
      if (all.length === 0) first = entry.seq
      all.push(entry)
      const size = entryBytes(entry)
      sizes.push(size)
      bytes += size
      if (all.length > max || (bytes > maxBytes && all.length > 1)) {
        const drop = Math.max(1, Math.floor(all.length / 10))
        for (let k = 0; k < drop; k++) bytes -= sizes[k] as number
        all.splice(0, drop)
        sizes.splice(0, drop)
        first += drop
      }
    },
    flush() {},
    maintain() {},
    close() {},
    *entries(from, to) {
      for (let k = Math.max(0, from - first); k < all.length && k <= to - first; k++) yield all[k] as CommitEntry
    },
    snapshotAtOrBefore: () => null,
    range: () => ({ first, last: first + all.length - 1 }),
  }
}
