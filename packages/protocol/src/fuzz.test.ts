import fc from 'fast-check'
import { Packr } from 'msgpackr'
import { describe, expect, it } from 'vitest'
import { decodeClientMessage } from './decode-client.js'
import { decodeServerMessage } from './decode-server.js'
import { encodeClientMessage } from './encode-client.js'
import { encodeServerMessage } from './encode-server.js'
import { ProtocolError } from './protocol-error.js'
import * as arb from './test-utils/arbitraries.js'

const raw = new Packr({ useRecords: false, variableMapSize: true })
const limits = { maxFrameBytes: 4096, maxArrayLength: 64, maxStringLength: 64, maxDepth: 8 }

/** Decodes with both decoders; any failure must be a ProtocolError. Returns how many succeeded. */
function decodeBoth(bytes: Uint8Array): number {
  let ok = 0
  for (const decode of [decodeClientMessage, decodeServerMessage]) {
    try {
      const message = decode(bytes, limits)
      expect(typeof message.type).toBe('string')
      ok++
    } catch (error) {
      expect(error).toBeInstanceOf(ProtocolError)
    }
  }
  return ok
}

const tag = fc.oneof(fc.integer({ min: 0, max: 0x4a }), fc.constantFrom(-1, 1.5, 'Ping', null))
/** Frames that look like messages: a plausible tag followed by random values, including extension types. */
const messageLike = fc.tuple(tag, fc.array(fc.oneof(arb.plainValue, fc.date(), fc.bigInt(), fc.constant(undefined)), { maxLength: 10 }))
/** TransactionUpdate frames with a plausible header and random values in one field. */
const updateLike = fc
  .tuple(fc.nat({ max: 9 }), fc.oneof(arb.plainValue, fc.constant(undefined)))
  .map(([at, value]) => {
    const fields: unknown[] = [0x44, 42, 1, 1, 50, null, [1, 77], [], [[0, [1, 0.5], [1, 1, 1, 2], []]], []]
    fields[at + 1] = value
    return fields
  })

describe('decoder fuzzing', () => {
  it('random bytes only ever raise ProtocolError', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 256 }), (bytes) => {
        decodeBoth(bytes)
      }),
      { numRuns: 200 },
    )
  })

  it('random bytes behind an array header only ever raise ProtocolError', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0x90, max: 0x9f }), fc.uint8Array({ maxLength: 128 }), (head, body) => {
        decodeBoth(Uint8Array.from([head, ...body]))
      }),
      { numRuns: 200 },
    )
  })

  it('random msgpack values with message tags only ever raise ProtocolError', () => {
    fc.assert(
      fc.property(messageLike, ([t, fields]) => {
        let bytes: Uint8Array
        try {
          bytes = raw.pack([t, ...fields])
        } catch {
          return
        }
        decodeBoth(bytes)
      }),
      { numRuns: 200 },
    )
  })

  it('TransactionUpdates with one random field only ever raise ProtocolError', () => {
    fc.assert(
      fc.property(updateLike, (fields) => {
        expect(decodeBoth(raw.pack(fields))).toBeLessThanOrEqual(1)
      }),
      { numRuns: 300 },
    )
  })

  it('valid frames with random byte mutations only ever raise ProtocolError, and what decodes re-encodes stably', () => {
    const mutation = fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 })
    fc.assert(
      fc.property(fc.oneof(arb.clientMessage, arb.serverMessage), mutation, (message, edits) => {
        const encoded =
          message.type === 'Hello' ||
          message.type === 'Authenticate' ||
          message.type === 'Subscribe' ||
          message.type === 'Unsubscribe' ||
          message.type === 'CallReducer' ||
          message.type === 'Ping' ||
          message.type === 'RefreshToken' ||
          message.type === 'SetArea'
            ? encodeClientMessage(message)
            : encodeServerMessage(message)
        const bytes = new Uint8Array(encoded)
        for (const [at, value] of edits) bytes[at % bytes.length] = value
        for (const [decode, encode] of [
          [decodeClientMessage, encodeClientMessage],
          [decodeServerMessage, encodeServerMessage],
        ] as const) {
          let decoded: ReturnType<typeof decode>
          try {
            decoded = decode(bytes, limits)
          } catch (error) {
            expect(error).toBeInstanceOf(ProtocolError)
            continue
          }
          const again = decode((encode as (m: typeof decoded) => Uint8Array)(decoded), limits)
          // -0 travels as the integer 0 (documented), so it is the one value that may come back changed.
          expect(withoutNegativeZero(again)).toEqual(withoutNegativeZero(decoded))
        }
      }),
      { numRuns: 200 },
    )
  })
})

function withoutNegativeZero(value: unknown): unknown {
  if (Object.is(value, -0)) return 0
  if (Array.isArray(value)) return value.map(withoutNegativeZero)
  if (value !== null && typeof value === 'object' && !(value instanceof Uint8Array)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withoutNegativeZero(v)]))
  }
  return value
}
