import type { Entity, Field } from '@orrery/ecs'
import { MessageType } from '@orrery/protocol'
import { FrameWriter } from '@orrery/protocol/internal'
import type { HandleTable } from './handle-table.js'
import type { UpdateDraft } from './update-draft.js'
import { quantize, type WirePlan, writePlainValue } from './wire-plan.js'

/** The header fields of one client's TransactionUpdate. */
export interface UpdateHeader {
  readonly seq: number
  readonly prevSeq: number
  readonly tickDelta: number
  readonly timeDelta: number
  readonly ack: number | null
}

const body = new FrameWriter(1 << 16)
const frame = new FrameWriter(1 << 16)
const usedTables: number[] = []

/**
 * Encodes one client's TransactionUpdate straight into msgpack bytes: no array per row.
 *
 * Update rows whose quantized values did not move since the client's last value (and that changed no
 * other field) are dropped here; returns null when nothing is left to say (no rows, handles, events or ack).
 * The client's last quantized values advance as rows are written.
 *
 * @param handles - the client's handle table
 * @param draft - what the update carries
 * @param plans - the tables' wire plans
 * @param accessors - per table, the world's field accessors
 * @param qOffsets - per table, the first quantized slot of its fields
 * @param header - seq, deltas and ack
 * @param tolerance - quantization steps a predicted field may stray from its true value before it is corrected
 * @returns the frame, or null
 */
export function encodeUpdate(
  handles: HandleTable,
  draft: UpdateDraft,
  plans: readonly WirePlan[],
  accessors: readonly (readonly Field<unknown>[])[],
  qOffsets: readonly number[],
  header: UpdateHeader,
  tolerance = 0,
): Uint8Array | null {
  const qSlots = handles.qSlots
  const lastQ = handles.lastQ
  const lastD = handles.lastD
  // Drop quantized bits that did not move (and rows left with nothing to say), before any count is written.
  usedTables.length = 0
  for (let t = 0; t < draft.tableCount; t++) {
    const plan = plans[t] as WirePlan
    const hs = draft.updateHandles[t] as number[]
    const masks = draft.updateMasks[t] as number[]
    if (plan.quantizedMask !== 0 && hs.length > 0) {
      const cols = accessors[t] as readonly Field<unknown>[]
      const qBase = qOffsets[t] as number
      const predicted = plan.predictedMask
      // The quantized values are kept for the write (read and rounded once), at `kept * quantized + slot`;
      // a kept row's predicted fields are always read (the receiver moves them by their last step).
      const width = plan.quantized
      let cache = qCache[t]
      if (cache === undefined || cache.length < hs.length * width) qCache[t] = cache = new Float64Array(Math.max(64, hs.length * width * 2))
      let kept = 0
      for (let k = 0; k < hs.length; k++) {
        const h = hs[k] as number
        const changed = masks[k] as number
        let mask = changed & ~plan.quantizedMask
        let needed = mask !== 0
        const e = handles.entityOf(h) as Entity
        for (let bits = (changed & plan.quantizedMask) | predicted; bits !== 0; bits &= bits - 1) {
          const i = 31 - Math.clz32(bits & -bits)
          const f = plan.fields[i] as (typeof plan.fields)[number]
          const slot = h * qSlots + qBase + f.qSlot
          const value = quantize((cols[i] as Field<number>).get(e), f.step)
          const last = lastQ[slot] as number
          if (f.predicted) {
            // Within the tolerance of its prediction a position follows it (the receiver's value, cached);
            // the row goes out once the receiver's value is further than the tolerance from the true one.
            const predictedQ = last + (lastD[slot] as number)
            const off = value - predictedQ
            const follows = off <= tolerance && off >= -tolerance
            cache[kept * width + f.qSlot] = follows ? predictedQ : value
            if (!follows) mask |= 1 << i
            if (value - last > tolerance || last - value > tolerance) needed = true
          } else {
            cache[kept * width + f.qSlot] = value
            if (value !== last) {
              mask |= 1 << i
              needed = true
            }
          }
        }
        if (needed) {
          hs[kept] = h
          masks[kept] = mask >>> 0
          kept++
        }
      }
      hs.length = kept
      masks.length = kept
    }
    if (hs.length > 0 || (draft.inserts[t] as number[]).length > 0 || (draft.deletes[t] as number[]).length > 0) usedTables.push(t)
  }
  if (usedTables.length === 0 && draft.binds.length === 0 && draft.releases.length === 0 && draft.events.length === 0 && header.ack === null) {
    return null
  }
  body.reset()
  body.arrayHeader(usedTables.length)
  for (const t of usedTables) writeTable(body, handles, draft, plans[t] as WirePlan, accessors[t] as readonly Field<unknown>[], qOffsets[t] as number)
  frame.reset()
  frame.arrayHeader(10)
  frame.int(MessageType.TransactionUpdate)
  frame.int(header.seq)
  frame.int(header.seq - header.prevSeq)
  frame.int(header.tickDelta)
  frame.number(header.timeDelta)
  if (header.ack === null) frame.nil()
  else frame.int(header.ack)
  frame.arrayHeader(draft.binds.length)
  for (const v of draft.binds) frame.int(v)
  frame.arrayHeader(draft.releases.length)
  for (const v of draft.releases) frame.int(v)
  frame.append(body)
  frame.arrayHeader(draft.events.length)
  for (const event of draft.events) {
    frame.arrayHeader(2)
    frame.str(event.name)
    frame.value(event.payload)
  }
  return frame.toBytes()
}

