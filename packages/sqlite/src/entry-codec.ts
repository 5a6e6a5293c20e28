import { crc32 } from 'node:zlib'
import type { CommitEntry, EntryEvent, OriginKind, TableEntry } from '@orrery/server'
import { Packr } from 'msgpackr'

const packr = new Packr({ useRecords: false, moreTypes: false, mapsAsObjects: true, variableMapSize: true })

const KINDS: readonly OriginKind[] = ['reducer', 'system', 'hook', 'server']

/** One row of the `log` table. */
export interface LogRow {
  readonly seq: number
  readonly tick: number
  readonly time: number
  readonly origin: string
  readonly caller: string
  readonly body: Uint8Array
  readonly crc: number
}

/**
 * The checksum of a log row: CRC-32 of the body, seeded with the seq and the header columns, so a
 * row moved to another seq or with an altered header fails too.
 * @param seq - the row's seq
 * @param tick - the row's tick
 * @param origin - the row's origin
 * @param caller - the row's caller
 * @param body - the encoded changes
 * @returns an unsigned 32-bit checksum
 */
export function rowChecksum(seq: number, tick: number, origin: string, caller: string, body: Uint8Array): number {
  let c = crc32(`${seq}:${tick}:${origin}:${caller}`)
  c = crc32(body, c)
  return c >>> 0
}

/**
 * Encodes a commit entry as a log row: header columns plus a msgpack body of
 * `[originKind, rngState, tables, destroyed, events]`.
 * @param entry - the entry
 * @returns the row to insert
 */
export function encodeEntry(entry: CommitEntry): LogRow {
  const tables = entry.tables.map((t) => [t.component, t.fields, t.inserts, t.updates, t.deletes])
  const events = entry.events.map((e) => [e.name, e.payload])
  const body = packr.pack([KINDS.indexOf(entry.originKind), entry.rngState, tables, entry.destroyed, events])
  return {
    seq: entry.seq,
    tick: entry.tick,
    time: entry.time,
    origin: entry.origin,
    caller: entry.caller,
    body,
    crc: rowChecksum(entry.seq, entry.tick, entry.origin, entry.caller, body),
  }
}

/**
 * Decodes a log row (the checksum is not checked here, see {@link rowChecksum}).
 * @param row - a row of the `log` table
 * @returns the commit entry
 */
export function decodeEntry(row: LogRow): CommitEntry {
  const [kind, rngState, tables, destroyed, events] = packr.unpack(row.body) as [
    number,
    number,
    [string, number, unknown[], unknown[], number[]][],
    number[],
    [string, unknown][],
  ]
  return {
    seq: row.seq,
    tick: row.tick,
    time: row.time,
    originKind: KINDS[kind] ?? 'server',
    origin: row.origin,
    caller: row.caller,
    tables: tables.map(([component, fields, inserts, updates, deletes]): TableEntry => ({ component, fields, inserts, updates, deletes })),
    destroyed,
    events: events.map(([name, payload]): EntryEvent => ({ name, payload })),
    rngState,
  }
}
