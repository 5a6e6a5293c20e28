import type { Component, Entity, World } from '@orrery/ecs'
import { settleFreeList } from '@orrery/ecs/internal'
import type { CommitEntry } from './commit-entry.js'
import { ServerError } from './server-error.js'

/**
 * Replays one {@link CommitEntry} into a world, as one transaction: deletes rows, destroys the
 * destroyed entities, creates the entities of inserted rows with their recorded ids (versions
 * included), writes inserted rows and updated fields, and sets the rng state; then takes the
 * created indexes off the free list as `create()` did. Events are not re-emitted. Entities that
 * never held a row are not in the entry, so replay cannot reproduce their effect on the allocator.
 *
 * @param world - a world at the state just before `entry.seq`
 * @param entry - the entry to apply
 * @param components - component definitions by name
 * @throws {ServerError} `ERR_SCHEMA_MISMATCH` naming the component when the entry names one not in `components`;
 *   `ERR_RECOVERY_FAILED` when the entry does not fit the world (a row to delete is missing, an id is taken)
 * @example
 * ```ts
 * import { createWorld, defineComponent } from '@orrery/ecs'
 * const Body = defineComponent('Body', { x: 'f32', y: 'f32' })
 * const byName = new Map([[Body.name, Body]])
 * const world = createWorld({ components: [Body] })
 * declare const log: CommitLogReader
 * for (const entry of log.entries(1, 100)) applyEntry(world, entry, byName)
 * ```
 */
export function applyEntry(world: World, entry: CommitEntry, components: ReadonlyMap<string, Component>): void {
  const created: Entity[] = []
  try {
    world.transaction(() => applyInTransaction(world, entry, components, created))
    if (created.length > 0 && !world.inTransaction) settleFreeList(world, created)
  } catch (error) {
    if (error instanceof ServerError) throw error
    throw new ServerError('ERR_RECOVERY_FAILED', `entry ${entry.seq} does not apply: ${(error as Error).message}`, { cause: error })
  }
}

function lookup(components: ReadonlyMap<string, Component>, name: string, seq: number): Component {
  const c = components.get(name)
  if (c === undefined) throw new ServerError('ERR_SCHEMA_MISMATCH', `component ${name} (in entry ${seq}) is not defined by the module`)
  return c
}

function applyInTransaction(world: World, entry: CommitEntry, components: ReadonlyMap<string, Component>, created: Entity[]): void {
  for (const t of entry.tables) {
    const c = lookup(components, t.component, entry.seq)
    for (const e of t.deletes) world.remove(e as Entity, c)
  }
  for (const e of entry.destroyed) if (world.isAlive(e as Entity)) world.destroy(e as Entity)
  for (const t of entry.tables) {
    const c = lookup(components, t.component, entry.seq)
    const names = c.fields
    if (t.fields !== names.length) {
      throw new ServerError('ERR_SCHEMA_MISMATCH', `component ${c.name} has ${names.length} fields but entry ${entry.seq} stores ${t.fields}`)
    }
    const width = names.length + 1
    for (let k = 0; k < t.inserts.length; k += width) {
      const e = t.inserts[k] as Entity
      if (!world.isAlive(e)) {
        world.createWithId(e)
        created.push(e)
      }
      const row: Record<string, unknown> = {}
      for (let f = 0; f < names.length; f++) row[names[f] as string] = t.inserts[k + 1 + f]
      world.add(e, c, row as never)
    }
    const u = t.updates
    for (let k = 0; k < u.length; ) {
      const e = u[k] as Entity
      const mask = u[k + 1] as number
      k += 2
      for (let f = 0; f < names.length; f++) {
        if ((mask & (1 << f)) === 0) continue
        world.set(e, c, names[f] as never, u[k++] as never)
      }
    }
  }
  world.rng.setState(entry.rngState)
}
