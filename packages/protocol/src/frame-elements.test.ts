import fc from 'fast-check'
import { Packr } from 'msgpackr'
import { describe, expect, it } from 'vitest'
import { decodeClientMessage } from './decode-client.js'
import { encodeClientMessage } from './encode-client.js'
import { countFrameElements } from './frame-elements.js'
import { peekRequestId } from './peek-request-id.js'
import { ProtocolError } from './protocol-error.js'
import * as arb from './test-utils/arbitraries.js'

const raw = new Packr({ useRecords: false, variableMapSize: true })

/** Values in a plain value, counted as the scanner counts them. */
function countValues(value: unknown): number {
  if (Array.isArray(value)) return 1 + value.reduce<number>((n, v) => n + countValues(v), 0)
  if (value !== null && typeof value === 'object' && !(value instanceof Uint8Array)) {
    return 1 + Object.values(value).reduce<number>((n, v) => n + 1 + countValues(v), 0)
  }
  return 1
}

describe('countFrameElements', () => {
  it('counts every value of a frame: the array, its elements, map keys and values', () => {
    expect(countFrameElements(encodeClientMessage({ type: 'Ping', clientTime: 1 }))).toBe(3)
    expect(countFrameElements(raw.pack([6, 1, {}, { a: [1, 2] }]))).toBe(1 + 2 + 1 + 1 + 1 + 1 + 2)
    fc.assert(
      fc.property(fc.array(arb.plainValue, { minLength: 1, maxLength: 8 }), (frame) => {
        expect(countFrameElements(raw.pack(frame))).toBe(countValues(frame))
      }),
    )
  })

  it('refuses a frame over maxElements before any decoding: a Ping followed by thousands of empty maps', () => {
    const flood = raw.pack([6, 1, ...Array.from({ length: 5000 }, () => ({}))])
    expect(() => countFrameElements(flood, { maxElements: 4096 })).toThrow(
      expect.objectContaining({ name: 'ProtocolError', code: 'ERR_LIMIT_EXCEEDED' }),
    )
    expect(() => decodeClientMessage(flood, { maxElements: 4096 })).toThrow(ProtocolError)
    // Without the bound, the same frame decodes (extra trailing fields are ignored).
    expect(decodeClientMessage(flood)).toEqual({ type: 'Ping', clientTime: 1 })
    expect(countFrameElements(flood, { maxElements: 5003 })).toBe(5003)
  })

  it('applies the size and structure limits of the decoder', () => {
    expect(() => countFrameElements(new Uint8Array(100), { maxFrameBytes: 50 })).toThrow(expect.objectContaining({ code: 'ERR_FRAME_TOO_LARGE' }))
    expect(() => countFrameElements(Uint8Array.of(0xc1))).toThrow(expect.objectContaining({ code: 'ERR_MALFORMED_FRAME' }))
  })
})

describe('peekRequestId', () => {
  it('reads the request id of every client message that has one, null for the others', () => {
    fc.assert(
      fc.property(arb.clientMessage, (message) => {
        const expected = 'requestId' in message ? message.requestId : null
        expect(peekRequestId(encodeClientMessage(message))).toBe(expected)
      }),
    )
  })

  it('never throws on random bytes and answers only u32 values', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 12 }), (bytes) => {
        const id = peekRequestId(bytes)
        expect(id === null || (Number.isInteger(id) && id >= 0 && id <= 0xffffffff)).toBe(true)
      }),
    )
  })
})
