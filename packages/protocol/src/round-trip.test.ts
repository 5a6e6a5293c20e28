import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { decodeClientMessage } from './decode-client.js'
import { decodeServerMessage } from './decode-server.js'
import { encodeClientMessage } from './encode-client.js'
import { encodeServerMessage } from './encode-server.js'
import type { ClientMessage, ServerMessage } from './messages.js'
import * as arb from './test-utils/arbitraries.js'

/** Decoded binary values are plain Uint8Arrays; normalise test inputs the same way. */
function plain(value: unknown): unknown {
  if (value instanceof Uint8Array) return new Uint8Array(value)
  if (Array.isArray(value)) return value.map(plain)
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]))
  }
  return value
}

const clientCases: [string, fc.Arbitrary<ClientMessage>][] = [
  ['Hello', arb.hello],
  ['Authenticate', arb.authenticate],
  ['Subscribe', arb.subscribe],
  ['Unsubscribe', arb.unsubscribe],
  ['CallReducer', arb.callReducer],
  ['Ping', arb.ping],
  ['RefreshToken', arb.refreshToken],
  ['SetArea', arb.setArea],
]

const serverCases: [string, fc.Arbitrary<ServerMessage>][] = [
  ['Challenge', arb.challenge],
  ['Welcome', arb.welcome],
  ['SubscribeApplied', arb.subscribeApplied],
  ['TransactionUpdate', arb.transactionUpdate],
  ['ReducerResult', arb.reducerResult],
  ['Pong', arb.pong],
  ['Error', arb.errorMessage],
  ['Unsubscribed', arb.unsubscribed],
  ['TokenRefreshed', arb.tokenRefreshed],
]

describe('client messages round-trip', () => {
  it.each(clientCases)('%s: decode(encode(m)) equals m', (_name, arbitrary) => {
    fc.assert(
      fc.property(arbitrary, (message) => {
        const decoded = decodeClientMessage(encodeClientMessage(message))
        expect(decoded).toStrictEqual(plain(message))
      }),
      { numRuns: 150 },
    )
  })
})

describe('server messages round-trip', () => {
  it.each(serverCases)('%s: decode(encode(m)) equals m', (_name, arbitrary) => {
    fc.assert(
      fc.property(arbitrary, (message) => {
        const decoded = decodeServerMessage(encodeServerMessage(message))
        expect(decoded).toStrictEqual(plain(message))
      }),
      { numRuns: 150 },
    )
  })

  it('Challenge.nonce and Authenticate.credential decode as plain Uint8Array', () => {
    const challenge = decodeServerMessage(encodeServerMessage({ type: 'Challenge', nonce: new Uint8Array(32).fill(9), methods: [] }))
    expect(challenge.type === 'Challenge' && challenge.nonce.constructor).toBe(Uint8Array)
    const auth = decodeClientMessage(encodeClientMessage({ type: 'Authenticate', method: 'signature', credential: new Uint8Array([1, 2]) }))
    expect(auth.type === 'Authenticate' && auth.credential?.constructor).toBe(Uint8Array)
  })

  it('binary values decode as plain Uint8Array whether the frame is a Buffer or a Uint8Array', () => {
    const message: ServerMessage = { type: 'ReducerResult', requestId: 1, ok: true, value: { data: new Uint8Array([1, 2]) } }
    const frame = encodeServerMessage(message)
    for (const input of [Buffer.from(frame), new Uint8Array(frame)]) {
      const decoded = decodeServerMessage(input)
      expect(decoded).toStrictEqual(message)
    }
  })

  it('a decoded binary value does not share memory with the frame', () => {
    const frame = encodeServerMessage({ type: 'Challenge', nonce: new Uint8Array(32).fill(1), methods: [] })
    const copy = new Uint8Array(frame)
    const decoded = decodeServerMessage(copy)
    copy.fill(0)
    expect(decoded.type === 'Challenge' && decoded.nonce[0]).toBe(1)
  })
})

