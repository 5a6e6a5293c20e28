import type { DecodeLimits } from './limits.js'
import { MessageType } from './message-type.js'
import type { ProtocolEvent, TableUpdate, TransactionUpdate } from './messages.js'

/** Thrown inside the reader when the frame leaves the fast path; never escapes {@link readTransactionUpdate}. */
const LEAVE = Symbol('leave the fast path')
const U32_MAX = 0xffffffff
/** Depth of the deepest container the fast path reads for rows (frame → tables → table → rows). */
const DEPTH = 4
/** Depth of an event's payload (frame → events → event → payload). */
const PAYLOAD_DEPTH = 4
/** Deepest container the fast path reads inside a payload; a deeper one goes to the general decoder (bounds the recursion). */
const MAX_FAST_DEPTH = 8

/**
 * Reads a TransactionUpdate frame straight from its bytes, in one pass: the server's most frequent frame,
 * the one a replica applies every tick. Covers frames whose rows hold scalars (integers, floats, booleans,
 * nil, ASCII strings) and whose event payloads are scalars, arrays and maps with ASCII string keys; for
 * anything else it returns null and the caller decodes the frame the general way (which also gives the
 * precise error of an invalid frame). What it returns is what the general way returns for the same bytes.
 *
 * @param bytes - one frame whose tag is TransactionUpdate; its size was checked against the limits
 * @param limits - the resolved decode limits
 * @returns the message, or null when the frame is not on the fast path (or invalid)
 */
export function readTransactionUpdate(bytes: Uint8Array, limits: Readonly<Required<DecodeLimits>>): TransactionUpdate | null {
  if (limits.maxDepth < DEPTH || limits.maxElements !== Number.POSITIVE_INFINITY) return null
  reader.bytes = bytes
  reader.pos = 0
  reader.maxArray = limits.maxArrayLength
  reader.maxString = limits.maxStringLength
  reader.maxDepth = limits.maxDepth
  try {
    return reader.update()
  } catch (error) {
    if (error === LEAVE) return null
    throw error
  } finally {
    reader.bytes = EMPTY
  }
}

const EMPTY = new Uint8Array(0)

class UpdateReader {
  bytes: Uint8Array = EMPTY
  pos = 0
  maxArray = 0
  maxString = 0
  maxDepth = 0
  private readonly scratch = new Uint8Array(8)
  private readonly view = new DataView(this.scratch.buffer)

  update(): TransactionUpdate {
    if (this.array() !== 10 || this.scalar() !== MessageType.TransactionUpdate) throw LEAVE
    const seq = this.uint()
    const gap = this.uint()
    if (gap > seq) throw LEAVE
    const tickDelta = this.uint()
    const timeDelta = this.scalar()
    if (typeof timeDelta !== 'number' || !Number.isFinite(timeDelta) || timeDelta < 0) throw LEAVE
    const rawAck = this.scalar()
    if (rawAck !== null && !isU32(rawAck)) throw LEAVE
    const binds = this.uints()
    if (binds.length % 2 !== 0) throw LEAVE
    const releases = this.uints()
    const count = this.array()
    const tables = new Array<TableUpdate>(count)
    for (let i = 0; i < count; i++) {
      if (this.array() !== 4) throw LEAVE
      const tableId = this.scalar()
      if (!isU32(tableId)) throw LEAVE
      tables[i] = { tableId, inserts: this.scalars(), updates: this.scalars(), deletes: this.uints() }
    }
    const eventCount = this.array()
    const events = eventCount === 0 ? [] : new Array<ProtocolEvent>(eventCount)
    for (let i = 0; i < eventCount; i++) {
      if (this.array() !== 2) throw LEAVE
      const name = this.scalar()
      if (typeof name !== 'string') throw LEAVE
      events[i] = { name, payload: this.value(PAYLOAD_DEPTH) }
    }
    if (this.pos !== this.bytes.length) throw LEAVE
    return {
      type: 'TransactionUpdate',
      prevSeq: seq - gap,
      seq,
      tickDelta,
      timeDelta,
      ack: rawAck as number | null,
      binds,
      releases,
      tables,
      events,
    }
  }

  /** Any value the fast path covers, at nesting `depth` (the frame is 1): scalars, arrays, maps with ASCII string keys. */
  private value(depth: number): unknown {
    if (this.pos >= this.bytes.length) throw LEAVE
    const b = this.bytes[this.pos] as number
    const isArray = (b >= 0x90 && b <= 0x9f) || b === 0xdc || b === 0xdd
    const isMap = (b >= 0x80 && b <= 0x8f) || b === 0xde || b === 0xdf
    if (!isArray && !isMap) return this.scalar()
    if (depth > this.maxDepth || depth > MAX_FAST_DEPTH) throw LEAVE
    if (isArray) {
      const n = this.array()
      const out = new Array<unknown>(n)
      for (let k = 0; k < n; k++) out[k] = this.value(depth + 1)
      return out
    }
    this.pos++
    const n = b <= 0x8f ? b & 0x0f : b === 0xde ? this.be(2) : this.be(4)
    if (n > this.maxArray || 2 * n > this.bytes.length - this.pos) throw LEAVE
    const out: Record<string, unknown> = {}
    for (let k = 0; k < n; k++) {
      const key = this.scalar()
      // The general decoder renames this key; it stays with it.
      if (typeof key !== 'string' || key === '__proto__') throw LEAVE
      out[key] = this.value(depth + 1)
    }
    return out
  }

