import fc from 'fast-check'
import { Packr } from 'msgpackr'
import { describe, expect, it } from 'vitest'
import { decodeClientMessage } from './decode-client.js'
import { decodeServerMessage } from './decode-server.js'
import { encodeClientMessage } from './encode-client.js'
import { encodeServerMessage } from './encode-server.js'
import type { DecodeLimits } from './limits.js'
import { ProtocolError, type ProtocolErrorCode } from './protocol-error.js'
import * as arb from './test-utils/arbitraries.js'

const raw = new Packr({ useRecords: false, variableMapSize: true })
const hex = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s.replace(/\s+/g, ''), 'hex'))

function codeOf(fn: () => unknown): ProtocolErrorCode | 'no error' {
  try {
    fn()
  } catch (error) {
    expect(error).toBeInstanceOf(ProtocolError)
    return (error as ProtocolError).code
  }
  return 'no error'
}
const client = (bytes: Uint8Array, limits?: DecodeLimits) => codeOf(() => decodeClientMessage(bytes, limits))
const server = (bytes: Uint8Array, limits?: DecodeLimits) => codeOf(() => decodeServerMessage(bytes, limits))
const clientFrame = (...fields: unknown[]) => client(raw.pack(fields))
const serverFrame = (...fields: unknown[]) => server(raw.pack(fields))

