import type { ScopedEvent } from './change-index.js'
import { ScratchList, UpdatedRows } from './scratch-list.js'

/**
 * What one client's next TransactionUpdate will carry, collected before it is encoded. One instance is
 * reused for every client of a flush (cleared by {@link UpdateDraft.clear}), so a flush allocates no
 * arrays per client.
 */
export class UpdateDraft {
  /** `[handle, entity, ...]` bound in this update. */
  readonly binds = new ScratchList<number>()
  readonly releases = new ScratchList<number>()
  /** Per table: handles whose row is inserted. */
  readonly inserts: ScratchList<number>[]
  /** Per table: handles whose row is deleted. */
  readonly deletes: ScratchList<number>[]
  /** Per table: handles and masks of updated rows. */
  readonly updates: UpdatedRows[]
  readonly events: ScopedEvent[] = []
  /** Estimated encoded bytes so far (for the byte budget). */
  bytes = 0

  /** @param tableCount - number of replicated tables */
  constructor(readonly tableCount: number) {
    const lists = (): ScratchList<number>[] => Array.from({ length: tableCount }, () => new ScratchList<number>())
    this.inserts = lists()
    this.deletes = lists()
    this.updates = Array.from({ length: tableCount }, () => new UpdatedRows())
  }

  /** Empties every list. */
  clear(): void {
    this.binds.clear()
    this.releases.clear()
    empty(this.events)
    for (let t = 0; t < this.tableCount; t++) {
      ;(this.inserts[t] as ScratchList<number>).clear()
      ;(this.deletes[t] as ScratchList<number>).clear()
      ;(this.updates[t] as UpdatedRows).clear()
    }
    this.bytes = 0
  }

  /** Whether there are rows, handles or events to send. */
  get isEmpty(): boolean {
    if (this.binds.length > 0 || this.releases.length > 0 || this.events.length > 0) return false
    for (let t = 0; t < this.tableCount; t++) {
      if ((this.inserts[t] as ScratchList<number>).length > 0) return false
      if ((this.deletes[t] as ScratchList<number>).length > 0) return false
      if ((this.updates[t] as UpdatedRows).length > 0) return false
    }
    return true
  }
}

/** Empties a list; an empty one is left alone (setting `length` is a runtime call even when it changes nothing). */
export function empty(list: unknown[]): void {
  if (list.length !== 0) list.length = 0
}
