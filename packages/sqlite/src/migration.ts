import { type Component, captureWorld, createWorld, restoreWorld, type World, type WorldImage } from '@orrery/ecs'
import { replayInto } from '@orrery/server/internal'
import type { LogStore } from './log-store.js'
import { componentsOf, type StoredSchema } from './stored-schema.js'

/** What a `migrate` hook gets: the stored world read with its old schema, and a new world to fill. */
export interface MigrationContext {
  /** Why the stored world does not fit (names the component and field). */
  readonly mismatch: string
  /** The schema the data folder was written with. */
  readonly stored: StoredSchema
  /** The stored world as of its last entry, read with components rebuilt from `stored` (no indexes). */
  readonly from: World
  /** Those rebuilt components, by name. */
  readonly fromComponents: ReadonlyMap<string, Component>
  /** A new, empty world with the module's components and `from`'s rng state; write it inside `to.transaction`. Keep entity ids with `createWithId`. */
  readonly to: World
}

/**
 * Reads the stored world with its old schema (newest good snapshot, then the log), gives it to the
 * `migrate` hook with an empty world of the new schema, and returns the image of that new world.
 *
 * @param store - the data folder's tables
 * @param stored - the schema the data was written with
 * @param components - the module's components
 * @param mismatch - why they do not fit
 * @param migrate - the hook
 * @param warn - told about skipped snapshots
 * @returns the new world's image, and the seq and tick it stands at
 * @throws whatever the hook throws; {@link SqliteError} `ERR_CORRUPT` when the log cannot be read
 * @example
 * ```ts
 * import type { Component } from '@orrery/ecs'
 * declare const store: LogStore
 * declare const stored: StoredSchema
 * declare const components: Component[]
 * declare const mismatch: string
 * declare function migrate(context: MigrationContext): void
 * const { image, seq } = migrateStoredWorld(store, stored, components, mismatch, migrate, console.warn)
 * ```
 */
export function migrateStoredWorld(
  store: LogStore,
  stored: StoredSchema,
  components: readonly Component[],
  mismatch: string,
  migrate: (context: MigrationContext) => void,
  warn: (message: string) => void,
): { image: WorldImage; seq: number; tick: number } {
  const oldComponents = componentsOf(stored)
  const snap = store.newestGoodSnapshot(Number.MAX_SAFE_INTEGER, (error) => warn(error.message))
  const from = snap === null ? createWorld({ components: oldComponents }) : restoreWorld(snap.image, { components: oldComponents })
  const entries = [...store.checkedEntries((snap?.seq ?? 0) + 1, Number.MAX_SAFE_INTEGER)]
  replayInto(from, entries, oldComponents)
  const seq = entries.at(-1)?.seq ?? snap?.seq ?? 0
  const tick = entries.at(-1)?.tick ?? snap?.tick ?? 0
  const to = createWorld({ components, seed: from.rng.seed })
  to.rng.setState(from.rng.getState())
  migrate({ mismatch, stored, from, fromComponents: new Map(oldComponents.map((c) => [c.name, c])), to })
  return { image: captureWorld(to), seq, tick }
}