describe('frame size and structure', () => {
  it('refuses a frame over maxFrameBytes before reading it', () => {
    const frame = encodeClientMessage({ type: 'Subscribe', requestId: 1, queryId: 1, components: ['a'.repeat(100)], area: null })
    expect(client(frame, { maxFrameBytes: frame.length - 1 })).toBe('ERR_FRAME_TOO_LARGE')
    expect(client(frame, { maxFrameBytes: frame.length })).toBe('no error')
    expect(client(new Uint8Array(1024 * 1024 + 1))).toBe('ERR_FRAME_TOO_LARGE')
  })

  it('refuses an empty frame, a non-array frame and an empty array', () => {
    expect(client(new Uint8Array(0))).toBe('ERR_MALFORMED_FRAME')
    for (const value of [1, 'Hello', null, true, { type: 1 }, new Uint8Array([1])]) {
      expect(client(raw.pack(value))).toBe('ERR_MALFORMED_FRAME')
    }
    expect(client(hex('90'))).toBe('ERR_MALFORMED_FRAME')
  })

  it('refuses input that is not a Uint8Array', () => {
    expect(codeOf(() => decodeClientMessage([0x91, 0x06] as unknown as Uint8Array))).toBe('ERR_MALFORMED_FRAME')
  })

  it('refuses every strict prefix of a valid frame (truncation)', () => {
    fc.assert(
      fc.property(arb.serverMessage, fc.nat(), (message, cut) => {
        const frame = encodeServerMessage(message)
        const length = cut % frame.length
        expect(server(frame.subarray(0, length))).toBe('ERR_MALFORMED_FRAME')
      }),
      { numRuns: 150 },
    )
  })

  it('refuses trailing bytes after the frame', () => {
    const frame = encodeClientMessage({ type: 'Ping', clientTime: 1 })
    expect(client(Uint8Array.from([...frame, 0xc0]))).toBe('ERR_MALFORMED_FRAME')
  })

  it('refuses the reserved byte 0xc1', () => {
    expect(client(hex('92 06 c1'))).toBe('ERR_MALFORMED_FRAME')
  })

  it.each([
    ['fixext 1', 'd4 01 00'],
    ['fixext 2', 'd5 01 0000'],
    ['fixext 4 (timestamp 32)', 'd6 ff 00000000'],
    ['fixext 8', 'd7 01 0000000000000000'],
    ['fixext 16', 'd8 01 00000000000000000000000000000000'],
    ['ext 8', 'c7 01 05 00'],
    ['ext 16', 'c8 0001 05 00'],
    ['ext 32', 'c9 00000001 05 00'],
  ])('refuses the msgpack extension type %s anywhere in the frame', (_name, ext) => {
    expect(client(hex(`95 05 01 a1 66 91 ${ext}`))).toBe('ERR_MALFORMED_FRAME')
    expect(server(hex(`94 45 01 c3 ${ext}`))).toBe('ERR_MALFORMED_FRAME')
  })

  it('refuses maps whose keys are not strings', () => {
    // CallReducer args [ {1: 2} ], [ {nil: 1} ], [ {[]: 1} ]
    expect(client(hex('94 05 01 a1 66 91 81 01 02'))).toBe('ERR_MALFORMED_FRAME')
    expect(client(hex('94 05 01 a1 66 91 81 c0 01'))).toBe('ERR_MALFORMED_FRAME')
    expect(client(hex('94 05 01 a1 66 91 81 90 01'))).toBe('ERR_MALFORMED_FRAME')
    expect(client(hex('94 05 01 a1 66 91 81 a1 6b 01'))).toBe('no error')
  })

  it('refuses strings that are not well-formed UTF-8 and accepts those that are', () => {
    // CallReducer named "f" with one string argument: a lone continuation byte, a truncated
    // two-byte sequence, an overlong encoding of '/', a surrogate half; then "é" and "😀"
    expect(client(hex('94 05 01 a1 66 91 a1 80'))).toBe('ERR_MALFORMED_FRAME')
    expect(client(hex('94 05 01 a1 66 91 a1 c3'))).toBe('ERR_MALFORMED_FRAME')
    expect(client(hex('94 05 01 a1 66 91 a2 c0 af'))).toBe('ERR_MALFORMED_FRAME')
    expect(client(hex('94 05 01 a1 66 91 a3 ed a0 80'))).toBe('ERR_MALFORMED_FRAME')
    expect(client(hex('94 05 01 a1 66 91 a2 c3 a9'))).toBe('no error')
    expect(client(hex('94 05 01 a1 66 91 a4 f0 9f 98 80'))).toBe('no error')
  })

  it('accepts 64-bit integers in the safe range and refuses the others', () => {
    expect(client(hex('92 06 cf 001fffffffffffff'))).toBe('no error')
    expect(client(hex('92 06 d3 ffe0000000000001'))).toBe('no error')
    expect(client(hex('92 06 cf 0020000000000000'))).toBe('ERR_MALFORMED_FRAME')
    expect(client(hex('92 06 d3 ffe0000000000000'))).toBe('ERR_MALFORMED_FRAME')
    expect(client(hex('92 06 cf ffffffffffffffff'))).toBe('ERR_MALFORMED_FRAME')
    const decoded = decodeClientMessage(hex('92 06 cf 001fffffffffffff'))
    expect(decoded).toEqual({ type: 'Ping', clientTime: Number.MAX_SAFE_INTEGER })
  })

  it('refuses declared lengths longer than the frame without allocating them', () => {
    expect(client(hex('94 05 01 a1 66 dd 7fffffff'), { maxArrayLength: 0x7fffffff })).toBe('ERR_MALFORMED_FRAME')
    expect(client(hex('94 05 01 db 7fffffff'), { maxStringLength: 0x7fffffff })).toBe('ERR_MALFORMED_FRAME')
    expect(client(hex('94 05 01 a1 66 91 c6 7fffffff'))).toBe('ERR_MALFORMED_FRAME')
    expect(client(hex('94 05 01 a1 66 91 df 7fffffff'), { maxArrayLength: 0x7fffffff })).toBe('ERR_MALFORMED_FRAME')
  })

  it('enforces maxArrayLength, maxStringLength and maxDepth', () => {
    const args = Array.from({ length: 11 }, () => 0)
    const call = encodeClientMessage({ type: 'CallReducer', requestId: 1, reducer: 'r', args })
    expect(client(call, { maxArrayLength: 10 })).toBe('ERR_LIMIT_EXCEEDED')
    expect(client(call, { maxArrayLength: 11 })).toBe('no error')
    const named = encodeClientMessage({ type: 'CallReducer', requestId: 1, reducer: 'é'.repeat(5), args: [] })
    expect(client(named, { maxStringLength: 9 })).toBe('ERR_LIMIT_EXCEEDED')
    expect(client(named, { maxStringLength: 10 })).toBe('no error')
    let nested: unknown = 1
    for (let i = 0; i < 8; i++) nested = [nested]
    // frame (1) > args (2) > 8 nested arrays = depth 10
    const deep = encodeClientMessage({ type: 'CallReducer', requestId: 1, reducer: 'r', args: [nested] })
    expect(client(deep, { maxDepth: 9 })).toBe('ERR_LIMIT_EXCEEDED')
    expect(client(deep, { maxDepth: 10 })).toBe('no error')
    const map = raw.pack([5, 1, 'r', [{ a: 1, b: 2, c: 3 }]])
    expect(client(map, { maxArrayLength: 2 })).toBe('ERR_LIMIT_EXCEEDED')
  })

  it('survives a frame nested far deeper than the limit without a stack overflow', () => {
    const depth = 100_000
    const bytes = new Uint8Array(depth + 3)
    bytes.fill(0x91, 0, depth)
    bytes.set([0x92, 0x06, 0x01], depth)
    expect(client(bytes, { maxDepth: Number.MAX_SAFE_INTEGER })).not.toBe('no error')
    expect(client(bytes)).toBe('ERR_LIMIT_EXCEEDED')
  })
})

