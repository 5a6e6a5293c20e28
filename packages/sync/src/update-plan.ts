import type { Entity, FieldType } from '@orrery/ecs'
import type { TransactionUpdate } from '@orrery/protocol'
import { isEntityId, isFieldValue } from './field-values.js'
import type { ReplicaTable } from './replica-tables.js'
import { SyncError } from './sync-error.js'

/** One row an update writes: every field (insert) or the fields of `mask` (update), values already dequantized. */
export interface PlannedRow {
  readonly table: ReplicaTable
  readonly h: number
  readonly e: Entity
  readonly mask: number
  readonly values: unknown[]
  /**
   * The quantized values after this row by quantized slot, then the last step of each (`quantized + slot`;
   * predicted fields move by it when a later row does not correct them); null when the table has none.
   */
  readonly qs: number[] | null
}

/** A validated update, ready to apply. */
export interface UpdatePlan {
  readonly deletes: { readonly table: ReplicaTable; readonly e: Entity }[]
  readonly releases: number[]
  readonly binds: number[]
  readonly inserts: PlannedRow[]
  readonly updates: PlannedRow[]
}

/** What validation asks of the replica's current state. */
export interface PlanState {
  entityOf(h: number): Entity | undefined
  handleOf(e: Entity): number | undefined
  lastQ(table: ReplicaTable, h: number): readonly number[] | undefined
  hasRow(e: Entity, table: ReplicaTable): boolean
  /** A held row the current session may insert again (it was held before a new session). */
  isStale(e: Entity, table: ReplicaTable): boolean
}

const F32_MAX = 3.4028234663852886e38
/** Entity ids and handles stay below 2^31. */
const KEY_SPAN = 2 ** 31

function fail(message: string): never {
  throw new SyncError('ERR_INVALID_UPDATE', message)
}

function dequantized(table: ReplicaTable, i: number, q: unknown, where: string): number {
  if (typeof q !== 'number' || !Number.isSafeInteger(q)) fail(`${where}: quantized ${table.component.name}.${table.component.fields[i]} is not an integer`)
  const v = q * (table.steps[i] as number)
  const type = table.types[i] as FieldType
  const ok =
    type === 'f32' ? Number.isFinite(v) && Math.abs(v) <= F32_MAX : type === 'f64' ? Number.isFinite(v) : isFieldValue(type, v)
  if (!ok) fail(`${where}: ${table.component.name}.${table.component.fields[i]} out of range`)
  return table.types[i] === 'f32' ? Math.fround(v) : v
}

function plainValue(table: ReplicaTable, i: number, v: unknown, where: string): unknown {
  if (!isFieldValue(table.types[i] as never, v)) fail(`${where}: bad value for ${table.component.name}.${table.component.fields[i]}`)
  return v
}

/**
 * Validates a TransactionUpdate against the replica's handles and rows and plans its writes, without
 * changing anything: a bad frame is refused whole.
 *
 * Order, as applied: deletes, releases, binds, inserts, updates. Checks: known tables (each once), bound
 * handles, held rows for deletes and updates, rows not yet held for inserts (unless left from an earlier
 * session), masks within the table's fields, integers for quantized fields and in-range values.
 *
 * @param m - the decoded update
 * @param resolve - table id → the replica's table
 * @param state - the replica's handles and rows
 * @returns the plan
 * @throws SyncError `ERR_INVALID_UPDATE`
 */