function writeTable(
  w: FrameWriter,
  handles: HandleTable,
  draft: UpdateDraft,
  plan: WirePlan,
  cols: readonly Field<unknown>[],
  qOffset: number,
): void {
  const t = plan.tableId
  const fields = plan.fields
  const lastQ = handles.lastQ
  const lastD = handles.lastD
  const qBase = qOffset
  const qSlots = handles.qSlots
  const cache = plan.quantizedMask !== 0 ? qCache[t] : undefined
  w.arrayHeader(4)
  w.int(t)
  const inserts = draft.inserts[t] as number[]
  w.arrayHeader(inserts.length * (1 + fields.length))
  for (const h of inserts) {
    const e = handles.entityOf(h)
    w.int(h)
    for (let i = 0; i < fields.length; i++) {
      const f = fields[i] as (typeof fields)[number]
      const value = (cols[i] as Field<unknown>).get(e)
      if (f.step > 0) {
        const q = quantize(value as number, f.step)
        lastQ[h * qSlots + qBase + f.qSlot] = q
        lastD[h * qSlots + qBase + f.qSlot] = 0
        w.int(q)
      } else writePlainValue(w, f.type, value)
    }
  }
  const hs = draft.updateHandles[t] as number[]
  const masks = draft.updateMasks[t] as number[]
  // Runs of one mask, handles ascending: [head, h, values..., gap, values..., ...] where head packs
  // count · 2^fields + mask (one byte for most runs) and each handle after a run's first is written as the
  // gap from the one before (one byte for a view of any size).
  const n = hs.length
  const order = orderRows(hs, masks)
  let items = runMasks.length
  for (let k = 0; k < n; k++) {
    let bits = 0
    for (let b = masks[k] as number; b !== 0; b &= b - 1) bits++
    items += 1 + bits
  }
  const span = 2 ** fields.length
  w.arrayHeader(items)
  let at = 0
  for (let run = 0; run < runMasks.length; run++) {
    const mask = runMasks[run] as number
    const count = runCounts[run] as number
    w.int(count * span + mask)
    let previous = 0
    for (let j = at; j < at + count; j++) {
      const k = order[j] as number
      const h = hs[k] as number
      const e = handles.entityOf(h)
      w.int(h - previous)
      previous = h
      for (let bits = mask | plan.predictedMask; bits !== 0; bits &= bits - 1) {
        const i = 31 - Math.clz32(bits & -bits)
        const f = fields[i] as (typeof fields)[number]
        if (f.step > 0) {
          const slot = h * qSlots + qBase + f.qSlot
          const q =
            cache === undefined ? quantize((cols[i] as Field<number>).get(e), f.step) : (cache[k * plan.quantized + f.qSlot] as number)
          const last = lastQ[slot] as number
          if (f.predicted) {
            // Coded against the prediction `last + lastD`; a clear bit means the prediction holds.
            if ((mask & (1 << i)) !== 0) w.int(q - last - (lastD[slot] as number))
            lastD[slot] = q - last
          } else w.int(q - last)
          lastQ[slot] = q
        } else writePlainValue(w, f.type, (cols[i] as Field<unknown>).get(e))
      }
    }
    at += count
  }
  const deletes = draft.deletes[t] as number[]
  w.arrayHeader(deletes.length)
  for (const h of deletes) w.int(h)
}

