import type { Entity, FieldType } from '@orrery/ecs'
import type { TransactionUpdate } from '@orrery/protocol'
import { isEntityId, isFieldValue } from './field-values.js'
import type { BaselineStore } from './baseline-store.js'
import { entitySlot, PlanMarks } from './plan-marks.js'
import { PlannedUpdates, QuantizedScratch } from './plan-scratch.js'
import type { ReplicaTable } from './replica-tables.js'
import { SyncError } from './sync-error.js'

/** One row an insert writes: every field, values already dequantized. */
/** A validated update, ready to apply. */
export interface UpdatePlan {
  /** The deleted rows (their tables, handles and entities; no values). */
  readonly deletes: PlannedUpdates
  readonly releases: readonly number[]
  readonly binds: readonly number[]
  /** The inserted rows, every field of each in field order (their masks have every field's bit). */
  readonly inserts: PlannedUpdates
  readonly updates: PlannedUpdates
  /**
   * The quantized state after the update of each inserted or updated row of a table with quantized fields:
   * its values by quantized slot, then the last step of each (2 × quantized numbers per row).
   */
  readonly qs: Float64Array
}

/** What validation asks of the replica's current state. */
export interface PlanState {
  entityOf(h: number): Entity | undefined
  handleOf(e: Entity): number | undefined
  /** The quantized state of a table's rows (2 × quantized numbers per handle; zeros when none). */
  baselineOf(table: ReplicaTable): BaselineStore
  hasRow(e: Entity, table: ReplicaTable): boolean
  /** A held row the current session may insert again (it was held before a new session). */
  isStale(e: Entity, table: ReplicaTable): boolean
}

const F32_MAX = 3.4028234663852886e38
/** Handles stay below 2^22 (docs/protocol.md §7). */
const MAX_HANDLE = 2 ** 22

function fail(message: string): never {
  throw new SyncError('ERR_INVALID_UPDATE', message)
}

/** Where in an update a bad row was found, for the error message (built only on failure). */
function where(kind: string, table: ReplicaTable, at: number): string {
  return `${kind} of ${table.component.name} at ${at}`
}

/** Whether a wire value is a safe integer (small ones, the common case, without a call). */
function isInteger(v: unknown): v is number {
  return typeof v === 'number' && ((v | 0) === v || Number.isSafeInteger(v))
}

function dequantized(table: ReplicaTable, i: number, q: unknown, kind: string, at: number): number {
  if (!isInteger(q)) fail(`${where(kind, table, at)}: quantized ${table.component.name}.${table.component.fields[i]} is not an integer`)
  return inRange(table, i, q, kind, at)
}

/** `q × step` of a quantized integer already known to be an integer (the sum of checked integers), checked for its type's range. */
function inRange(table: ReplicaTable, i: number, q: number, kind: string, at: number): number {
  const v = q * (table.steps[i] as number)
  const type = table.types[i] as FieldType
  // Comparisons are false for NaN: an infinite or NaN value fails them.
  const ok =
    q <= Number.MAX_SAFE_INTEGER && q >= -Number.MAX_SAFE_INTEGER &&
    (type === 'f32' ? v <= F32_MAX && v >= -F32_MAX : type === 'f64' ? Number.isFinite(v) : isFieldValue(type, v))
  if (!ok) fail(`${where(kind, table, at)}: ${table.component.name}.${table.component.fields[i]} out of range`)
  return type === 'f32' ? Math.fround(v) : v
}

