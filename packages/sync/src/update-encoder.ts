import type { Entity, Field } from '@orrery/ecs'
import { MessageType } from '@orrery/protocol'
import { FrameWriter } from '@orrery/protocol/internal'
import type { ChangeIndex, ScopedEvent } from './change-index.js'
import type { HandleTable } from './handle-table.js'
import type { QuantizedRows } from './quantized-rows.js'
import type { ScratchList, UpdatedRows } from './scratch-list.js'
import type { UpdateDraft } from './update-draft.js'
import { quantize, type WireField, type WirePlan, writePlainValue } from './wire-plan.js'

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
 * @param changes - the flush's changes (their quantized values are read once for every client)
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
  changes: ChangeIndex,
  tolerance = 0,
): Uint8Array | null {
  body.reset()
  let used = 0
  for (let t = 0; t < draft.tableCount; t++) {
    const inserts = draft.inserts[t] as ScratchList<number>
    const deletes = draft.deletes[t] as ScratchList<number>
    const updated = draft.updates[t] as UpdatedRows
    if (inserts.length === 0 && deletes.length === 0 && updated.length === 0) continue
    const plan = plans[t] as WirePlan
    const cols = accessors[t] as readonly Field<unknown>[]
    // Update rows first, into one buffer per mask: rows with nothing left to say are dropped there.
    const shared = updated.length > 0 && plan.quantized > 0 ? changes.quantized(plan, cols) : null
    const items = collectRuns(handles, updated, plan, cols, qOffsets[t] as number, tolerance, shared)
    if (items === 0 && inserts.length === 0 && deletes.length === 0) continue
    used++
    writeTable(body, handles, inserts, deletes, plan, cols, qOffsets[t] as number, items)
  }
  if (used === 0 && draft.binds.length === 0 && draft.releases.length === 0 && draft.events.length === 0 && header.ack === null) {
    return null
  }
  frame.reset()
  frame.arrayHeader(10)
  frame.int(MessageType.TransactionUpdate)
  frame.int(header.seq)
  frame.int(header.seq - header.prevSeq)
  frame.int(header.tickDelta)
  frame.number(header.timeDelta)
  if (header.ack === null) frame.nil()
  else frame.int(header.ack)
  writeInts(frame, draft.binds)
  writeInts(frame, draft.releases)
  frame.arrayHeader(used)
  frame.append(body)
  frame.arrayHeader(draft.events.length)
  for (const event of draft.events) frame.raw(eventBytes(event))
  const out = allocate(frame.length)
  frame.copyTo(out)
  return out
}

/**
 * Node's `Buffer.allocUnsafe` where it exists (small sizes come from Node's pool: several times cheaper than
 * a fresh `ArrayBuffer` for the few hundred bytes of a frame), else a plain Uint8Array.
 */
const NodeBuffer = (globalThis as { Buffer?: { allocUnsafe(size: number): Uint8Array } }).Buffer
const allocate: (size: number) => Uint8Array =
  NodeBuffer === undefined ? (size) => new Uint8Array(size) : (size) => NodeBuffer.allocUnsafe(size)

const eventWriter = new FrameWriter(256)

/** An event's wire form, `[name, payload]`, encoded the first time a client hears it. */
function eventBytes(event: ScopedEvent): Uint8Array {
  if (event.bytes !== null) return event.bytes
  eventWriter.reset()
  eventWriter.arrayHeader(2)
  eventWriter.str(event.name)
  eventWriter.value(event.payload)
  event.bytes = eventWriter.toBytes()
  return event.bytes
}

/** The masks of the runs being written, their row counts, the last handle of each, and a buffer per run. */
const runMasks: number[] = []
const runCounts: number[] = []
const runLast: number[] = []
/** Runs in use in the arrays above (which keep their capacity from one table to the next). */
let runCount = 0
const runWriters: FrameWriter[] = []

/**
 * Codes one table's update rows into one buffer per final mask (a run), in ascending handle order: the
 * quantized fields are read and rounded once, rows whose quantized values did not move (and that changed
 * no other field) are dropped, and the client's last quantized values advance as rows are coded.
 *
 * @returns the number of msgpack items the runs hold (heads, handles, values); 0 when no row is left
 */
