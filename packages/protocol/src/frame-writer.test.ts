import fc from 'fast-check'
import { Packr } from 'msgpackr'
import { describe, expect, it } from 'vitest'
import { FrameWriter, packFrame } from './frame-writer.js'
import { plainValue } from './test-utils/arbitraries.js'

/** An independent msgpack reader: what a client in another language would see. */
const reader = new Packr({ useRecords: false, mapsAsObjects: true, int64AsType: 'number', moreTypes: false })
const hexOf = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex')

function written(write: (w: FrameWriter) => void, initialBytes?: number): Uint8Array {
  const w = new FrameWriter(initialBytes)
  write(w)
  return w.toBytes()
}

/** Compares binary values by their bytes, whatever their class (Uint8Array or Buffer), and undefined as nil. */
function plain(value: unknown): unknown {
  if (value instanceof Uint8Array) return [...value]
  if (Array.isArray(value)) return value.map(plain)
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]))
  return value === undefined ? null : value
}

describe('FrameWriter.int', () => {
  it.each([
    // [value, first byte (the form), total bytes]
    [0, 0x00, 1],
    [127, 0x7f, 1],
    [128, 0xcc, 2],
    [255, 0xcc, 2],
    [256, 0xcd, 3],
    [65_535, 0xcd, 3],
    [65_536, 0xce, 5],
    [4_294_967_295, 0xce, 5],
    [4_294_967_296, 0xcf, 9],
    [1_700_000_000_000, 0xcf, 9],
    [Number.MAX_SAFE_INTEGER, 0xcf, 9],
    [-1, 0xff, 1],
    [-32, 0xe0, 1],
    [-33, 0xd0, 2],
    [-128, 0xd0, 2],
    [-129, 0xd1, 3],
    [-32_768, 0xd1, 3],
    [-32_769, 0xd2, 5],
    [-2_147_483_648, 0xd2, 5],
    [-2_147_483_649, 0xd3, 9],
    [-1_700_000_000_000, 0xd3, 9],
    [Number.MIN_SAFE_INTEGER, 0xd3, 9],
  ])('writes %d in its smallest form (first byte %i, %i bytes), which msgpackr reads back', (value, form, size) => {
    const bytes = written((w) => w.int(value))
    expect(bytes[0]).toBe(form)
    expect(bytes.length).toBe(size)
    expect(reader.unpack(bytes)).toBe(value)
  })

  it('writes every safe integer so that msgpackr reads it back', () => {
    fc.assert(
      fc.property(fc.oneof(fc.integer(), fc.maxSafeInteger()), (value) => {
        expect(reader.unpack(written((w) => w.int(value)))).toBe(value)
      }),
      { numRuns: 300 },
    )
  })

  it('writes -0 as 0, and numbers that are not safe integers as float64', () => {
    expect(hexOf(written((w) => w.int(-0)))).toBe('00')
    for (const value of [0.5, 2 ** 53, -(2 ** 53), 1e300, Number.NaN, Number.POSITIVE_INFINITY]) {
      const bytes = written((w) => w.int(value))
      expect(bytes[0]).toBe(0xcb)
      expect(reader.unpack(bytes)).toBe(value)
    }
  })

  it('number() writes the same forms as int()', () => {
    fc.assert(
      fc.property(fc.oneof(fc.integer(), fc.maxSafeInteger(), fc.double()), (value) => {
        expect(hexOf(written((w) => w.number(value)))).toBe(hexOf(written((w) => w.int(value))))
      }),
      { numRuns: 200 },
    )
  })
})

