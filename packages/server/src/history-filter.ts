import type { CommitEntry } from './commit-entry.js'

/**
 * Which commit entries a history query returns; every given criterion must hold.
 *
 * @example
 * ```ts
 * import type { Entity } from '@orrery/ecs'
 * declare const e: Entity
 * const filter: HistoryFilter = { entity: e, from: 100 }
 * ```
 */
export interface HistoryFilter {
  /** Lowest seq (inclusive). */
  readonly from?: number
  /** Highest seq (inclusive). */
  readonly to?: number
  /** Only transactions this identity ran. */
  readonly identity?: string
  /** Only transactions that inserted, updated, deleted or destroyed this entity. */
  readonly entity?: number
  /** Only transactions with this origin (reducer, system or hook name, or reason). */
  readonly origin?: string
}

/**
 * Whether an entry matches a {@link HistoryFilter}.
 * @param entry - a commit entry
 * @param filter - the criteria
 * @returns true when every criterion holds
 * @example
 * ```ts
 * declare const entries: readonly CommitEntry[]
 * declare const identity: string
 * entries.filter((entry) => matchesFilter(entry, { identity }))
 * ```
 */
export function matchesFilter(entry: CommitEntry, filter: HistoryFilter): boolean {
  if (filter.from !== undefined && entry.seq < filter.from) return false
  if (filter.to !== undefined && entry.seq > filter.to) return false
  if (filter.identity !== undefined && entry.caller !== filter.identity) return false
  if (filter.origin !== undefined && entry.origin !== filter.origin) return false
  if (filter.entity !== undefined && !touches(entry, filter.entity)) return false
  return true
}

/**
 * Whether a transaction changed an entity.
 * @param entry - a commit entry
 * @param entity - an entity id
 * @returns true when the entry inserts, updates, deletes a row of, or destroys `entity`
 * @example
 * ```ts
 * import type { Entity } from '@orrery/ecs'
 * declare const entry: CommitEntry
 * declare const player: Entity
 * touches(entry, player)
 * ```
 */
export function touches(entry: CommitEntry, entity: number): boolean {
  if (entry.destroyed.includes(entity)) return true
  for (const t of entry.tables) {
    if (t.deletes.includes(entity)) return true
    for (let k = 0; k < t.inserts.length; k += t.fields + 1) if (t.inserts[k] === entity) return true
    const u = t.updates
    for (let k = 0; k < u.length; ) {
      if (u[k] === entity) return true
      k += 2 + popcount(u[k + 1] as number)
    }
  }
  return false
}

/**
 * Counts the set bits of a field mask.
 * @param mask - a uint32
 * @returns the number of set bits
 * @example
 * ```ts
 * popcount(0b101) // 2
 * ```
 */
export function popcount(mask: number): number {
  let m = mask - ((mask >>> 1) & 0x55555555)
  m = (m & 0x33333333) + ((m >>> 2) & 0x33333333)
  return (((m + (m >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24
}
