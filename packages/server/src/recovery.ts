import { type Component, createWorld, EcsError, restoreWorld, type World } from '@orrery/ecs'
import { applyEntry } from './apply-entry.js'
import type { CommitEntry } from './commit-entry.js'
import type { CommitLog, CommitLogReader } from './commit-log.js'
import { ServerError } from './server-error.js'

/** A world rebuilt from a commit log. */
export interface RecoveredWorld {
  /** The world as of `seq`. */
  readonly world: World
  /** The seq of the last entry applied (0: nothing was stored). */
  readonly seq: number
  /** The tick of the last entry applied or of the snapshot (the tick loop goes on from there). */
  readonly tick: number
  /** Whether the log held anything (a snapshot or entries). */
  readonly recovered: boolean
}

/**
 * Rebuilds the world from what `log.recover()` returns: the newest good snapshot, then every
 * entry after it, in order.
 *
 * @param log - the commit log
 * @param components - every component the module defines (replicated and server-only)
 * @param seed - the rng seed of a new world
 * @returns the world and the seq it is at
 * @throws {ServerError} `ERR_SCHEMA_MISMATCH` naming the component and field the stored data does not fit;
 *   `ERR_RECOVERY_FAILED` when the log cannot be read or an entry does not apply
 * @example
 * ```ts
 * import { defineComponent } from '@orrery/ecs'
 * const Body = defineComponent('Body', { x: 'f32', y: 'f32' })
 * const Player = defineComponent('Player', { name: 'string' })
 * declare const log: CommitLog
 * const { world, seq } = recoverWorld(log, [Body, Player], 1)
 * ```
 */
export function recoverWorld(log: CommitLog, components: readonly Component[], seed: number): RecoveredWorld {
  let found: ReturnType<CommitLog['recover']>
  try {
    found = log.recover(components)
  } catch (error) {
    if (error instanceof ServerError) throw error
    const code = (error as { code?: unknown }).code === 'ERR_SCHEMA_MISMATCH' ? 'ERR_SCHEMA_MISMATCH' : 'ERR_RECOVERY_FAILED'
    throw new ServerError(code, `the commit log could not be read: ${(error as Error).message}`, { cause: error })
  }
  if (found === null) return { world: createWorld({ components, seed }), seq: 0, tick: 0, recovered: false }
  const byName = new Map(components.map((c) => [c.name, c]))
  let world: World
  let seq = 0
  let tick = 0
  if (found.snapshot === null) {
    world = createWorld({ components, seed })
  } else {
    world = restore(found.snapshot.image, components)
    seq = found.snapshot.seq
    tick = found.snapshot.tick
  }
  let any = found.snapshot !== null
  for (const entry of found.entries) {
    if (entry.seq !== seq + 1) {
      throw new ServerError('ERR_RECOVERY_FAILED', `the commit log skips from seq ${seq} to ${entry.seq}`)
    }
    applyEntry(world, entry, byName)
    seq = entry.seq
    tick = Math.max(tick, entry.tick)
    any = true
  }
  return { world, seq, tick, recovered: any }
}

function restore(image: Parameters<typeof restoreWorld>[0], components: readonly Component[]): World {
  try {
    return restoreWorld(image, { components })
  } catch (error) {
    if (error instanceof EcsError && error.code === 'ERR_SCHEMA') {
      throw new ServerError('ERR_SCHEMA_MISMATCH', `the stored world does not fit the module: ${error.message}`, { cause: error })
    }
    throw new ServerError('ERR_RECOVERY_FAILED', `the snapshot could not be restored: ${(error as Error).message}`, { cause: error })
  }
}

/**
 * The world as it was right after transaction `seq`: the newest snapshot at or before it, then
 * the entries up to `seq`. A fresh, independent world (changing it changes nothing stored).
 *
 * @param reader - a commit log that can be read (the in-memory log, or `@orrery/sqlite`'s)
 * @param components - the module's components
 * @param seq - a seq the log holds (or the seq of a snapshot); 0 gives the empty world
 * @returns the world at `seq`
 * @throws {ServerError} `ERR_RECOVERY_FAILED` when `seq` is outside the log (pruned or not yet written);
 *   `ERR_SCHEMA_MISMATCH` as {@link recoverWorld}
 * @example
 * ```ts
 * import { defineComponent } from '@orrery/ecs'
 * const Body = defineComponent('Body', { x: 'f32', y: 'f32' })
 * const Player = defineComponent('Player', { name: 'string' })
 * declare const log: CommitLogReader
 * const past = worldAt(log, [Body, Player], 1200)
 * past.count(Player)
 * ```
 */
export function worldAt(reader: CommitLogReader, components: readonly Component[], seq: number): World {
  const { first, last } = reader.range()
  const snap = reader.snapshotAtOrBefore(seq)
  if (seq > last && (snap === null || snap.seq !== seq)) {
    throw new ServerError('ERR_RECOVERY_FAILED', `seq ${seq} is past the end of the log (${last})`)
  }
  const from = snap === null ? 0 : snap.seq
  if (from + 1 < first && from < seq) {
    throw new ServerError('ERR_RECOVERY_FAILED', `seq ${seq} was pruned: the log starts at ${first}`)
  }
  const world = snap === null ? createWorld({ components }) : restore(snap.image, components)
  return replayInto(world, reader.entries(from + 1, seq), components)
}

/**
 * Applies entries, in order, to a world (a fresh one, or one at the seq before the first entry).
 *
 * @param world - the world to change
 * @param entries - consecutive entries
 * @param components - the module's components
 * @returns `world`
 * @throws {ServerError} `ERR_RECOVERY_FAILED` when an entry does not apply; `ERR_SCHEMA_MISMATCH` for an unknown component
 * @example
 * ```ts
 * import { createWorld, defineComponent } from '@orrery/ecs'
 * const components = [defineComponent('Body', { x: 'f32', y: 'f32' })]
 * declare const log: CommitLogReader
 * const fresh = replayInto(createWorld({ components }), log.entries(1, 500), components)
 * ```
 */
export function replayInto(world: World, entries: Iterable<CommitEntry>, components: readonly Component[]): World {
  const byName = new Map(components.map((c) => [c.name, c]))
  for (const entry of entries) applyEntry(world, entry, byName)
  return world
}