function plainValue(table: ReplicaTable, i: number, v: unknown, kind: string, at: number): unknown {
  if (!isFieldValue(table.types[i] as never, v)) fail(`${where(kind, table, at)}: bad value for ${table.component.name}.${table.component.fields[i]}`)
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
 * @param resolve - by table id, the replica's table (undefined for tables it does not know)
 * @param state - the replica's handles and rows
 * @returns the plan
 * @throws SyncError `ERR_INVALID_UPDATE`
 */
export function planUpdate(m: TransactionUpdate, resolve: readonly (ReplicaTable | undefined)[], state: PlanState): UpdatePlan {
  const v = context.start(state)
  // The resolved tables, in message order: the first m.tables.length entries (kept between plans).
  const tables = planTables
  for (let k = 0; k < m.tables.length; k++) {
    const update = m.tables[k] as TransactionUpdate['tables'][number]
    const table = resolve[update.tableId]
    if (table === undefined) fail(`unknown table id ${update.tableId}`)
    for (let j = 0; j < k; j++) if ((m.tables[j] as TransactionUpdate['tables'][number]).tableId === update.tableId) fail(`table id ${update.tableId} appears twice`)
    tables[k] = table
  }
  const updates = scratchUpdates
  const scratch = scratchQs
  updates.reset()
  scratch.reset()
  const deletes = scratchDeletes
  const inserts = scratchInserts
  deletes.reset()
  inserts.reset()
  for (let k = 0; k < m.tables.length; k++) {
    const table = tables[k] as ReplicaTable
    const update = m.tables[k] as TransactionUpdate['tables'][number]
    const t = update.tableId
    for (const h of update.deletes) {
      const e = v.entityOf(h)
      if (e === undefined) fail(`delete of ${table.component.name}: handle ${h} is not bound`)
      if (!v.held(e, table, t)) fail(`delete of ${table.component.name}: row of handle ${h} is not held`)
      v.setRow(e, t, false)
      deletes.push(table, h, e, 0, 0, -1)
    }
  }
  for (const h of m.releases) {
    if (v.entityOf(h) === undefined) fail(`release of handle ${h}, which is not bound`)
    v.bind(h, 0)
  }
  for (let k = 0; k < m.binds.length; k += 2) {
    const h = m.binds[k] as number
    const e = m.binds[k + 1] as Entity
    if (h >= MAX_HANDLE) fail(`bind of handle ${h}: handles stay below 2^22`)
    if (!isEntityId(e)) fail(`bind of handle ${h}: bad entity id`)
    if (v.entityOf(h) !== undefined) fail(`bind of handle ${h}, which is bound`)
    const other = state.handleOf(e)
    // The entity's old handle may have been released (and bound to another entity) earlier in this update.
    if ((other !== undefined && v.entityOf(other) === e) || v.boundHere(e)) fail(`bind of entity ${e}, which has a handle`)
    v.bind(h, e)
  }
  for (let k = 0; k < m.tables.length; k++) {
    const table = tables[k] as ReplicaTable
    const update = m.tables[k] as TransactionUpdate['tables'][number]
    const t = update.tableId
    const n = table.types.length
    const width = table.quantized
    const flat = update.inserts
    if (flat.length % (1 + n) !== 0) fail(`inserts of ${table.component.name}: length ${flat.length} is not a multiple of ${1 + n}`)
    for (let at = 0; at < flat.length; at += 1 + n) {
      const h = flat[at]
      const e = typeof h === 'number' ? v.entityOf(h) : undefined
      if (e === undefined) fail(`${where('insert', table, at)}: handle is not bound`)
      if (v.held(e, table, t) && !state.isStale(e, table)) fail(`${where('insert', table, at)}: row is already held`)
      const start = inserts.valueCount
      // Values by slot, then last steps of 0.
      const qAt = width > 0 ? scratch.take(2 * width, true) : -1
      for (let i = 0; i < n; i++) {
        const raw = flat[at + 1 + i]
        if ((table.steps[i] as number) > 0) {
          inserts.value(dequantized(table, i, raw, 'insert', at))
          scratch.data[qAt + (table.qSlots[i] as number)] = raw as number
        } else inserts.value(plainValue(table, i, raw, 'insert', at))
      }
      v.setRow(e, t, true)
      v.claim(table, h as number)
      inserts.push(table, h as number, e, table.allowedMask, start, qAt)
    }
  }
  for (let k = 0; k < m.tables.length; k++) {
    const table = tables[k] as ReplicaTable
    const update = m.tables[k] as TransactionUpdate['tables'][number]
    const t = update.tableId
    const flat = update.updates
    const span = table.span
    const width = table.quantized
    const predictedMask = table.predictedMask
    const steps = table.steps
    const qSlots = table.qSlots
    const baseline = width > 0 ? state.baselineOf(table) : null
    // When every quantized field is predicted, a row rewrites all its baseline numbers: they are read from
    // the store in place instead of copied into the scratch first.
    const inPlace = baseline !== null && table.allPredicted
    const stored = inPlace ? (baseline as BaselineStore).values : NO_VALUES
    // A run of mask 0 moves predicted fields by their last step alone: only tables that have some.
    const lowest = predictedMask === 0 ? 1 : 0
    let at = 0
    while (at < flat.length) {
      // A run's head packs count · 2^fields + mask.
      const head = flat[at]
      if (!isInteger(head) || head < 0) fail(`${where('updates', table, at)}: bad run head`)
      // The head is below 2^31 in all but absurd runs: a mask of bits then, a remainder past it.
      const mask = head < 0x80000000 ? head & (span - 1) : head % span
      const count = (head - mask) / span
      if (mask < lowest) fail(`${where('updates', table, at)}: bad mask`)
      if (count < 1) fail(`${where('updates', table, at)}: empty run`)
      at += 1
      let bits = 0
      for (let b = mask; b !== 0; b &= b - 1) bits++
      if (at + count * (1 + bits) > flat.length) fail(`${where('updates', table, at)}: run longer than the updates`)
      let previous = 0
      for (let r = 0; r < count; r++) {
        // The first handle of a run is written as is, each later one as the gap from the one before (≥ 1).
        const gap = flat[at]
        if (!isInteger(gap) || gap < (r === 0 ? 0 : 1)) fail(`${where('updates', table, at)}: bad handle`)
        const h = previous + gap
        previous = h
        const e = v.entityOf(h)
        if (e === undefined) fail(`${where('updates', table, at)}: handle is not bound`)
        if (!v.held(e, table, t)) fail(`${where('updates', table, at)}: row of handle ${h} is not held`)
        // A row appears at most once per update (inserted or updated).
        if (!v.claim(table, h)) fail(`${where('updates', table, at)}: row of handle ${h} appears twice`)
        const qAt = baseline === null ? -1 : scratch.take(2 * width, false)
        const qs = scratch.data
        const from = inPlace ? (baseline as BaselineStore).offsetOf(h) : -1
        if (baseline !== null && !inPlace) baseline.read(h, qs, qAt)
        const start = updates.valueCount
        let changed = 0
        let vi = at + 1
        // Fields in index order: the mask's, and the predicted ones, which move by their last step when clear.
        for (let b = mask | predictedMask; b !== 0; b &= b - 1) {
          const i = 31 - Math.clz32(b & -b)
          const sent = (mask & (1 << i)) !== 0
          const raw = sent ? flat[vi++] : 0
          if ((steps[i] as number) > 0) {
            if (!isInteger(raw)) fail(`${where('updates', table, at)}: quantized delta is not an integer`)
            const slot = qAt + (qSlots[i] as number)
            const last = inPlace ? (from < 0 ? 0 : (stored[from + (qSlots[i] as number)] as number)) : (qs[slot] as number)
            let next = last + raw
            if ((predictedMask & (1 << i)) !== 0) {
              next += inPlace ? (from < 0 ? 0 : (stored[from + (qSlots[i] as number) + width] as number)) : (qs[slot + width] as number)
              qs[slot + width] = next - last
            }
            qs[slot] = next
            if (!sent && next === last) continue
            updates.value(inRange(table, i, next, 'updates', at))
          } else updates.value(plainValue(table, i, raw, 'updates', at))
          changed |= 1 << i
        }
        updates.push(table, h, e, changed, start, qAt)
        at = vi
      }
    }
  }
  const plan = scratchPlan
  plan.releases = m.releases
  plan.binds = m.binds
  // The scratch may have grown while rows were planned: the plan reads its final array.
  plan.qs = scratch.data
  return plan
}

/** What a plan is built in, reused from one update to the next (a plan is committed before the next is made). */
const planTables: ReplicaTable[] = []
const scratchDeletes = new PlannedUpdates()
const scratchInserts = new PlannedUpdates()
const scratchUpdates = new PlannedUpdates()
const scratchPlan: { -readonly [K in keyof UpdatePlan]: UpdatePlan[K] } = {
  deletes: scratchDeletes,
  releases: [],
  binds: [],
  inserts: scratchInserts,
  updates: scratchUpdates,
  qs: new Float64Array(0),
}
const scratchQs = new QuantizedScratch()

/** Handles a plan bound (their entity) or released (-1). */
const boundMarks = new PlanMarks()
/** Entities a plan bound a handle to. */
const entityBinds = new PlanMarks()
/** Per table id, the rows a plan deleted (0) or inserted (1), by entity. */
const rowMarks: PlanMarks[] = []

function rowMarksOf(t: number): PlanMarks {
  let marks = rowMarks[t]
  if (marks === undefined) rowMarks[t] = marks = new PlanMarks()
  return marks
}

/** Marks of the rows an update wrote, by table: the stamp of the plan that last claimed each handle. */
const claims = new WeakMap<ReplicaTable, Int32Array>()
const NO_MARKS = new Int32Array(0)
const NO_VALUES = new Float64Array(0)
let planStamp = 0

/**
 * What one validation has seen so far: handles it bound or released, rows it deleted or inserted (so that
 * later parts of the same update see them), and the rows it wrote (each at most once).
 */
class PlanContext {
  private stamp = 0
  private state: PlanState | null = null
  private lastTable: ReplicaTable | null = null
  private lastMarks: Int32Array = NO_MARKS
  /** Whether this plan bound or released a handle, or deleted or inserted a row (else only the replica's state answers). */
  private bound = false
  private rowsMarked = false

  /** Starts a plan over `state` (one context serves every plan: a plan is finished before the next starts). */
  start(state: PlanState): this {
    // Int32 stamps wrap; a stale mark would have to be 2^32 updates old to collide.
    planStamp = (planStamp + 1) | 0
    if (planStamp === 0) planStamp = 1
    this.stamp = planStamp
    this.state = state
    this.lastTable = null
    this.lastMarks = NO_MARKS
    this.bound = false
    this.rowsMarked = false
    return this
  }

  entityOf(h: number): Entity | undefined {
    if (this.bound) {
      const local = boundMarks.get(h, h, this.stamp)
      if (local !== undefined) return local === -1 ? undefined : (local as Entity)
    }
    return (this.state as PlanState).entityOf(h)
  }

  /** Binds handle `h` to `e` in this plan, or unbinds it (`e` = 0). */
  bind(h: number, e: Entity | 0): void {
    this.bound = true
    boundMarks.set(h, h, e === 0 ? -1 : e, this.stamp)
    if (e !== 0) entityBinds.set(entitySlot(e), e, 1, this.stamp)
  }

  /** Whether this plan bound a handle to `e`. */
  boundHere(e: Entity): boolean {
    return entityBinds.get(entitySlot(e), e, this.stamp) !== undefined
  }

  held(e: Entity, table: ReplicaTable, t: number): boolean {
    const local = this.rowsMarked ? rowMarksOf(t).get(entitySlot(e), e, this.stamp) : undefined
    return local === undefined ? (this.state as PlanState).hasRow(e, table) : local === 1
  }

  setRow(e: Entity, t: number, held: boolean): void {
    this.rowsMarked = true
    rowMarksOf(t).set(entitySlot(e), e, held ? 1 : 0, this.stamp)
  }

  /** Claims the row of handle `h` for this update; false when it was already claimed. */
  claim(table: ReplicaTable, h: number): boolean {
    let marks = this.lastTable === table ? this.lastMarks : claims.get(table)
    if (marks === undefined || h >= marks.length) {
      let n = Math.max(64, marks?.length ?? 0)
      while (n <= h) n *= 2
      const grown = new Int32Array(n)
      if (marks !== undefined) grown.set(marks)
      claims.set(table, (marks = grown))
    }
    this.lastTable = table
    this.lastMarks = marks
    if (marks[h] === this.stamp) return false
    marks[h] = this.stamp
    return true
  }
}

const context = new PlanContext()