  private array(): number {
    const b = this.byte()
    let n: number
    if (b >= 0x90 && b <= 0x9f) n = b & 0x0f
    else if (b === 0xdc) n = this.be(2)
    else if (b === 0xdd) n = this.be(4)
    else throw LEAVE
    // Every element takes at least a byte.
    if (n > this.maxArray || n > this.bytes.length - this.pos) throw LEAVE
    return n
  }

  private uint(): number {
    const v = this.scalar()
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) throw LEAVE
    return v
  }

  private uints(): number[] {
    const n = this.array()
    const out = new Array<number>(n)
    for (let k = 0; k < n; k++) out[k] = this.uint()
    return out
  }

  private scalars(): unknown[] {
    const n = this.array()
    const out = new Array<unknown>(n)
    const bytes = this.bytes
    for (let k = 0; k < n; k++) {
      // Rows are mostly one-byte integers (handles, gaps, run heads, small deltas): read those in place.
      const at = this.pos
      const b = at < bytes.length ? (bytes[at] as number) : 0xc1
      if (b <= 0x7f) {
        out[k] = b
        this.pos = at + 1
      } else if (b >= 0xe0) {
        out[k] = b - 0x100
        this.pos = at + 1
      } else out[k] = this.scalar()
    }
    return out
  }

  private scalar(): unknown {
    const bytes = this.bytes
    if (this.pos >= bytes.length) throw LEAVE
    const b = bytes[this.pos++] as number
    if (b <= 0x7f) return b
    if (b >= 0xe0) return b - 0x100
    switch (b) {
      case 0xc0:
        return null
      case 0xc2:
        return false
      case 0xc3:
        return true
      case 0xcc:
        return this.be(1)
      case 0xcd:
        return this.be(2)
      case 0xce:
        return this.be(4)
      case 0xcf: {
        const v = this.be(4) * 0x100000000 + this.be(4)
        if (!Number.isSafeInteger(v)) throw LEAVE
        return v
      }
      case 0xd0:
        return (this.be(1) << 24) >> 24
      case 0xd1:
        return (this.be(2) << 16) >> 16
      case 0xd2:
        return this.be(4) | 0
      case 0xd3: {
        const v = (this.be(4) | 0) * 0x100000000 + this.be(4)
        if (!Number.isSafeInteger(v)) throw LEAVE
        return v
      }
      case 0xca:
        return this.float(4)
      case 0xcb:
        return this.float(8)
      case 0xd9:
        return this.ascii(this.be(1))
      case 0xda:
        return this.ascii(this.be(2))
      default:
        if (b >= 0xa0 && b <= 0xbf) return this.ascii(b & 0x1f)
        throw LEAVE
    }
  }

  private byte(): number {
    if (this.pos >= this.bytes.length) throw LEAVE
    return this.bytes[this.pos++] as number
  }

  /** A big-endian unsigned integer of `n` bytes (1, 2 or 4). */
  private be(n: number): number {
    const bytes = this.bytes
    const at = this.pos
    if (at + n > bytes.length) throw LEAVE
    this.pos = at + n
    if (n === 1) return bytes[at] as number
    if (n === 2) return ((bytes[at] as number) << 8) | (bytes[at + 1] as number)
    return (((bytes[at] as number) << 24) | ((bytes[at + 1] as number) << 16) | ((bytes[at + 2] as number) << 8) | (bytes[at + 3] as number)) >>> 0
  }

  private float(n: number): number {
    const bytes = this.bytes
    const at = this.pos
    if (at + n > bytes.length) throw LEAVE
    for (let k = 0; k < n; k++) this.scratch[k] = bytes[at + k] as number
    this.pos = at + n
    return n === 4 ? this.view.getFloat32(0) : this.view.getFloat64(0)
  }

  /** A string of ASCII bytes; any other string leaves the fast path. */
  private ascii(n: number): string {
    const bytes = this.bytes
    const at = this.pos
    if (n > this.maxString || at + n > bytes.length) throw LEAVE
    let s = ''
    for (let k = at; k < at + n; k++) {
      const c = bytes[k] as number
      if (c >= 0x80) throw LEAVE
      s += String.fromCharCode(c)
    }
    this.pos = at + n
    return s
  }
}

function isU32(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= U32_MAX
}

const reader = new UpdateReader()
