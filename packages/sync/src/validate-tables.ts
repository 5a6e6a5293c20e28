import type { Component, FieldType } from '@orrery/ecs'
import type { TableSnapshot, TableUpdate } from '@orrery/protocol'
import { isEntityId, isFieldValue } from './field-values.js'
import { SyncError } from './sync-error.js'

/**
 * Maps a wire table id to the local component, or undefined when unknown.
 *
 * @example
 * ```ts
 * const resolve: TableResolver = (tableId) => components[tableId]
 * ```
 */
export type TableResolver = (tableId: number) => Component | undefined

function fail(message: string): never {
  throw new SyncError('ERR_INVALID_UPDATE', message)
}

function resolveTable(resolve: TableResolver, tableId: unknown, seen: Set<number>): Component {
  if (typeof tableId !== 'number' || !Number.isInteger(tableId)) fail(`table id ${String(tableId)} is not an integer`)
  const component = resolve(tableId)
  if (component === undefined) fail(`unknown table id ${tableId}`)
  if (seen.has(tableId)) fail(`table id ${tableId} appears twice`)
  seen.add(tableId)
  return component
}

function checkRows(component: Component, rows: readonly unknown[], where: string): void {
  if (!Array.isArray(rows)) fail(`${where} of ${component.name} is not an array`)
  const fields = component.fields
  const types = component.schema as Readonly<Record<string, FieldType>>
  const stride = 1 + fields.length
  if (rows.length % stride !== 0) fail(`${where} of ${component.name}: length ${rows.length} is not a multiple of ${stride}`)
  for (let at = 0; at < rows.length; at += stride) {
    if (!isEntityId(rows[at])) fail(`${where} of ${component.name}: bad entity id at ${at}`)
    for (let i = 0; i < fields.length; i++) {
      const field = fields[i] as string
      if (!isFieldValue(types[field] as FieldType, rows[at + 1 + i])) {
        fail(`${where} of ${component.name}: bad value for ${field} at ${at + 1 + i}`)
      }
    }
  }
}

function checkUpdates(component: Component, updates: readonly unknown[]): void {
  if (!Array.isArray(updates)) fail(`updates of ${component.name} is not an array`)
  const fields = component.fields
  const types = component.schema as Readonly<Record<string, FieldType>>
  const allowed = fields.length >= 32 ? 0xffffffff : ((1 << fields.length) - 1) >>> 0
  let at = 0
  while (at < updates.length) {
    if (!isEntityId(updates[at])) fail(`updates of ${component.name}: bad entity id at ${at}`)
    const mask = updates[at + 1]
    if (typeof mask !== 'number' || !Number.isInteger(mask) || mask <= 0 || mask > 0xffffffff || (mask & ~allowed) !== 0) {
      fail(`updates of ${component.name}: bad mask at ${at + 1}`)
    }
    at += 2
    for (let i = 0; i < fields.length; i++) {
      if (((mask >>> i) & 1) === 0) continue
      if (at >= updates.length) fail(`updates of ${component.name}: truncated row`)
      const field = fields[i] as string
      if (!isFieldValue(types[field] as FieldType, updates[at])) fail(`updates of ${component.name}: bad value for ${field} at ${at}`)
      at++
    }
  }
}

/**
 * Checks every table of a TransactionUpdate before anything is applied.
 *
 * @param tables - the update's tables, untrusted
 * @param resolve - wire table id → local component
 * @throws SyncError `ERR_INVALID_UPDATE` on an unknown or repeated table id, a wrong stride, a bad mask, a bad entity id or a value that does not fit its field
 * @example
 * ```ts
 * validateUpdateTables(message.tables, (id) => components[id])
 * ```
 */
export function validateUpdateTables(tables: readonly TableUpdate[], resolve: TableResolver): void {
  if (!Array.isArray(tables)) fail('tables is not an array')
  const seen = new Set<number>()
  for (const table of tables) {
    const component = resolveTable(resolve, table.tableId, seen)
    checkRows(component, table.inserts, 'inserts')
    checkUpdates(component, table.updates)
    if (!Array.isArray(table.deletes)) fail(`deletes of ${component.name} is not an array`)
    for (const e of table.deletes) if (!isEntityId(e)) fail(`deletes of ${component.name}: bad entity id ${String(e)}`)
  }
}

/**
 * Checks every table of a SubscribeApplied before anything is applied.
 *
 * @param tables - the snapshot's tables, untrusted
 * @param resolve - wire table id → local component
 * @throws SyncError `ERR_INVALID_UPDATE` on an unknown or repeated table id, a wrong stride, a bad entity id or a value that does not fit its field
 * @example
 * ```ts
 * validateSnapshotTables(message.tables, (id) => components[id])
 * ```
 */
export function validateSnapshotTables(tables: readonly TableSnapshot[], resolve: TableResolver): void {
  if (!Array.isArray(tables)) fail('tables is not an array')
  const seen = new Set<number>()
  for (const table of tables) checkRows(resolveTable(resolve, table.tableId, seen), table.rows, 'rows')
}