export function planUpdate(m: TransactionUpdate, resolve: (tableId: number) => ReplicaTable | undefined, state: PlanState): UpdatePlan {
  const bound = new Map<number, Entity | 0>()
  const entityOf = (h: number): Entity | undefined => {
    const local = bound.get(h)
    if (local !== undefined) return local === 0 ? undefined : local
    return state.entityOf(h)
  }
  // Rows and quantized values this update changes before a later part of it reads them, keyed by
  // table × 2^31 + entity (or handle): numbers, not strings, since most updates touch every key once.
  const rows = new Map<number, boolean>()
  const held = (e: Entity, table: ReplicaTable, t: number): boolean =>
    (rows.size === 0 ? undefined : rows.get(t * KEY_SPAN + e)) ?? state.hasRow(e, table)
  const qs = new Map<number, number[]>()
  const tables: { t: number; table: ReplicaTable; update: TransactionUpdate['tables'][number] }[] = []
  const seen = new Set<number>()
  for (const update of m.tables) {
    const table = resolve(update.tableId)
    if (table === undefined) fail(`unknown table id ${update.tableId}`)
    if (seen.has(update.tableId)) fail(`table id ${update.tableId} appears twice`)
    seen.add(update.tableId)
    tables.push({ t: update.tableId, table, update })
  }
  const plan: UpdatePlan = { deletes: [], releases: [], binds: [], inserts: [], updates: [] }
  for (const { t, table, update } of tables) {
    for (const h of update.deletes) {
      const e = entityOf(h)
      if (e === undefined) fail(`delete of ${table.component.name}: handle ${h} is not bound`)
      if (!held(e, table, t)) fail(`delete of ${table.component.name}: row of handle ${h} is not held`)
      rows.set(t * KEY_SPAN + e, false)
      plan.deletes.push({ table, e })
    }
  }
  const released = new Set<number>()
  for (const h of m.releases) {
    if (entityOf(h) === undefined) fail(`release of handle ${h}, which is not bound`)
    bound.set(h, 0)
    released.add(h)
    plan.releases.push(h)
  }
  const boundEntities = new Set<Entity>()
  for (let k = 0; k < m.binds.length; k += 2) {
    const h = m.binds[k] as number
    const e = m.binds[k + 1] as Entity
    if (!isEntityId(e)) fail(`bind of handle ${h}: bad entity id`)
    if (entityOf(h) !== undefined) fail(`bind of handle ${h}, which is bound`)
    const other = state.handleOf(e)
    // The entity's old handle may have been released and bound to another entity earlier in this update.
    if ((other !== undefined && !released.has(other)) || boundEntities.has(e)) fail(`bind of entity ${e}, which has a handle`)
    boundEntities.add(e)
    bound.set(h, e)
    plan.binds.push(h, e)
  }
  for (const { t, table, update } of tables) {
    const n = table.types.length
    const flat = update.inserts
    if (flat.length % (1 + n) !== 0) fail(`inserts of ${table.component.name}: length ${flat.length} is not a multiple of ${1 + n}`)
    for (let at = 0; at < flat.length; at += 1 + n) {
      const h = flat[at]
      const where = `insert of ${table.component.name} at ${at}`
      const e = typeof h === 'number' ? entityOf(h) : undefined
      if (e === undefined) fail(`${where}: handle is not bound`)
      if (held(e, table, t) && !state.isStale(e, table)) fail(`${where}: row is already held`)
      const values = new Array<unknown>(n)
      const q = table.quantized > 0 ? new Array<number>(2 * table.quantized).fill(0) : null
      for (let i = 0; i < n; i++) {
        const raw = flat[at + 1 + i]
        if ((table.steps[i] as number) > 0) {
          values[i] = dequantized(table, i, raw, where)
          ;(q as number[])[table.qSlots[i] as number] = raw as number
        } else values[i] = plainValue(table, i, raw, where)
      }
      rows.set(t * KEY_SPAN + e, true)
      if (q !== null) qs.set(t * KEY_SPAN + (h as number), q)
      plan.inserts.push({ table, h: h as number, e, mask: table.allowedMask, values, qs: q })
    }
  }
  for (const { t, table, update } of tables) {
    const flat = update.updates
    let at = 0
    const span = 2 ** table.types.length
    while (at < flat.length) {
      // A run's head packs count · 2^fields + mask.
      const head = flat[at]
      const where = `updates of ${table.component.name} at ${at}`
      if (typeof head !== 'number' || !Number.isSafeInteger(head) || head < 0) fail(`${where}: bad run head`)
      const mask = head % span
      const count = (head - mask) / span
      // A run of mask 0 moves predicted fields by their last step alone: only tables that have some.
      const lowest = table.predictedMask === 0 ? 1 : 0
      if (mask < lowest) fail(`${where}: bad mask`)
      if (count < 1) fail(`${where}: empty run`)
      at += 1
      let bits = 0
      for (let b = mask; b !== 0; b &= b - 1) bits++
      if (at + count * (1 + bits) > flat.length) fail(`${where}: run longer than the updates`)
      const width = table.quantized
      let previous = 0
      for (let r = 0; r < count; r++) {
        // The first handle of a run is written as is, each later one as the gap from the one before (≥ 1).
        const gap = flat[at]
        if (typeof gap !== 'number' || !Number.isSafeInteger(gap) || gap < (r === 0 ? 0 : 1)) fail(`${where}: bad handle`)
        const h = previous + gap
        previous = h
        const e = entityOf(h)
        if (e === undefined) fail(`${where}: handle is not bound`)
        if (!held(e, table, t)) fail(`${where}: row of handle ${h as number} is not held`)
        const key = t * KEY_SPAN + (h as number)
        const before = qs.get(key) ?? state.lastQ(table, h as number)
        const q = width > 0 ? (before === undefined ? new Array<number>(2 * width).fill(0) : [...before]) : null
        const values: unknown[] = []
        let changed = 0
        let v = at + 1
        // Fields in index order: the mask's, and the predicted ones, which move by their last step when clear.
        for (let b = mask | table.predictedMask; b !== 0; b &= b - 1) {
          const i = 31 - Math.clz32(b & -b)
          const sent = (mask & (1 << i)) !== 0
          const raw = sent ? flat[v++] : 0
          if ((table.steps[i] as number) > 0) {
            if (typeof raw !== 'number' || !Number.isSafeInteger(raw)) fail(`${where}: quantized delta is not an integer`)
            const slot = table.qSlots[i] as number
            const last = (q as number[])[slot] as number
            const predicted = (table.predictedMask & (1 << i)) !== 0
            const next = predicted ? last + ((q as number[])[width + slot] as number) + raw : last + raw
            if (predicted) (q as number[])[width + slot] = next - last
            ;(q as number[])[slot] = next
            if (!sent && next === last) continue
            values.push(dequantized(table, i, next, where))
          } else values.push(plainValue(table, i, raw, where))
          changed |= 1 << i
        }
        if (q !== null) qs.set(key, q)
        if (changed !== 0 || q !== null) plan.updates.push({ table, h: h as number, e, mask: changed >>> 0, values, qs: q })
        at = v
      }
    }
  }
  return plan
}