describe('encoding conventions', () => {
  it('undefined travels as nil and -0 as 0', () => {
    const decoded = decodeServerMessage(encodeServerMessage({ type: 'ReducerResult', requestId: 1, ok: true, value: undefined }))
    expect(decoded).toEqual({ type: 'ReducerResult', requestId: 1, ok: true, value: null })
    const pong = decodeServerMessage(encodeServerMessage({ type: 'Pong', clientTime: -0, serverTime: 1 }))
    expect(Object.is(pong.type === 'Pong' && pong.clientTime, 0)).toBe(true)
  })

  it('integers take their smallest msgpack form, uint64 or int64 beyond 32 bits; other numbers float64', () => {
    const pong = encodeServerMessage({ type: 'Pong', clientTime: 1234.5, serverTime: 1_700_000_000_000 })
    expect(Buffer.from(pong).toString('hex')).toBe('9346cb40934a0000000000cf0000018bcfe56800')
    const ping = encodeClientMessage({ type: 'Ping', clientTime: -(2 ** 32) })
    expect(Buffer.from(ping).toString('hex')).toBe('9206d3ffffffff00000000')
    const big = encodeServerMessage({ type: 'SubscribeApplied', requestId: 1, queryId: 2, seq: Number.MAX_SAFE_INTEGER })
    expect(Buffer.from(big).toString('hex')).toBe('944301 02 cf001fffffffffffff'.replace(/ /g, ''))
    expect(decodeServerMessage(big)).toEqual({ type: 'SubscribeApplied', requestId: 1, queryId: 2, seq: Number.MAX_SAFE_INTEGER })
    // 2^53 is not a safe integer: it travels as float64 and a seq field refuses it
    const unsafe = encodeClientMessage({ type: 'Ping', clientTime: 2 ** 53 })
    expect(Buffer.from(unsafe).toString('hex')).toBe('9206cb4340000000000000')
  })

  it('values inside args, results and payloads use the same forms', () => {
    const frame = encodeServerMessage({
      type: 'ReducerResult',
      requestId: 1,
      ok: true,
      value: { at: 1_700_000_000_000, list: [-1, 0.5, 'é'], data: new Uint8Array([7]), none: undefined },
    })
    expect(Buffer.from(frame).toString('hex')).toBe(
      [
        '94 45 01 c3 84',
        'a2 6174 cf 0000018bcfe56800',
        'a4 6c697374 93 ff cb3fe0000000000000 a2 c3a9',
        'a4 64617461 c4 01 07',
        'a4 6e6f6e65 c0',
      ]
        .join('')
        .replace(/ /g, ''),
    )
  })

  it('encoders refuse a message of the other direction', () => {
    expect(() => encodeClientMessage({ type: 'Pong', clientTime: 1, serverTime: 2 } as unknown as ClientMessage)).toThrow(
      expect.objectContaining({ name: 'ProtocolError', code: 'ERR_UNKNOWN_MESSAGE' }),
    )
    expect(() => encodeServerMessage({ type: 'Ping', clientTime: 1 } as unknown as ServerMessage)).toThrow(
      expect.objectContaining({ name: 'ProtocolError', code: 'ERR_UNKNOWN_MESSAGE' }),
    )
  })

  it('a TransactionUpdate is encoded from the flat arrays without changing them', () => {
    const inserts = [1, 10.5, 20.25]
    const updates = [2, 0b10, 7]
    const deletes = [3]
    const frame = encodeServerMessage({
      type: 'TransactionUpdate',
      prevSeq: 4,
      seq: 5,
      tickDelta: 1,
      timeDelta: 50,
      ack: null,
      binds: [1, 77],
      releases: [],
      tables: [{ tableId: 0, inserts, updates, deletes }],
      events: [],
    })
    expect(inserts).toEqual([1, 10.5, 20.25])
    const decoded = decodeServerMessage(frame)
    expect(decoded.type === 'TransactionUpdate' && decoded.tables[0]).toEqual({ tableId: 0, inserts, updates, deletes })
  })
})
