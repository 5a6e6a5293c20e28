import { crc32 } from 'node:zlib'
import type { CommitEntry, EntryEvent, OriginKind, TableEntry } from '@orrery/server'
import { Packr } from 'msgpackr'

const packr = new Packr({ useRecords: false, moreTypes: false, mapsAsObjects: true, variableMapSize: true })

const KINDS: readonly OriginKind[] = ['reducer', 'system', 'hook', 'server']

/** Bytes before each entry's body in a segment: body length (u32) and CRC-32 of the body (u32), little-endian. */
export const FRAME_HEADER_BYTES = 8

/**
 * Encodes one commit entry as a frame: `[length u32][crc32 u32][msgpack body]`, where the body is
 * `[seq, tick, time, originKind, origin, caller, rngState, tables, destroyed, events]`. The seq is
 * inside the checksummed body, so a frame moved to another place fails the seq check.
 * @param entry - the entry
 * @returns the frame
 * @example
 * ```ts
 * import type { CommitEntry } from '@orrery/server'
 * declare const entry: CommitEntry
 * const frame = encodeFrame(entry)
 * ```
 */
export function encodeFrame(entry: CommitEntry): Uint8Array {
  const tables: unknown[] = []
  for (const t of entry.tables) tables.push([t.component, t.fields, t.inserts, t.updates, t.deletes])
  const events: unknown[] = []
  for (const e of entry.events) events.push([e.name, e.payload])
  const body = packr.pack([
    entry.seq,
    entry.tick,
    entry.time,
    KINDS.indexOf(entry.originKind),
    entry.origin,
    entry.caller,
    entry.rngState,
    tables,
    entry.destroyed,
    events,
  ])
  const frame = Buffer.allocUnsafe(FRAME_HEADER_BYTES + body.byteLength)
  frame.writeUInt32LE(body.byteLength, 0)
  frame.writeUInt32LE(crc32(body) >>> 0, 4)
  frame.set(body, FRAME_HEADER_BYTES)
  return frame
}

/**
 * Decodes an entry body (the checksum is checked by {@link readFrames}).
 * @param body - the msgpack body of a frame
 * @returns the commit entry
 * @example
 * ```ts
 * declare const frame: Frame & { body: Uint8Array }
 * const entry = decodeEntry(frame.body)
 * ```
 */
export function decodeEntry(body: Uint8Array): CommitEntry {
  const [seq, tick, time, kind, origin, caller, rngState, tables, destroyed, events] = packr.unpack(body) as [
    number,
    number,
    number,
    number,
    string,
    string,
    number,
    [string, number, unknown[], unknown[], number[]][],
    number[],
    [string, unknown][],
  ]
  return {
    seq,
    tick,
    time,
    originKind: KINDS[kind] ?? 'server',
    origin,
    caller,
    tables: tables.map(([component, fields, inserts, updates, deletes]): TableEntry => ({ component, fields, inserts, updates, deletes })),
    destroyed,
    events: events.map(([name, payload]): EntryEvent => ({ name, payload })),
    rngState,
  }
}

/** One frame of a segment, located. */
export interface Frame {
  /** Byte offset of the frame in the segment. */
  readonly offset: number
  /** The body, or null when the frame is cut short or its checksum fails. */
  readonly body: Uint8Array | null
}

/**
 * Splits a segment into frames, checking each checksum; stops after the first bad frame.
 * @param segment - the concatenated frames of one group commit
 * @returns the frames in order (the last one with `body: null` when bad)
 * @example
 * ```ts
 * import { readFileSync } from 'node:fs'
 * const segment = readFileSync('./.orrery/log-000001.bin')
 * for (const frame of readFrames(segment)) if (frame.body !== null) decodeEntry(frame.body)
 * ```
 */
export function* readFrames(segment: Uint8Array): Generator<Frame> {
  const view = new DataView(segment.buffer, segment.byteOffset, segment.byteLength)
  let at = 0
  while (at < segment.byteLength) {
    if (at + FRAME_HEADER_BYTES > segment.byteLength) {
      yield { offset: at, body: null }
      return
    }
    const length = view.getUint32(at, true)
    const crc = view.getUint32(at + 4, true)
    const end = at + FRAME_HEADER_BYTES + length
    const body = end <= segment.byteLength ? segment.subarray(at + FRAME_HEADER_BYTES, end) : null
    if (body === null || (crc32(body) >>> 0) !== crc) {
      yield { offset: at, body: null }
      return
    }
    yield { offset: at, body }
    at = end
  }
}
