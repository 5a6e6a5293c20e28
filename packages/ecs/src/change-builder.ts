import type { ComponentChanges } from './change-set.js'
import type { Entity } from './entity.js'
import type { NumericColumn } from './schema.js'
import type { ComponentStore } from './store.js'
import { PAGE, STRIDE, type UndoLog } from './undo-log.js'

// Hot paths use literals, not named constants: `e & 0x3fffff` is an entity's index (entity.ts
// INDEX_MASK), `>>> 6` / `<< 6` / 64 its undo-log page of 64 rows (store.ts PAGE_SHIFT, PAGE_SIZE).
// A bundler turns a module's top-level `const` into `var`, which V8 reloads on every use.

/** Per-row changed-field masks of the page being scanned. */
const pageMasks = new Int32Array(64)

/**
 * Builds the net per-component changes of a committed outermost transaction: diffs every page
 * the log copied against the committed values (updates with field masks), and compares each
 * structurally changed row's owner before and after (inserts, deletes). Resets the stores'
 * per-transaction marks.
 *
 * @param log - the undo log of the whole transaction
 * @param stores - all stores, by id
 * @param touched - the stores with log entries, any order (sorted here)
 * @returns changes of the components that changed, in registration order
 */
export function buildComponentChanges(
  log: UndoLog,
  stores: readonly ComponentStore[],
  touched: ComponentStore[],
): ComponentChanges[] {
  for (let k = 0; k < touched.length; k++) (touched[k] as ComponentStore).updatedCount = 0
  const ops = log.ops
  for (let k = 0; k < log.opsLen; k += STRIDE) {
    if (ops[k] !== PAGE) continue
    const s = stores[ops[k + 1] as number] as ComponentStore
    const p = ops[k + 2] as number
    s.pageMark[p] = 0
    scanPage(log, s, p, ops[k + 4] as number, ops[k + 5] as number)
  }
  touched.sort((a, b) => a.id - b.id)
  const result: ComponentChanges[] = []
  for (let k = 0; k < touched.length; k++) {
    const changes = collect(touched[k] as ComponentStore)
    if (changes !== undefined) result.push(changes)
  }
  return result
}

function scanPage(log: UndoLog, s: ComponentStore, p: number, numOff: number, objOff: number): void {
  const base = p << 6
  if (s.numFields.length === 1 && s.objFields.length === 0 && s.floatField[s.numFields[0] as number] !== true) {
    scanSingleIntPage(log, s, base, numOff)
    return
  }
  const pm = pageMasks
  // Field by field, so each inner loop reads one column of one type (monomorphic and tight).
  const numFields = s.numFields
  const num = log.num
  if (numFields.length > 0) {
    // The first integer field sets the masks (no separate clearing pass).
    const f = numFields[0] as number
    if (s.floatField[f] === true) for (let r = 0; r < 64; r++) pm[r] = 0
    else {
      const bit = 1 << f
      const col = s.cols[f] as NumericColumn
      for (let r = 0; r < 64; r++) pm[r] = col[base + r] !== num[numOff + r] ? bit : 0
    }
  } else {
    for (let r = 0; r < 64; r++) pm[r] = 0
  }
  for (let q = 0; q < numFields.length; q++) {
    const f = numFields[q] as number
    if (q === 0 && s.floatField[f] !== true) continue
    const bit = 1 << f
    const col = s.cols[f] as NumericColumn
    const at = numOff + q * 64
    if (s.floatField[f] === true) {
      for (let r = 0; r < 64; r++) {
        const now = col[base + r] as number
        const was = num[at + r] as number
        // NaN (possible through typed-array conversion in Field.set) equals itself here.
        if (now !== was && !(Number.isNaN(now) && Number.isNaN(was))) pm[r] = (pm[r] as number) | bit
      }
    } else {
      // Integer columns never hold NaN: one compare per row.
      for (let r = 0; r < 64; r++) if (col[base + r] !== num[at + r]) pm[r] = (pm[r] as number) | bit
    }
  }
  const objFields = s.objFields
  const obj = log.obj
  for (let q = 0; q < objFields.length; q++) {
    const f = objFields[q] as number
    const bit = 1 << f
    const col = s.cols[f] as unknown[]
    const at = objOff + q * 64
    for (let r = 0; r < 64; r++) if (col[base + r] !== obj[at + r]) pm[r] = (pm[r] as number) | bit
  }
  const owner = s.owner
  const structMark = s.structMark
  const prevOwner = s.prevOwner
  if (s.updatedEntities.length < s.updatedCount + 64) s.growUpdated()
  const up = s.updatedEntities
  const masks = s.updatedMaskBits
  let n = s.updatedCount
  for (let r = 0; r < 64; r++) {
    const mask = pm[r] as number
    if (mask === 0) continue
    const i = base + r
    const e = owner[i] as number
    // Rows that did not exist before and after the transaction are inserts or deletes.
    if (e <= 0 || (structMark[i] === 1 && prevOwner[i] !== e)) continue
    up[n] = e
    // Unsigned: bit 31 (a 32nd field) stays a positive mask.
    masks[n] = mask >>> 0
    n++
  }
  s.updatedCount = n
}

/** {@link scanPage} for a component with one integer field: one pass, no mask scratch. */
function scanSingleIntPage(log: UndoLog, s: ComponentStore, base: number, numOff: number): void {
  const f = s.numFields[0] as number
  const mask = (1 << f) >>> 0
  const col = s.cols[f] as NumericColumn
  const num = log.num
  const owner = s.owner
  const structMark = s.structMark
  const prevOwner = s.prevOwner
  if (s.updatedEntities.length < s.updatedCount + 64) s.growUpdated()
  const up = s.updatedEntities
  const masks = s.updatedMaskBits
  let n = s.updatedCount
  for (let r = 0; r < 64; r++) {
    const i = base + r
    if (col[i] === num[numOff + r]) continue
    const e = owner[i] as number
    if (e <= 0 || (structMark[i] === 1 && prevOwner[i] !== e)) continue
    up[n] = e
    masks[n] = mask
    n++
  }
  s.updatedCount = n
}

function collect(s: ComponentStore): ComponentChanges | undefined {
  const inserted: Entity[] = []
  const deleted: Entity[] = []
  const rows = s.structRows
  for (let k = 0; k < rows.length; k++) {
    const i = rows[k] as number
    s.structMark[i] = 0
    const before = s.prevOwner[i] as number
    const now = s.owner[i] as number
    if (before === now) continue
    if (before !== 0) deleted.push(before as Entity)
    if (now !== 0) inserted.push(now as Entity)
  }
  rows.length = 0
  s.touched = false
  const n = s.updatedCount
  if (inserted.length + n + deleted.length === 0) return undefined
  // Exact-size arrays: one block copy each from the packed scratch lists.
  const updated = s.updatedEntities.slice(0, n) as Entity[]
  const updatedMasks = s.updatedMaskBits.slice(0, n)
  return { component: s.component, inserted, updated, updatedMasks, deleted }
}