describe('message kinds', () => {
  it('refuses unknown tags and tags of the other direction', () => {
    for (const tag of [0, 9, 0x3f, 0x40, 0x41, 0x44, 0x4a, 255, -1, 1.5, 'Hello', null]) {
      expect(clientFrame(tag, 1, 2, 3, 4)).toBe('ERR_UNKNOWN_MESSAGE')
    }
    for (const tag of [0, 1, 5, 7, 0x40, 0x4a, 0x7f, 'Pong', true]) {
      expect(serverFrame(tag, 1, 2, 3, 4, 5, 6, 7, 8)).toBe('ERR_UNKNOWN_MESSAGE')
    }
  })

  it('ignores trailing fields added by a newer minor version', () => {
    expect(decodeClientMessage(raw.pack([6, 12.5, 'extra', [1, 2]]))).toEqual({ type: 'Ping', clientTime: 12.5 })
  })
})

describe('field validation', () => {
  it('refuses missing fields', () => {
    expect(clientFrame(1, '1.0', null)).toBe('ERR_INVALID_FIELD')
    expect(clientFrame(3, 1, 2)).toBe('ERR_INVALID_FIELD')
    expect(clientFrame(6)).toBe('ERR_INVALID_FIELD')
    expect(serverFrame(0x42, 'id', 'tok', 'sid', 20, [[], []], 0)).toBe('ERR_INVALID_FIELD')
    // a 1.0 Welcome (no tick and serverTime)
    expect(serverFrame(0x42, 'id', 'tok', 'sid', 20, [[], []], 0, false)).toBe('ERR_INVALID_FIELD')
    expect(serverFrame(0x45, 1, false, 'ERR_INTERNAL')).toBe('ERR_INVALID_FIELD')
    expect(serverFrame(0x44, 1, 2, 3, 4, [])).toBe('ERR_INVALID_FIELD')
    // a 1.0 TransactionUpdate: [prevSeq, seq, tick, serverTime, tables, events]
    expect(serverFrame(0x44, 4, 5, 900, 1.5e12, [], [])).toBe('ERR_INVALID_FIELD')
    expect(serverFrame(0x44, 5, 1, 1, 50, null, [], [], [])).toBe('ERR_INVALID_FIELD')
    expect(clientFrame(8, 1)).toBe('ERR_INVALID_FIELD')
    expect(serverFrame(0x43, 1, 2)).toBe('ERR_INVALID_FIELD')
  })

  it('checks u32 request, query and table ids', () => {
    for (const bad of [-1, 2 ** 32, 1.5, '1', null, true, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(clientFrame(4, bad, 1)).toBe('ERR_INVALID_FIELD')
      expect(clientFrame(4, 1, bad)).toBe('ERR_INVALID_FIELD')
      expect(serverFrame(0x43, bad, 1, 0)).toBe('ERR_INVALID_FIELD')
      expect(serverFrame(0x43, 1, bad, 0)).toBe('ERR_INVALID_FIELD')
      expect(serverFrame(0x44, 5, 1, 1, 50, null, [], [], [[bad, [], [], []]], [])).toBe('ERR_INVALID_FIELD')
      if (bad !== null) expect(serverFrame(0x44, 5, 1, 1, 50, bad, [], [], [], [])).toBe('ERR_INVALID_FIELD')
      expect(clientFrame(8, bad, [0, 0, 1, 1, 0])).toBe('ERR_INVALID_FIELD')
    }
    expect(clientFrame(4, 2 ** 32 - 1, 0)).toBe('no error')
  })

  it('checks seq values, entities and times', () => {
    // [0x44, seq, seqGap, tickDelta, timeDelta, ack, binds, releases, tables, events]
    const update = (...fields: unknown[]) => serverFrame(0x44, ...fields)
    expect(update(5, 1, 1, 50, null, [], [], [], [])).toBe('no error')
    expect(update(-1, 0, 0, 0, null, [], [], [], [])).toBe('ERR_INVALID_FIELD')
    expect(update(5, -1, 0, 0, null, [], [], [], [])).toBe('ERR_INVALID_FIELD')
    expect(update(2 ** 53, 1, 0, 0, null, [], [], [], [])).toBe('ERR_INVALID_FIELD')
    expect(update(5, 1, 0.5, 0, null, [], [], [], [])).toBe('ERR_INVALID_FIELD')
    expect(update(5, 1, -1, 0, null, [], [], [], [])).toBe('ERR_INVALID_FIELD')
    expect(update(5, 1, 1, Number.NaN, null, [], [], [], [])).toBe('ERR_INVALID_FIELD')
    expect(update(5, 1, 1, Number.POSITIVE_INFINITY, null, [], [], [], [])).toBe('ERR_INVALID_FIELD')
    expect(update(5, 1, 1, 'now', null, [], [], [], [])).toBe('ERR_INVALID_FIELD')
    expect(update(5, 1, 1, 0.25, null, [], [], [], [])).toBe('no error')
    expect(update(5, 1, 1, 50, -1, [], [], [], [])).toBe('ERR_INVALID_FIELD')
    expect(update(5, 1, 1, 50, 'call', [], [], [], [])).toBe('ERR_INVALID_FIELD')
    expect(update(5, 1, 1, 50, 2 ** 32 - 1, [], [], [], [])).toBe('no error')
    expect(update(5, 1, 1, 50, null, [1, -2], [], [], [])).toBe('ERR_INVALID_FIELD')
    expect(update(5, 1, 1, 50, null, {}, [], [], [])).toBe('ERR_INVALID_FIELD')
    expect(update(5, 1, 1, 50, null, [], [1.5], [], [])).toBe('ERR_INVALID_FIELD')
    expect(update(5, 1, 1, 50, null, [], null, [], [])).toBe('ERR_INVALID_FIELD')
    expect(update(5, 1, 1, 50, null, [], [], [[0, [], [], [-1]]], [])).toBe('ERR_INVALID_FIELD')
    expect(update(5, 1, 1, 50, null, [], [], [[0, [], []]], [])).toBe('ERR_INVALID_FIELD')
    expect(update(5, 1, 1, 50, null, [], [], [[0, [], {}, []]], [])).toBe('ERR_INVALID_FIELD')
    expect(update(5, 1, 1, 50, null, [], [], [[0, null, [], []]], [])).toBe('ERR_INVALID_FIELD')
    expect(update(5, 1, 1, 50, null, [], [], {}, [])).toBe('ERR_INVALID_FIELD')
    expect(update(5, 1, 1, 50, null, [], [], [], [['only-name']])).toBe('ERR_INVALID_FIELD')
    expect(update(5, 1, 1, 50, null, [], [], [], [[7, null]])).toBe('ERR_INVALID_FIELD')
    expect(update(5, 1, 1, 50, 3, [1, 77], [2], [[0, [1, 2], [1, 1, 1, 2], [3]]], [['e', null]])).toBe('no error')
    expect(clientFrame(6, Number.POSITIVE_INFINITY)).toBe('ERR_INVALID_FIELD')
    expect(clientFrame(1, '2.0', null, ['sid', -3])).toBe('ERR_INVALID_FIELD')
    expect(clientFrame(1, '2.0', null, ['sid'])).toBe('ERR_INVALID_FIELD')
    expect(clientFrame(1, 2.0, null, null)).toBe('ERR_INVALID_FIELD')
  })

  it('refuses a seqGap larger than seq, and decodes prevSeq as seq − seqGap', () => {
    const update = (seq: number, gap: number) => serverFrame(0x44, seq, gap, 1, 50, null, [], [], [], [])
    expect(update(5, 6)).toBe('ERR_INVALID_FIELD')
    expect(update(0, 1)).toBe('ERR_INVALID_FIELD')
    expect(update(5, 5)).toBe('no error')
    expect(update(5, 0)).toBe('no error')
    const decoded = decodeServerMessage(raw.pack([0x44, 42, 3, 2, 100, null, [], [], [], []]))
    expect(decoded).toMatchObject({ type: 'TransactionUpdate', prevSeq: 39, seq: 42, tickDelta: 2, timeDelta: 100, ack: null })
  })

  it('refuses binds that are not [handle, entity] pairs', () => {
    const binds = (list: unknown) => serverFrame(0x44, 5, 1, 1, 50, null, list, [], [], [])
    expect(binds([1])).toBe('ERR_INVALID_FIELD')
    expect(binds([1, 77, 2])).toBe('ERR_INVALID_FIELD')
    expect(binds([])).toBe('no error')
    expect(binds([1, 77, 2, 78])).toBe('no error')
  })

  it('refuses a negative timeDelta and accepts zero', () => {
    const time = (delta: unknown) => serverFrame(0x44, 5, 1, 1, delta, null, [], [], [], [])
    expect(time(-1)).toBe('ERR_INVALID_FIELD')
    expect(time(-0.001)).toBe('ERR_INVALID_FIELD')
    expect(time(0)).toBe('no error')
  })

  it('checks the area of Subscribe and SetArea', () => {
    const subscribe = (area: unknown) => clientFrame(3, 1, 7, ['Body'], area)
    const setArea = (area: unknown) => clientFrame(8, 7, area)
    const good = [400, 450, 560, 550, 20]
    expect(subscribe(good)).toBe('no error')
    expect(setArea(good)).toBe('no error')
    expect(subscribe(null)).toBe('no error')
    expect(clientFrame(3, 1, 7, ['Body'])).toBe('no error')
    expect(setArea(null)).toBe('ERR_INVALID_FIELD')
    for (const bad of [
      [400, 450, 560, 550], // margin missing
      {}, // not an array
      'area',
      [400, 450, 560, '550', 20], // a string
      [400, 450, Number.NaN, 550, 20],
      [400, Number.NEGATIVE_INFINITY, 560, 550, 20],
      [0, 0, 1e9 + 1, 10, 0], // beyond ±1e9
      [-1e9 - 1, 0, 10, 10, 0],
      [0, 0, 10, 10, 2e9],
      [560, 450, 400, 550, 20], // maxX below minX
      [400, 550, 560, 450, 20], // maxY below minY
      [400, 450, 560, 550, -1], // negative margin
    ]) {
      expect(subscribe(bad)).toBe('ERR_INVALID_FIELD')
      expect(setArea(bad)).toBe('ERR_INVALID_FIELD')
    }
    expect(subscribe([-1e9, -1e9, 1e9, 1e9, 1e9])).toBe('no error')
    expect(subscribe([3, 3, 3, 3, 0])).toBe('no error')
    const decoded = decodeClientMessage(raw.pack([8, 7, [400, 450, 560, 550, 20, 'extra']]))
    expect(decoded).toEqual({ type: 'SetArea', queryId: 7, area: { minX: 400, minY: 450, maxX: 560, maxY: 550, margin: 20 } })
  })

  it('checks the handshake messages', () => {
    expect(clientFrame(2, 'password', 'x')).toBe('ERR_INVALID_FIELD')
    expect(clientFrame(2, 'token', 42)).toBe('ERR_INVALID_FIELD')
    expect(serverFrame(0x41, new Uint8Array(31), [])).toBe('ERR_INVALID_FIELD')
    expect(serverFrame(0x41, 'x'.repeat(32), [])).toBe('ERR_INVALID_FIELD')
    expect(serverFrame(0x41, new Uint8Array(32), [1])).toBe('ERR_INVALID_FIELD')
    const welcome = (tickRate: unknown, schema: unknown, resumed: unknown = false, tick: unknown = 900, time: unknown = 1.7e12) =>
      serverFrame(0x42, 'id', 'tok', 'sid', tickRate, schema, 0, resumed, tick, time)
    expect(welcome(0, [[], []])).toBe('ERR_INVALID_FIELD')
    expect(welcome(20, [[['Body', [['x', 'f128']]]], []])).toBe('ERR_INVALID_FIELD')
    expect(welcome(20, [[['A', []], ['A', []]], []])).toBe('ERR_INVALID_FIELD')
    expect(welcome(20, { components: [], reducers: [] })).toBe('ERR_INVALID_FIELD')
    expect(welcome(20, [[], []], 'yes')).toBe('ERR_INVALID_FIELD')
    expect(welcome(20, [[], []], false, -1)).toBe('ERR_INVALID_FIELD')
    expect(welcome(20, [[], []], false, 1.5)).toBe('ERR_INVALID_FIELD')
    expect(welcome(20, [[], []], false, 900, Number.NaN)).toBe('ERR_INVALID_FIELD')
    expect(welcome(20, [[], []], false, 900, '2026-01-01')).toBe('ERR_INVALID_FIELD')
    expect(welcome(20, [[['Body', [['x', 'f32', 0]]]], []])).toBe('ERR_INVALID_FIELD')
    expect(welcome(20, [[['Body', [['n', 'u32', 0.5]]]], []])).toBe('ERR_INVALID_FIELD')
    expect(welcome(20, [[['Body', [['x', 'f32']]]], [['go', [['n', 'string']]]]])).toBe('no error')
    expect(welcome(20, [[['Body', [['x', 'f32', 0.0625], ['y', 'f64', 0.01]]]], []])).toBe('no error')
  })

  it('checks results and errors', () => {
    expect(serverFrame(0x45, 1, 'ok', 1)).toBe('ERR_INVALID_FIELD')
    expect(serverFrame(0x45, 1, false, 1, 'm')).toBe('ERR_INVALID_FIELD')
    expect(serverFrame(0x47, 'ERR_INTERNAL', 'm', 'x')).toBe('ERR_INVALID_FIELD')
    expect(serverFrame(0x47, 'ERR_INTERNAL', 'm', null)).toBe('no error')
    expect(serverFrame(0x49, 1, null)).toBe('ERR_INVALID_FIELD')
    expect(clientFrame(3, 1, 1, ['a', 2])).toBe('ERR_INVALID_FIELD')
    expect(clientFrame(5, 1, 'r', { 0: 1 })).toBe('ERR_INVALID_FIELD')
  })
})
