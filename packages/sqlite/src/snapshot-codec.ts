import { crc32 } from 'node:zlib'
import type { Column, FieldType, NumericColumn, TableImage, WorldImage } from '@orrery/ecs'
import { Packr } from 'msgpackr'
import { SqliteError } from './sqlite-error.js'

const packr = new Packr({ useRecords: false, moreTypes: false, mapsAsObjects: true })

/** Typed arrays are stored as their bytes; snapshots record the byte order they were written in. */
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1

/** A snapshot as stored: a msgpack header and the typed-array columns as separate blobs. */
export interface EncodedSnapshot {
  /** msgpack: allocator scalars, free list, rng, table schemas, string/json columns, and the part list. */
  readonly header: Uint8Array
  /** Blobs in part order: ids, versions, then per table the owner column and each typed column. */
  readonly parts: readonly Uint8Array[]
}

const ARRAYS: Record<string, new (buffer: ArrayBuffer) => NumericColumn> = {
  f32: Float32Array,
  f64: Float64Array,
  entity: Float64Array,
  i8: Int8Array,
  i16: Int16Array,
  i32: Int32Array,
  u8: Uint8Array,
  bool: Uint8Array,
  u16: Uint16Array,
  u32: Uint32Array,
}

const bytesOf = (a: NumericColumn | Int32Array): Uint8Array => new Uint8Array(a.buffer, a.byteOffset, a.byteLength)

/**
 * Encodes a world image: typed-array columns become blobs (written as they are, not row by row);
 * string and json columns go into the header, only for rows that exist.
 * @param image - from `captureWorld`
 * @returns the header and the column blobs
 */
export function encodeSnapshot(image: WorldImage): EncodedSnapshot {
  const parts: Uint8Array[] = [bytesOf(image.ids), bytesOf(image.versions)]
  const tables = image.tables.map((t) => {
    parts.push(bytesOf(t.owner))
    const values: [number, unknown[]][] = []
    t.columns.forEach((col, f) => {
      if (Array.isArray(col)) {
        const rows: unknown[] = []
        for (let i = 1; i < t.owner.length; i++) if ((t.owner[i] as number) !== 0) rows.push(col[i])
        values.push([f, rows])
      } else {
        parts.push(bytesOf(col as NumericColumn))
      }
    })
    return [t.component, t.fields, values]
  })
  const header = packr.pack([LITTLE_ENDIAN ? 1 : 0, image.nextIndex, image.free, image.rngState, image.seed, tables])
  return { header, parts }
}

/**
 * Decodes a stored snapshot back into a world image.
 * @param snapshot - header and blobs, as {@link encodeSnapshot} wrote them
 * @returns the image (columns are fresh arrays)
 * @throws {SqliteError} `ERR_CORRUPT` when the parts do not fit the header
 */
export function decodeSnapshot(snapshot: EncodedSnapshot): WorldImage {
  const [le, nextIndex, free, rngState, seed, tables] = packr.unpack(snapshot.header) as [
    number,
    number,
    number[],
    number,
    number,
    [string, [string, FieldType][], [number, unknown[]][]][],
  ]
  if ((le === 1) !== LITTLE_ENDIAN) throw new SqliteError('ERR_CORRUPT', 'the snapshot was written on a machine of the other byte order')
  let next = 0
  const part = <T extends NumericColumn | Int32Array>(Ctor: new (buffer: ArrayBuffer) => T): T => {
    const bytes = snapshot.parts[next++]
    if (bytes === undefined) throw new SqliteError('ERR_CORRUPT', 'the snapshot has fewer column blobs than its header lists')
    const copy = new Uint8Array(bytes.byteLength)
    copy.set(bytes)
    const array = new Ctor(copy.buffer)
    if (array.length !== nextIndex) throw new SqliteError('ERR_CORRUPT', 'a snapshot column has the wrong length')
    return array
  }
  const ids = part(Int32Array)
  const versions = part(Int32Array)
  const images: TableImage[] = tables.map(([component, fields, values]) => {
    const owner = part(Int32Array)
    const byField = new Map(values)
    const columns: Column[] = fields.map(([, type], f) => {
      const Ctor = ARRAYS[type]
      if (Ctor !== undefined) return part(Ctor)
      const rows = byField.get(f) ?? []
      const col = new Array<unknown>(nextIndex).fill(type === 'string' ? '' : null)
      let k = 0
      for (let i = 1; i < nextIndex; i++) if ((owner[i] as number) !== 0) col[i] = rows[k++]
      return col
    })
    return { component, fields, owner, columns }
  })
  return { nextIndex, ids, versions, free, rngState, seed, tables: images }
}

/**
 * The checksum of a snapshot: CRC-32 over its header and every blob, in order.
 * @param snapshot - header and blobs
 * @returns an unsigned 32-bit checksum
 */
export function snapshotChecksum(snapshot: EncodedSnapshot): number {
  let c = crc32(snapshot.header)
  for (const p of snapshot.parts) c = crc32(p, c)
  return c >>> 0
}