/** Handles stay below 2^22 (the most entities a world holds at once). */
const HANDLE_SPAN = 2 ** 22
/** Rows of one table in one update stay below 2^20; (run, handle, row) packs into 5 + 22 + 20 < 53 bits. */
const K_SPAN = 2 ** 20
/** Per table: the quantized values of the update rows being written. */
const qCache: (Float64Array | undefined)[] = []
/** The masks of the runs being written, their row counts, and each row's run. */
const runMasks: number[] = []
const runCounts: number[] = []
let runOf = new Int32Array(256)
let ordered = new Int32Array(256)
let sortKeys = new Float64Array(256)
/** Per handle − the lowest handle: the row that updates it, for the bucket pass. */
let rowAt = new Int32Array(1024)

/**
 * Orders the rows of one table's update by run (rows of one mask, runs in order of first appearance) and
 * by handle within a run. Handles are small and dense, so a bucket pass over the handle range does it when
 * the range is at most a few times the rows; sparse handles take a numeric sort.
 *
 * @returns row indexes in write order (valid up to `hs.length`); fills `runMasks` and `runCounts`
 */
function orderRows(hs: readonly number[], masks: readonly number[]): Int32Array {
  const n = hs.length
  runMasks.length = 0
  runCounts.length = 0
  if (runOf.length < n) runOf = new Int32Array(Math.max(n, runOf.length * 2))
  if (ordered.length < n) ordered = new Int32Array(Math.max(n, ordered.length * 2))
  let minH = Number.POSITIVE_INFINITY
  let maxH = 0
  for (let k = 0; k < n; k++) {
    const mask = masks[k] as number
    let run = runMasks.indexOf(mask)
    if (run === -1) {
      run = runMasks.push(mask) - 1
      runCounts.push(0)
    }
    runOf[k] = run
    runCounts[run] = (runCounts[run] as number) + 1
    const h = hs[k] as number
    if (h < minH) minH = h
    if (h > maxH) maxH = h
  }
  if (n === 0) return ordered
  const range = maxH - minH + 1
  if (range <= 8 * n + 64) {
    if (rowAt.length < range) rowAt = new Int32Array(Math.max(range, rowAt.length * 2))
    rowAt.fill(-1, 0, range)
    for (let k = 0; k < n; k++) rowAt[(hs[k] as number) - minH] = k
    // Each run's segment starts after the runs before it; one pass over the range fills them in handle order.
    const next = runStarts()
    for (let d = 0; d < range; d++) {
      const k = rowAt[d] as number
      if (k < 0) continue
      const run = runOf[k] as number
      ordered[next[run] as number] = k
      next[run] = (next[run] as number) + 1
    }
    return ordered
  }
  if (sortKeys.length < n) sortKeys = new Float64Array(Math.max(n, sortKeys.length * 2))
  for (let k = 0; k < n; k++) sortKeys[k] = ((runOf[k] as number) * HANDLE_SPAN + (hs[k] as number)) * K_SPAN + k
  const sorted = sortKeys.subarray(0, n).sort()
  for (let j = 0; j < n; j++) ordered[j] = (sorted[j] as number) % K_SPAN
  return ordered
}

const starts: number[] = []

function runStarts(): number[] {
  starts.length = runCounts.length
  let at = 0
  for (let r = 0; r < runCounts.length; r++) {
    starts[r] = at
    at += runCounts[r] as number
  }
  return starts
}