describe('FrameWriter.float32 and float64', () => {
  it('writes a non-integer as float32 (5 bytes) that msgpackr reads as the float32 value', () => {
    expect(hexOf(written((w) => w.float32(1.5)))).toBe('ca3fc00000')
    expect(hexOf(written((w) => w.float32(-2.25)))).toBe('cac0100000')
    const bytes = written((w) => w.float32(0.1))
    expect(bytes.length).toBe(5)
    expect(reader.unpack(bytes)).toBe(Math.fround(0.1))
  })

  it('writes any f32 value exactly', () => {
    fc.assert(
      fc.property(fc.float({ noNaN: true, noDefaultInfinity: true }), (value) => {
        expect(reader.unpack(written((w) => w.float32(value)))).toBe(value === 0 ? 0 : value)
      }),
      { numRuns: 300 },
    )
  })

  it('writes integral values in their integer form', () => {
    expect(hexOf(written((w) => w.float32(3)))).toBe('03')
    expect(hexOf(written((w) => w.float32(-40)))).toBe('d0d8')
    expect(hexOf(written((w) => w.float32(70_000)))).toBe('ce00011170')
  })

  it('float64 always writes 9 bytes', () => {
    expect(hexOf(written((w) => w.float64(1234.5)))).toBe('cb40934a0000000000')
    expect(hexOf(written((w) => w.float64(1)))).toBe('cb3ff0000000000000')
    expect(reader.unpack(written((w) => w.float64(-0.1)))).toBe(-0.1)
  })
})

describe('FrameWriter.str', () => {
  it.each([
    // [string, header hex]
    ['', 'a0'],
    ['a'.repeat(31), 'bf'],
    ['a'.repeat(32), 'd920'],
    ['a'.repeat(255), 'd9ff'],
    ['a'.repeat(256), 'da0100'],
    ['a'.repeat(65_535), 'daffff'],
    ['a'.repeat(65_536), 'db00010000'],
    // the header is reserved from the UTF-16 length and shrunk to the UTF-8 length
    ['a'.repeat(11), 'ab'],
    ['a'.repeat(100), 'd964'],
    ['a'.repeat(30_000), 'da7530'],
    ['é'.repeat(15), 'be'],
    ['é'.repeat(16), 'd920'],
    ['€'.repeat(100), 'da012c'],
    ['😀'.repeat(8), 'd920'],
  ])('writes a string of %#: header %s, UTF-8 bytes after it', (value, header) => {
    const bytes = written((w) => w.str(value), 16)
    const utf8 = Buffer.from(value, 'utf8')
    expect(hexOf(bytes.subarray(0, header.length / 2))).toBe(header)
    expect(bytes.length).toBe(header.length / 2 + utf8.length)
    expect(reader.unpack(bytes)).toBe(value)
  })

  it('writes any string so that msgpackr reads it back', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 300 }), (value) => {
        expect(reader.unpack(written((w) => w.str(value), 8))).toBe(value)
      }),
      { numRuns: 200 },
    )
  })

  it('writes a lone surrogate as U+FFFD (well-formed UTF-8 only)', () => {
    expect(hexOf(written((w) => w.str('a\ud800')))).toBe('a461efbfbd')
  })
})

describe('FrameWriter headers, bin and nil/bool', () => {
  it.each([
    [0, '90', '80'],
    [15, '9f', '8f'],
    [16, 'dc0010', 'de0010'],
    [65_535, 'dcffff', 'deffff'],
    [65_536, 'dd00010000', 'df00010000'],
  ])('writes an array and a map header of %d entries', (n, array, map) => {
    expect(hexOf(written((w) => w.arrayHeader(n)))).toBe(array)
    expect(hexOf(written((w) => w.mapHeader(n)))).toBe(map)
  })

  it.each([
    [0, 'c400'],
    [255, 'c4ff'],
    [256, 'c50100'],
    [65_536, 'c600010000'],
  ])('writes %d bytes of binary data as bin', (n, header) => {
    const data = Uint8Array.from({ length: n }, (_, i) => i & 0xff)
    const bytes = written((w) => w.bin(data), 4)
    expect(hexOf(bytes.subarray(0, header.length / 2))).toBe(header)
    expect([...(reader.unpack(bytes) as Uint8Array)]).toEqual([...data])
  })

  it('writes nil, true and false', () => {
    const bytes = written((w) => {
      w.nil()
      w.bool(true)
      w.bool(false)
    })
    expect(hexOf(bytes)).toBe('c0c3c2')
  })
})

