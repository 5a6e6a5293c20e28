import { type Component, createWorld, restoreWorld, type World } from '@orrery/ecs'
import type { CommitEntry, HistoryFilter } from '@orrery/server'
import { matchesFilter, replayInto } from '@orrery/server/internal'
import { LogStore } from './log-store.js'
import { SqliteError } from './sqlite-error.js'
import { componentsOf, type StoredSchema } from './stored-schema.js'

/** The answer of {@link History.firstChange}: the transaction that first wrote the value. */
export interface FirstChange {
  /** The seq of that transaction. */
  readonly seq: number
  /** The entity whose field took the value. */
  readonly entity: number
  /** The whole entry. */
  readonly entry: CommitEntry
}

/** Read-only history queries and time travel over a data folder. */
export interface History {
  /** The schema the data folder was written with. */
  readonly schema: StoredSchema
  /** The components rebuilt from it (no indexes), by name. */
  readonly components: ReadonlyMap<string, Component>
  /** The first and last seq the log holds. */
  range(): { first: number; last: number }
  /**
   * The transactions matching a filter, oldest first (`entity`: those that touched it; `identity`: those it ran).
   * @param filter - seq range, identity, entity, origin
   */
  transactions(filter?: HistoryFilter): Generator<CommitEntry>
  /**
   * The first transaction (from the start of the log) in which `field` of `component` took `value`, by insert or update.
   * @param component - the component name
   * @param field - the field name
   * @param value - the value (compared with `Object.is`, or by JSON for json fields)
   * @param entity - only this entity's row
   * @returns the transaction, or null
   * @throws {SqliteError} `ERR_NOT_FOUND` when the component or field is not stored
   */
  firstChange(component: string, field: string, value: unknown, entity?: number): FirstChange | null
  /**
   * The world right after transaction `seq` (a fresh world: nothing stored changes).
   * @throws {SqliteError} `ERR_NOT_FOUND` when `seq` is before the oldest snapshot (pruned) or past the end
   */
  worldAt(seq: number): World
  /**
   * Replays the transactions `from..to` into a world at seq `from - 1` (default: a fresh world, which needs `from` = 1).
   * @throws {SqliteError} `ERR_NOT_FOUND` when the range is not held
   */
  replay(from: number, to: number, into?: World): World
  /** Closes the database. */
  close(): void
}

/**
 * Opens a data folder read-only for history queries and time travel (the `orrery` CLI uses it). Works
 * without the module: components are rebuilt from the stored schema.
 *
 * @param dir - the data folder
 * @returns the history
 * @throws {SqliteError} `ERR_OPEN_FAILED` when the folder holds no Orrery database
 * @example
 * ```ts
 * declare const identity: string // a player's identity
 * const history = openHistory('./.orrery')
 * for (const entry of history.transactions({ identity })) console.log(entry.seq, entry.origin)
 * const then = history.worldAt(1200)
 * history.close()
 * ```
 */
export function openHistory(dir: string): History {
  const store = new LogStore(dir, { readonly: true })
  const schema = store.storedSchema() ?? []
  const list = componentsOf(schema)
  const components = new Map(list.map((c) => [c.name, c]))
  const MAX = Number.MAX_SAFE_INTEGER

  const worldAt = (seq: number): World => {
    const { first, last } = store.range()
    const snap = store.newestGoodSnapshot(seq)
    if (seq > last && snap?.seq !== seq) throw new SqliteError('ERR_NOT_FOUND', `seq ${seq} is past the end of the log (${last})`)
    const from = snap === null ? 0 : snap.seq
    if (from < seq && from + 1 < first) throw new SqliteError('ERR_NOT_FOUND', `seq ${seq} was pruned: the log starts at ${first}`)
    const world = snap === null ? createWorld({ components: list }) : restoreWorld(snap.image, { components: list })
    return replayInto(world, store.checkedEntries(from + 1, seq), list)
  }

  return {
    schema,
    components,
    range: () => store.range(),
    *transactions(filter = {}) {
      for (const entry of store.checkedEntries(filter.from ?? 1, filter.to ?? MAX)) if (matchesFilter(entry, filter)) yield entry
    },
    firstChange(component, field, value, entity) {
      const c = components.get(component)
      if (c === undefined) throw new SqliteError('ERR_NOT_FOUND', `component ${component} is not stored`)
      const f = c.fields.indexOf(field)
      if (f < 0) throw new SqliteError('ERR_NOT_FOUND', `component ${component} has no field ${field}`)
      const same = (v: unknown): boolean => Object.is(v, value) || (typeof v === 'object' && JSON.stringify(v) === JSON.stringify(value))
      const width = c.fields.length + 1
      for (const entry of store.checkedEntries(1, MAX)) {
        for (const t of entry.tables) {
          if (t.component !== component) continue
          for (let k = 0; k < t.inserts.length; k += width) {
            const e = t.inserts[k] as number
            if ((entity === undefined || e === entity) && same(t.inserts[k + 1 + f])) return { seq: entry.seq, entity: e, entry }
          }
          const u = t.updates
          for (let k = 0; k < u.length; ) {
            const e = u[k] as number
            const mask = u[k + 1] as number
            k += 2
            for (let g = 0; g < c.fields.length; g++) {
              if ((mask & (1 << g)) === 0) continue
              const v = u[k++]
              if (g === f && (entity === undefined || e === entity) && same(v)) return { seq: entry.seq, entity: e, entry }
            }
          }
        }
      }
      return null
    },
    worldAt,
    replay(from, to, into) {
      const { first, last } = store.range()
      if (from < first || to > last) throw new SqliteError('ERR_NOT_FOUND', `the log holds ${first}..${last}, not ${from}..${to}`)
      return replayInto(into ?? createWorld({ components: list }), store.checkedEntries(from, to), list)
    },
    close: () => store.close(),
  }
}
