/** A value the gauntlet writes by hand, hostile ones included (NaN, ±Infinity, any nesting). */
export type Packable = null | boolean | number | string | Uint8Array | readonly Packable[] | { readonly [key: string]: Packable }

const encoder = new TextEncoder()

function write(value: Packable, out: number[]): void {
  if (value === null) out.push(0xc0)
  else if (value === true) out.push(0xc3)
  else if (value === false) out.push(0xc2)
  else if (typeof value === 'number') {
    if (Number.isInteger(value) && value >= 0 && value < 128) out.push(value)
    else if (Number.isInteger(value) && value >= 0 && value <= 0xffffffff) out.push(0xce, (value >>> 24) & 0xff, (value >>> 16) & 0xff, (value >>> 8) & 0xff, value & 0xff)
    else {
      const bytes = new Uint8Array(8)
      new DataView(bytes.buffer).setFloat64(0, value)
      out.push(0xcb, ...bytes)
    }
  } else if (typeof value === 'string') {
    const bytes = encoder.encode(value)
    if (bytes.length < 32) out.push(0xa0 | bytes.length)
    else if (bytes.length < 0x10000) out.push(0xda, bytes.length >>> 8, bytes.length & 0xff)
    else out.push(0xdb, (bytes.length >>> 24) & 0xff, (bytes.length >>> 16) & 0xff, (bytes.length >>> 8) & 0xff, bytes.length & 0xff)
    for (const b of bytes) out.push(b)
  } else if (value instanceof Uint8Array) {
    const n = value.length
    out.push(0xc6, (n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff)
    for (const b of value) out.push(b)
  } else if (Array.isArray(value)) {
    const n = value.length
    if (n < 16) out.push(0x90 | n)
    else out.push(0xdd, (n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff)
    for (const v of value) write(v, out)
  } else {
    const entries = Object.entries(value as { readonly [key: string]: Packable })
    const n = entries.length
    if (n < 16) out.push(0x80 | n)
    else out.push(0xdf, (n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff)
    for (const [k, v] of entries) {
      write(k, out)
      write(v, out)
    }
  }
}

/**
 * msgpack of one value, written without any validation: the gauntlet's hostile frames need what a
 * careful encoder refuses (NaN where a u32 goes, a string where a number goes, 10 000 levels of nesting).
 *
 * @param value - the value
 * @returns its bytes
 * @example
 * pack([0x06, Number.NaN])
 */
export function pack(value: Packable): Uint8Array {
  const out: number[] = []
  write(value, out)
  return Uint8Array.from(out)
}
