import type { Component, Entity, Field, World } from '@orrery/ecs'
import type { TableSnapshot, TableUpdate } from '@orrery/protocol'
import type { MergedChanges } from './change-merger.js'

/** The world's cached fast accessors of every field of a component, in field order (rows are checked with `has` first). */
function fieldAccessors(world: World, component: Component): Field<unknown>[] {
  return component.fields.map((field) => world.field(component, field) as Field<unknown>)
}

/**
 * Builds the flat per-table arrays of a merged window, reading the current row values from the world.
 *
 * Inserts are `[e, f0, f1, ...]` per row (every field, in field order), updates
 * `[e, mask, <one value per set bit, in field order>]` per row, deletes `[e]`.
 * Tables without a net change are left out; the result is sorted by table id.
 *
 * @param world - the server world, after every change set of the window was committed
 * @param components - the replicated components, table id = index
 * @param merged - the net changes of the window (from `ChangeMerger.take`)
 * @returns one {@link TableUpdate} per changed table, ascending table id
 * @example
 * ```ts
 * const tables = buildTableUpdates(world, [Body], merger.take())
 * ```
 */
export function buildTableUpdates(
  world: World,
  components: readonly Component[],
  merged: MergedChanges,
): TableUpdate[] {
  const out: TableUpdate[] = []
  for (let tableId = 0; tableId < merged.tables.length; tableId++) {
    const changes = merged.tables[tableId]
    const component = components[tableId]
    if (changes === undefined || component === undefined) continue
    const columns = fieldAccessors(world, component)
    const inserts: unknown[] = []
    const updates: unknown[] = []
    const deletes: number[] = []
    for (const [e, change] of changes) {
      if (change.kind === 'delete') {
        deletes.push(e)
        continue
      }
      // A row missing now means its removal was never committed here; it cannot be described, so it is skipped.
      if (!world.has(e, component)) continue
      if (change.kind === 'insert') {
        inserts.push(e)
        for (let i = 0; i < columns.length; i++) inserts.push((columns[i] as Field<unknown>).get(e))
      } else {
        updates.push(e, change.mask)
        for (let i = 0; i < columns.length; i++) {
          if ((change.mask >>> i) & 1) updates.push((columns[i] as Field<unknown>).get(e))
        }
      }
    }
    if (inserts.length === 0 && updates.length === 0 && deletes.length === 0) continue
    out.push({ tableId, inserts, updates, deletes })
  }
  return out
}

/**
 * Builds the snapshot of one table: every row of the component, flat `[e, f0, f1, ..., e, f0, f1, ...]`.
 *
 * @param world - the server world
 * @param component - the component whose rows are read
 * @param tableId - the component's table id (index in the replicated component list)
 * @returns a {@link TableSnapshot} holding every current row
 * @example
 * ```ts
 * const snapshot = buildTableSnapshot(world, Body, 0)
 * ```
 */
export function buildTableSnapshot(world: World, component: Component, tableId: number): TableSnapshot {
  const columns = fieldAccessors(world, component)
  const rows: unknown[] = []
  world.query([component]).forEach((e: Entity) => {
    rows.push(e)
    for (let i = 0; i < columns.length; i++) rows.push((columns[i] as Field<unknown>).get(e))
  })
  return { tableId, rows }
}