describe('FrameWriter.value', () => {
  it('writes nested arrays, maps, strings, binary and numbers natively', () => {
    const bytes = written((w) => w.value({ a: [1, -1, 0.5, 'x'], b: new Uint8Array([7]), c: null, d: undefined, e: true }))
    expect(hexOf(bytes)).toBe('85a16194' + '01ff' + 'cb3fe0000000000000' + 'a178' + 'a162c40107' + 'a163c0' + 'a164c0' + 'a165c3')
    expect(plain(reader.unpack(bytes))).toEqual({ a: [1, -1, 0.5, 'x'], b: [7], c: null, d: null, e: true })
  })

  it('writes 64-bit integers inside values as uint64 or int64', () => {
    const bytes = written((w) => w.value([1_700_000_000_000, -1_700_000_000_000]))
    expect(hexOf(bytes)).toBe('92cf0000018bcfe56800d3fffffe74301a9800')
    expect(reader.unpack(bytes)).toEqual([1_700_000_000_000, -1_700_000_000_000])
  })

  it('leaves other values to msgpackr (a date becomes the timestamp extension)', () => {
    const bytes = written((w) => w.value(new Date(0)))
    expect(bytes[0]).toBe(0xd6)
    expect(hexOf(written((w) => w.value(new Map([['k', 1]]))))).toBe('81a16b01')
  })

  it('writes any plain value so that msgpackr reads it back', () => {
    fc.assert(
      fc.property(plainValue, (value) => {
        expect(plain(reader.unpack(written((w) => w.value(value), 1)))).toEqual(plain(value))
      }),
      { numRuns: 300 },
    )
  })
})

describe('FrameWriter buffer', () => {
  it('grows from any starting capacity, zero included', () => {
    for (const initial of [0, 1, 3]) {
      const bytes = written((w) => {
        w.arrayHeader(3)
        w.str('a'.repeat(40))
        w.int(Number.MAX_SAFE_INTEGER)
        w.bin(new Uint8Array(300))
      }, initial)
      expect(plain(reader.unpack(bytes))).toEqual(['a'.repeat(40), Number.MAX_SAFE_INTEGER, new Array(300).fill(0)])
    }
  })

  it('reset forgets what was written; toBytes is a copy; append and raw add bytes', () => {
    const w = new FrameWriter(8)
    w.int(1)
    const first = w.toBytes()
    w.reset()
    expect(w.length).toBe(0)
    w.arrayHeader(3)
    const other = new FrameWriter(1)
    other.str('hi')
    w.append(other)
    w.raw(Uint8Array.of(0xc3))
    w.int(5)
    expect(hexOf(first)).toBe('01')
    expect(reader.unpack(w.toBytes())).toEqual(['hi', true, 5])
  })
})

describe('packFrame', () => {
  it('writes frames that msgpackr reads back, one fresh copy per call', () => {
    const a = packFrame([0x46, 1234.5, 1_700_000_000_000])
    const b = packFrame([0x06, 1])
    expect(hexOf(a)).toBe('9346cb40934a0000000000cf0000018bcfe56800')
    expect(hexOf(b)).toBe('920601')
    expect(reader.unpack(a)).toEqual([0x46, 1234.5, 1_700_000_000_000])
  })

  it('encodes a frame larger than its reused buffer', () => {
    const rows = Array.from({ length: 200_000 }, (_, i) => i)
    const frame = packFrame([0x44, rows])
    expect((reader.unpack(frame) as unknown[])[1]).toEqual(rows)
    expect(hexOf(packFrame([0x06, 2]))).toBe('920602')
  })
})