function collectRuns(
  handles: HandleTable,
  updated: UpdatedRows,
  plan: WirePlan,
  cols: readonly Field<unknown>[],
  qBase: number,
  tolerance: number,
  shared: QuantizedRows | null,
): number {
  runCount = 0
  const n = updated.length
  if (n === 0) return 0
  const hs = updated.handles
  const masks = updated.masks
  const order = ascending(hs, n)
  const qSlots = handles.qSlots
  const lastQ = handles.lastQ
  const lastD = handles.lastD
  const fields = plan.fields
  const quantizedMask = plan.quantizedMask
  const predicted = plan.predictedMask
  let items = 0
  for (let j = 0; j < n; j++) {
    const k = order === null ? j : (order[j] as number)
    const h = hs[k] as number
    const changed = masks[k] as number
    const e = handles.entityOf(h) as Entity
    const fresh = shared === null ? 0 : shared.readMask(e)
    const at = fresh === 0 ? 0 : (shared as QuantizedRows).offset(e)
    // First pass: the row's final mask (quantized bits that did not move drop out) and whether it says anything.
    let mask = changed & ~quantizedMask
    let needed = mask !== 0
    const readBits = (changed & quantizedMask) | predicted
    for (let bits = readBits; bits !== 0; bits &= bits - 1) {
      const i = 31 - Math.clz32(bits & -bits)
      const f = fields[i] as WireField
      const slot = h * qSlots + qBase + f.qSlot
      const value = (fresh & (1 << i)) !== 0 ? ((shared as QuantizedRows).values[at + f.qSlot] as number) : quantize((cols[i] as Field<number>).get(e), f.step)
      const last = lastQ[slot] as number
      qRow[i] = value
      if (f.predicted) {
        // Within the tolerance of its prediction a position follows it (the receiver's value); the row goes
        // out once the receiver's value is further than the tolerance from the true one.
        const off = value - last - (lastD[slot] as number)
        if (off > tolerance || off < -tolerance) mask |= 1 << i
        else qRow[i] = last + (lastD[slot] as number)
        if (value - last > tolerance || last - value > tolerance) needed = true
      } else if (value !== last) {
        mask |= 1 << i
        needed = true
      }
    }
    if (!needed) continue
    // Second pass: code the row into its run's buffer.
    mask >>>= 0
    let run = 0
    while (run < runCount && runMasks[run] !== mask) run++
    if (run === runCount) {
      runMasks[run] = mask
      runCounts[run] = 0
      runLast[run] = 0
      runCount++
      if (run >= runWriters.length) runWriters.push(new FrameWriter(256))
      ;(runWriters[run] as FrameWriter).reset()
    }
    const w = runWriters[run] as FrameWriter
    w.int(h - (runLast[run] as number))
    runLast[run] = h
    runCounts[run] = (runCounts[run] as number) + 1
    items += 1
    for (let bits = mask | predicted; bits !== 0; bits &= bits - 1) {
      const i = 31 - Math.clz32(bits & -bits)
      const f = fields[i] as WireField
      if (f.step > 0) {
        const slot = h * qSlots + qBase + f.qSlot
        // Every quantized field of the final mask, and every predicted one, was read in the first pass.
        const q = qRow[i] as number
        const last = lastQ[slot] as number
        const sent = (mask & (1 << i)) !== 0
        if (f.predicted) {
          // Coded against the prediction `last + lastD`; a clear bit means the prediction holds.
          if (sent) w.int(q - last - (lastD[slot] as number))
          lastD[slot] = q - last
        } else if (sent) w.int(q - last)
        lastQ[slot] = q
        if (sent) items++
      } else {
        writePlainValue(w, f.type, (cols[i] as Field<unknown>).get(e))
        items++
      }
    }
  }
  return items === 0 ? 0 : items + runCount
}

