import { type Component, createWorld, restoreWorld, type World } from '@orrery/ecs'
import { applyEntry } from '@orrery/server/internal'
import { LogStore } from './log-store.js'
import { SqliteError } from './sqlite-error.js'
import { componentsOf } from './stored-schema.js'
import { worldRows } from './world-rows.js'

/** The outcome of {@link verifyDataFolder}. */
export interface VerifyReport {
  /** True when every checksum held and the replay matched every snapshot. */
  readonly ok: boolean
  /** Snapshots whose checksum held. */
  readonly snapshotsOk: number
  /** Problems found, one line each. */
  readonly problems: readonly string[]
  /** Log entries checked and replayed. */
  readonly entries: number
  /** The first and last seq of the log. */
  readonly first: number
  readonly last: number
  /** Snapshots the replay passed through and compared. */
  readonly snapshotsCompared: number
}

/**
 * Checks a data folder: every snapshot's checksum, every log entry's checksum and seq order, then
 * replays the whole log from the oldest readable snapshot (or from an empty world) and compares the
 * world with each newer snapshot it passes.
 *
 * @param dir - the data folder
 * @returns what was checked and the problems found
 * @throws {SqliteError} `ERR_OPEN_FAILED` when the folder holds no Orrery database
 * @example
 * ```ts
 * const report = verifyDataFolder('./.orrery')
 * if (!report.ok) console.error(report.problems.join('\n'))
 * ```
 */
export function verifyDataFolder(dir: string): VerifyReport {
  const store = new LogStore(dir, { readonly: true })
  try {
    const list: Component[] = componentsOf(store.storedSchema() ?? [])
    const byName = new Map(list.map((c) => [c.name, c]))
    const problems: string[] = []
    const good: { id: number; seq: number; world: World }[] = []
    for (const info of store.snapshots().reverse()) {
      try {
        const { image } = store.readSnapshot(info.id)
        good.push({ id: info.id, seq: info.seq, world: restoreWorld(image, { components: list }) })
      } catch (error) {
        problems.push((error as Error).message)
      }
    }
    const { first, last } = store.range()
    const start = good.find((s) => s.seq >= first - 1)
    let world: World
    let seq: number
    if (first === 1 || start === undefined) {
      world = createWorld({ components: list })
      seq = 0
      if (first > 1) problems.push(`the log starts at seq ${first} and no readable snapshot precedes it`)
    } else {
      world = start.world
      seq = start.seq
    }
    let entries = 0
    let compared = 0
    const compare = (): void => {
      for (const snap of good) {
        if (snap.seq !== seq || snap === start) continue
        compared++
        if (JSON.stringify(worldRows(world, list)) !== JSON.stringify(worldRows(snap.world, list))) {
          problems.push(`replaying the log to seq ${seq} does not give snapshot ${snap.id}`)
        }
      }
    }
    compare()
    try {
      for (const entry of store.checkedEntries(seq + 1, Number.MAX_SAFE_INTEGER)) {
        if (entry.seq !== seq + 1) throw new SqliteError('ERR_CORRUPT', `seq ${seq + 1} is missing`)
        applyEntry(world, entry, byName)
        seq = entry.seq
        entries++
        compare()
      }
    } catch (error) {
      problems.push((error as Error).message)
    }
    return { ok: problems.length === 0, snapshotsOk: good.length, problems, entries, first, last, snapshotsCompared: compared }
  } finally {
    store.close()
  }
}
