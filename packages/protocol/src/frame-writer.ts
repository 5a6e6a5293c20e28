import { packValue } from './codec.js'

const utf8 = new TextEncoder()
const f32 = new Float32Array(1)
const f32Bytes = new Uint8Array(f32.buffer)
const f64 = new Float64Array(1)
const f64Bytes = new Uint8Array(f64.buffer)
const littleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1

/**
 * Writes msgpack straight into one growing, reused byte buffer: the server's per-client update path,
 * which must not build an array per row. Integers take their smallest msgpack form, as msgpack's
 * spec asks of encoders; `float32` writes the 5-byte form for values that are exactly float32.
 *
 * @example
 * ```ts
 * const w = new FrameWriter()
 * w.arrayHeader(2)
 * w.int(0x44)
 * w.float32(1.5)
 * const frame = w.toBytes() // 0x92 0x44 0xca 0x3f 0xc0 0x00 0x00
 * ```
 * @see https://github.com/msgpack/msgpack/blob/master/spec.md
 */
export class FrameWriter {
  private buf: Uint8Array
  private view: DataView
  /** Bytes written since the last {@link FrameWriter.reset}. */
  length = 0

  /** @param initialBytes - starting capacity in bytes (grows by doubling) */
  constructor(initialBytes = 4096) {
    this.buf = new Uint8Array(initialBytes)
    this.view = new DataView(this.buf.buffer)
  }

  /** Forgets what was written; the buffer is kept. */
  reset(): void {
    this.length = 0
  }

  /** A copy of the bytes written. */
  toBytes(): Uint8Array {
    return this.buf.slice(0, this.length)
  }

  /** The bytes written, as a view of the writer's buffer: valid until the next write or reset (copy it to keep it). */
  written(): Uint8Array {
    return this.buf.subarray(0, this.length)
  }

  /**
   * Copies the bytes written into `out` at `at` (which must have room for them), without making a view.
   *
   * @param out - the destination
   * @param at - the offset in `out`, bytes
   */
  copyTo(out: Uint8Array, at = 0): void {
    copyBytes(this.buf, this.length, out, at)
  }

  /** Appends every byte another writer holds. */
  append(other: FrameWriter): void {
    this.ensure(other.length)
    copyBytes(other.buf, other.length, this.buf, this.length)
    this.length += other.length
  }

  /** Appends raw bytes (an already encoded msgpack value). */
  raw(bytes: Uint8Array): void {
    this.ensure(bytes.length)
    this.buf.set(bytes, this.length)
    this.length += bytes.length
  }

  /** An array header for `n` elements (fixarray, array16 or array32). */
  arrayHeader(n: number): void {
    this.ensure(5)
    const b = this.buf
    if (n < 16) b[this.length++] = 0x90 | n
    else if (n < 0x10000) {
      b[this.length++] = 0xdc
      b[this.length++] = n >>> 8
      b[this.length++] = n & 0xff
    } else {
      b[this.length++] = 0xdd
      this.view.setUint32(this.length, n)
      this.length += 4
    }
  }

  /** nil */
  nil(): void {
    this.ensure(1)
    this.buf[this.length++] = 0xc0
  }

  /** true or false */
  bool(v: boolean): void {
    this.ensure(1)
    this.buf[this.length++] = v ? 0xc3 : 0xc2
  }

  /** A safe integer in its smallest msgpack form; any other number as float64. */
  int(v: number): void {
    // One- and two-byte integers, the common cases, stay small enough to be inlined.
    if ((v | 0) === v && v >= -128 && v < 0x100 && this.length + 2 <= this.buf.length) {
      const b = this.buf
      if (v >= -32 && v < 0x80) b[this.length++] = v & 0xff
      else {
        b[this.length++] = v < 0 ? 0xd0 : 0xcc
        b[this.length++] = v & 0xff
      }
      return
    }
    this.wideInt(v)
  }

  private wideInt(v: number): void {
    if (!Number.isSafeInteger(v)) {
      this.float64(v)
      return
    }
    this.ensure(9)
    const b = this.buf
    if (v >= 0) {
      if (v < 0x80) b[this.length++] = v
      else if (v < 0x100) {
        b[this.length++] = 0xcc
        b[this.length++] = v
      } else if (v < 0x10000) {
        b[this.length++] = 0xcd
        b[this.length++] = v >>> 8
        b[this.length++] = v & 0xff
      } else if (v < 0x100000000) {
        b[this.length++] = 0xce
        this.view.setUint32(this.length, v)
        this.length += 4
      } else {
        b[this.length++] = 0xcf
        this.view.setUint32(this.length, Math.floor(v / 0x100000000))
        this.view.setUint32(this.length + 4, v >>> 0)
        this.length += 8
      }
    } else if (v >= -32) b[this.length++] = v & 0xff
    else if (v >= -128) {
      b[this.length++] = 0xd0
      b[this.length++] = v & 0xff
    } else if (v >= -32768) {
      b[this.length++] = 0xd1
      this.view.setInt16(this.length, v)
      this.length += 2
    } else if (v >= -2147483648) {
      b[this.length++] = 0xd2
      this.view.setInt32(this.length, v)
      this.length += 4
    } else {
      b[this.length++] = 0xd3
      const hi = Math.floor(v / 0x100000000)
      this.view.setInt32(this.length, hi)
      this.view.setUint32(this.length + 4, (v - hi * 0x100000000) >>> 0)
      this.length += 8
    }
  }