/** Writes a list of integers as a msgpack array. */
function writeInts(w: FrameWriter, list: ScratchList<number>): void {
  const n = list.length
  const items = list.items
  w.arrayHeader(n)
  for (let k = 0; k < n; k++) w.int(items[k] as number)
}

function writeTable(
  w: FrameWriter,
  handles: HandleTable,
  inserts: ScratchList<number>,
  deletes: ScratchList<number>,
  plan: WirePlan,
  cols: readonly Field<unknown>[],
  qBase: number,
  items: number,
): void {
  const fields = plan.fields
  const lastQ = handles.lastQ
  const lastD = handles.lastD
  const qSlots = handles.qSlots
  w.arrayHeader(4)
  w.int(plan.tableId)
  w.arrayHeader(inserts.length * (1 + fields.length))
  for (let k = 0; k < inserts.length; k++) {
    const h = inserts.items[k] as number
    const e = handles.entityOf(h)
    w.int(h)
    for (let i = 0; i < fields.length; i++) {
      const f = fields[i] as WireField
      const value = (cols[i] as Field<unknown>).get(e)
      if (f.step > 0) {
        const q = quantize(value as number, f.step)
        lastQ[h * qSlots + qBase + f.qSlot] = q
        lastD[h * qSlots + qBase + f.qSlot] = 0
        w.int(q)
      } else writePlainValue(w, f.type, value)
    }
  }
  // Runs of one mask, handles ascending: [head, h, values..., gap, values..., ...] where head packs
  // count · 2^fields + mask (one byte for most runs) and each handle after a run's first is written as the
  // gap from the one before (one byte for a view of any size).
  const span = 2 ** fields.length
  w.arrayHeader(items)
  if (items > 0) {
    for (let run = 0; run < runCount; run++) {
      w.int((runCounts[run] as number) * span + (runMasks[run] as number))
      w.append(runWriters[run] as FrameWriter)
    }
  }
  writeInts(w, deletes)
}

/** Per field index: the quantized value of the row being coded (its prediction when it follows it). */
const qRow = new Float64Array(32)
/** Rows of one table in one update stay below 2^20; (handle, row) packs into 22 + 20 < 53 bits (handles stay below 2^22). */
const K_SPAN = 2 ** 20
let ordered = new Int32Array(256)
let sortKeys = new Float64Array(256)
/** Per handle − the lowest handle: the row that updates it, for the bucket pass. */
let rowAt = new Int32Array(1024)

/**
 * The rows of one table's update in ascending handle order: null when they already are (the common case),
 * else row indexes in order. Handles are small and dense, so a bucket pass over the handle range does it when
 * the range is at most a few times the rows; sparse handles take a numeric sort.
 */
function ascending(hs: readonly number[], n: number): Int32Array | null {
  let sorted = true
  let minH = Number.POSITIVE_INFINITY
  let maxH = 0
  for (let k = 0; k < n; k++) {
    const h = hs[k] as number
    if (h <= maxH) sorted = false
    if (h < minH) minH = h
    if (h > maxH) maxH = h
  }
  if (sorted) return null
  if (ordered.length < n) ordered = new Int32Array(Math.max(n, ordered.length * 2))
  const range = maxH - minH + 1
  if (range <= 8 * n + 64) {
    if (rowAt.length < range) rowAt = new Int32Array(Math.max(range, rowAt.length * 2))
    rowAt.fill(-1, 0, range)
    for (let k = 0; k < n; k++) rowAt[(hs[k] as number) - minH] = k
    let j = 0
    for (let d = 0; d < range; d++) {
      const k = rowAt[d] as number
      if (k >= 0) ordered[j++] = k
    }
    return ordered
  }
  if (sortKeys.length < n) sortKeys = new Float64Array(Math.max(n, sortKeys.length * 2))
  for (let k = 0; k < n; k++) sortKeys[k] = (hs[k] as number) * K_SPAN + k
  const keys = sortKeys.subarray(0, n).sort()
  for (let j = 0; j < n; j++) ordered[j] = (keys[j] as number) % K_SPAN
  return ordered
}
