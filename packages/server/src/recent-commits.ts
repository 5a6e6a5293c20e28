import type { CommitEntry } from './commit-entry.js'

/**
 * The newest commit entries of a live server, in a ring: what `server.history()` searches.
 * Older transactions are in the commit log (see `@orrery/sqlite`'s history queries).
 */
export class RecentCommits {
  private readonly ring: (CommitEntry | undefined)[]
  private next = 0
  private size = 0

  /** @param capacity - entries kept (≥ 1) */
  constructor(readonly capacity: number) {
    this.ring = new Array<CommitEntry | undefined>(capacity)
  }

  /** Adds the newest entry, dropping the oldest when full. */
  push(entry: CommitEntry): void {
    this.ring[this.next] = entry
    this.next = (this.next + 1) % this.capacity
    if (this.size < this.capacity) this.size++
  }

  /** @returns the kept entries, oldest first */
  toArray(): CommitEntry[] {
    const out: CommitEntry[] = []
    const start = (this.next - this.size + this.capacity) % this.capacity
    for (let k = 0; k < this.size; k++) out.push(this.ring[(start + k) % this.capacity] as CommitEntry)
    return out
  }
}
