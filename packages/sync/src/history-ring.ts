import type { TableUpdate, TransactionUpdate } from '@orrery/protocol'

/**
 * One flushed, merged update as the history keeps it: a `TransactionUpdate` without its `type` tag, holding
 * every changed table (not filtered to any view) and every event of the window.
 *
 * @example
 * ```ts
 * const entry: HistoryEntry = { prevSeq: 0, seq: 2, tick: 1, serverTime: Date.now(), tables: [], events: [] }
 * ```
 */
export type HistoryEntry = Omit<TransactionUpdate, 'type'>

/**
 * A bounded ring of the most recent flushed updates, so a client that comes back can be sent what it missed.
 *
 * Entries are contiguous: each one's `prevSeq` is the previous one's `seq`.
 * When full, pushing drops the oldest entry.
 *
 * @example
 * ```ts
 * const history = new HistoryRing(256)
 * history.push({ prevSeq: 0, seq: 3, tick: 1, serverTime: Date.now(), tables: [], events: [] })
 * history.since(0) // [the entry 0 → 3]
 * history.since(3) // [] (up to date)
 * ```
 */
export class HistoryRing {
  private readonly entries: (HistoryEntry | undefined)[]
  private start = 0
  private length = 0
  private newest: number

  /**
   * @param capacity - the most entries kept (flushes, i.e. ticks with changes), at least 1
   * @param initialSeq - the seq before the first entry (default 0)
   * @throws RangeError when `capacity` is not a positive integer
   */
  constructor(
    readonly capacity: number,
    initialSeq = 0,
  ) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError(`history capacity must be a positive integer, got ${capacity}`)
    }
    this.entries = new Array<HistoryEntry | undefined>(capacity)
    this.newest = initialSeq
  }

  /** The number of entries held. */
  get size(): number {
    return this.length
  }

  /** The oldest seq {@link HistoryRing.since} can still replay from (the oldest entry's `prevSeq`). */
  get oldestSeq(): number {
    return this.length === 0 ? this.newest : (this.at(0) as HistoryEntry).prevSeq
  }

  /** The seq of the newest entry (or the initial seq while empty). */
  get newestSeq(): number {
    return this.newest
  }

  /**
   * Appends a flushed update, dropping the oldest entry when full.
   *
   * @param entry - the update; its `prevSeq` must equal {@link HistoryRing.newestSeq} and its `seq` be greater
   * @throws RangeError when the entry does not continue the ring
   */
  push(entry: HistoryEntry): void {
    if (entry.prevSeq !== this.newest || entry.seq <= entry.prevSeq) {
      throw new RangeError(`history entry ${entry.prevSeq} → ${entry.seq} does not follow seq ${this.newest}`)
    }
    if (this.length === this.capacity) {
      this.entries[this.start] = entry
      this.start = (this.start + 1) % this.capacity
    } else {
      this.entries[(this.start + this.length) % this.capacity] = entry
      this.length++
    }
    this.newest = entry.seq
  }

  /**
   * The updates that follow `seq`, oldest first.
   *
   * @param seq - the last seq a client applied; it must be a flush boundary (a `seq` this ring or its snapshots handed out)
   * @returns the entries after `seq` (empty when `seq` is the newest), or `null` when they are no longer held
   *   (`seq` is older than {@link HistoryRing.oldestSeq}, newer than {@link HistoryRing.newestSeq}, or not a boundary)
   */
  since(seq: number): HistoryEntry[] | null {
    if (seq === this.newest) return []
    for (let i = 0; i < this.length; i++) {
      const entry = this.at(i) as HistoryEntry
      if (entry.prevSeq === seq) {
        const out: HistoryEntry[] = []
        for (let j = i; j < this.length; j++) out.push(this.at(j) as HistoryEntry)
        return out
      }
      if (entry.prevSeq > seq) return null
    }
    return null
  }

  private at(i: number): HistoryEntry | undefined {
    return this.entries[(this.start + i) % this.capacity]
  }
}

/**
 * Turns a history entry into the TransactionUpdate one view receives: only the tables of that view, every event.
 *
 * @param entry - a flushed update
 * @param view - the table ids the client is subscribed to
 * @returns a TransactionUpdate message ready for `encodeServerMessage`
 * @example
 * ```ts
 * for (const entry of history.since(lastSeq) ?? []) send(encodeServerMessage(filterToView(entry, new Set([0, 2]))))
 * ```
 */
export function filterToView(entry: HistoryEntry, view: ReadonlySet<number>): TransactionUpdate {
  const tables: TableUpdate[] = []
  for (const table of entry.tables) if (view.has(table.tableId)) tables.push(table)
  return {
    type: 'TransactionUpdate',
    prevSeq: entry.prevSeq,
    seq: entry.seq,
    tick: entry.tick,
    serverTime: entry.serverTime,
    tables,
    events: entry.events,
  }
}