  /** A number as float32 (0xca); exact for values read from an `f32` column. Integers take {@link FrameWriter.int}. */
  float32(v: number): void {
    if (Number.isSafeInteger(v)) {
      this.int(v)
      return
    }
    this.ensure(5)
    f32[0] = v
    const b = this.buf
    b[this.length++] = 0xca
    if (littleEndian) {
      b[this.length++] = f32Bytes[3] as number
      b[this.length++] = f32Bytes[2] as number
      b[this.length++] = f32Bytes[1] as number
      b[this.length++] = f32Bytes[0] as number
    } else {
      b.set(f32Bytes, this.length)
      this.length += 4
    }
  }

  /** A number as float64 (0xcb). */
  float64(v: number): void {
    this.ensure(9)
    f64[0] = v
    const b = this.buf
    b[this.length++] = 0xcb
    if (littleEndian) {
      for (let i = 7; i >= 0; i--) b[this.length++] = f64Bytes[i] as number
    } else {
      b.set(f64Bytes, this.length)
      this.length += 8
    }
  }

  /** A number: integers in their smallest form, other numbers as float64. */
  number(v: number): void {
    if (Number.isSafeInteger(v)) this.int(v)
    else this.float64(v)
  }

  /** A UTF-8 string (fixstr, str8, str16 or str32). */
  str(s: string): void {
    this.ensure(5 + s.length * 3)
    const b = this.buf
    const start = this.length
    // Reserve the largest header that the UTF-16 length allows, then shrink it if a smaller one fits.
    const headerBytes = s.length * 3 < 32 ? 1 : s.length * 3 < 0x100 ? 2 : s.length * 3 < 0x10000 ? 3 : 5
    const { written } = utf8.encodeInto(s, b.subarray(start + headerBytes))
    const n = written
    const needed = n < 32 ? 1 : n < 0x100 ? 2 : n < 0x10000 ? 3 : 5
    if (needed !== headerBytes) b.copyWithin(start + needed, start + headerBytes, start + headerBytes + n)
    if (needed === 1) b[start] = 0xa0 | n
    else if (needed === 2) {
      b[start] = 0xd9
      b[start + 1] = n
    } else if (needed === 3) {
      b[start] = 0xda
      b[start + 1] = n >>> 8
      b[start + 2] = n & 0xff
    } else {
      b[start] = 0xdb
      this.view.setUint32(start + 1, n)
    }
    this.length = start + needed + n
  }

  /** Binary data (bin8, bin16 or bin32). */
  bin(bytes: Uint8Array): void {
    const n = bytes.length
    this.ensure(5 + n)
    const b = this.buf
    if (n < 0x100) {
      b[this.length++] = 0xc4
      b[this.length++] = n
    } else if (n < 0x10000) {
      b[this.length++] = 0xc5
      b[this.length++] = n >>> 8
      b[this.length++] = n & 0xff
    } else {
      b[this.length++] = 0xc6
      this.view.setUint32(this.length, n)
      this.length += 4
    }
    b.set(bytes, this.length)
    this.length += n
  }

  /** A map header for `n` entries (fixmap, map16 or map32). */
  mapHeader(n: number): void {
    this.ensure(5)
    const b = this.buf
    if (n < 16) b[this.length++] = 0x80 | n
    else if (n < 0x10000) {
      b[this.length++] = 0xde
      b[this.length++] = n >>> 8
      b[this.length++] = n & 0xff
    } else {
      b[this.length++] = 0xdf
      this.view.setUint32(this.length, n)
      this.length += 4
    }
  }

  /**
   * Any value: numbers as {@link FrameWriter.number}, strings, booleans, `null` and `undefined` (nil),
   * Uint8Arrays as bin, arrays, and plain objects as maps of their own enumerable string keys. Anything
   * else (bigints, dates, maps, class instances) takes msgpackr's encoding.
   */
  value(v: unknown): void {
    if (typeof v === 'number') this.number(v)
    else if (typeof v === 'string') this.str(v)
    else if (typeof v === 'boolean') this.bool(v)
    else if (v === null || v === undefined) this.nil()
    else if (Array.isArray(v) && v.constructor === Array) {
      this.arrayHeader(v.length)
      for (let i = 0; i < v.length; i++) this.value(v[i])
    } else if (v instanceof Uint8Array) this.bin(v)
    else if (typeof v === 'object' && v.constructor === Object) {
      const keys = Object.keys(v)
      this.mapHeader(keys.length)
      for (const key of keys) {
        this.str(key)
        this.value((v as Record<string, unknown>)[key])
      }
    } else this.raw(packValue(v))
  }

  private ensure(extra: number): void {
    const need = this.length + extra
    if (need <= this.buf.length) return
    let size = Math.max(64, this.buf.length * 2)
    while (size < need) size *= 2
    const next = new Uint8Array(size)
    next.set(this.buf.subarray(0, this.length))
    this.buf = next
    this.view = new DataView(next.buffer)
  }
}

let shared: FrameWriter | null = null

/**
 * Encodes one frame array, integers in their smallest msgpack form (uint64/int64 beyond 32 bits) and
 * other numbers as float64. The result is a fresh copy the caller may keep.
 *
 * @param frame - `[tag, ...fields]`
 * @returns the msgpack bytes
 */
export function packFrame(frame: readonly unknown[]): Uint8Array {
  const w = shared ?? new FrameWriter()
  shared = null
  w.reset()
  try {
    w.value(frame)
    return w.toBytes()
  } finally {
    // Reused while small; a writer grown by a large frame is left to the garbage collector.
    if (w.length <= 1 << 20) shared = w
  }
}

/** Below this many bytes a copy is a loop: a `subarray` view costs more than the bytes it would spare. */
const SHORT_COPY = 128

/** Copies `src[0, n)` to `dst[at, at + n)`. */
function copyBytes(src: Uint8Array, n: number, dst: Uint8Array, at: number): void {
  if (n > SHORT_COPY) {
    dst.set(src.subarray(0, n), at)
    return
  }
  for (let k = 0; k < n; k++) dst[at + k] = src[k] as number
}
