import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { decodeServerMessage } from './decode-server.js'
import { encodeServerMessage } from './encode-server.js'
import { DEFAULT_DECODE_LIMITS } from './limits.js'
import type { TransactionUpdate } from './messages.js'
import * as arb from './test-utils/arbitraries.js'
import { readTransactionUpdate } from './update-reader.js'

/** A finite `maxElements` keeps a frame off the fast path: what the general decoder makes of it. */
function general(bytes: Uint8Array): unknown {
  try {
    return decodeServerMessage(bytes, { maxElements: 1e12 })
  } catch (error) {
    return error
  }
}

/** Updates the fast path covers: no events, and rows of scalars. */
const scalarRows = fc.array(
  fc.oneof(
    fc.integer(),
    fc.maxSafeInteger(),
    fc.maxSafeNat(),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.float({ noNaN: true, noDefaultInfinity: true }).map(Math.fround),
    fc.boolean(),
    fc.constant(null),
    fc.string({ maxLength: 40 }),
  ),
  { maxLength: 30 },
)
const fastUpdate: fc.Arbitrary<TransactionUpdate> = fc
  .tuple(arb.transactionUpdate, fc.array(fc.tuple(scalarRows, scalarRows), { minLength: 3, maxLength: 3 }))
  .map(([m, rows]) => ({
    ...m,
    tables: m.tables.map((t, i) => ({ ...t, inserts: rows[i]?.[0] ?? [], updates: rows[i]?.[1] ?? [] })),
    events: [],
  }))

const someEvents = fc.array(fc.record({ name: fc.string(), payload: fc.jsonValue({ maxDepth: 6 }) }), { maxLength: 4 })
const withEvents: fc.Arbitrary<TransactionUpdate> = fc.tuple(fastUpdate, someEvents).map(([m, events]) => ({ ...m, events }))

describe('readTransactionUpdate', () => {
  it('reads what the general decoder reads, for any update of scalar rows', () => {
    let taken = 0
    fc.assert(
      fc.property(fastUpdate, (m) => {
        const bytes = encodeServerMessage(m)
        const fast = readTransactionUpdate(bytes, DEFAULT_DECODE_LIMITS)
        // Non-ASCII strings and unsafe integers leave the fast path; everything else takes it.
        if (fast !== null) {
          taken++
          expect(fast).toStrictEqual(general(bytes))
        }
      }),
      { numRuns: 300 },
    )
    expect(taken).toBeGreaterThan(30)
  })

  it('takes the fast path for the frames a replica gets every tick', () => {
    const m: TransactionUpdate = {
      type: 'TransactionUpdate',
      prevSeq: 41,
      seq: 42,
      tickDelta: 1,
      timeDelta: 50,
      ack: null,
      binds: [3, 1_000_007],
      releases: [2],
      tables: [{ tableId: 0, inserts: [3, 160, -48, 12], updates: [2 * 8 + 3, 1, -1, 2, 1, 0, 0], deletes: [4] }],
      events: [],
    }
    expect(readTransactionUpdate(encodeServerMessage(m), DEFAULT_DECODE_LIMITS)).toStrictEqual(m)
  })

  it('reads events as the general decoder does, or leaves them to it', () => {
    let taken = 0
    fc.assert(
      fc.property(fastUpdate, fc.array(fc.record({ name: fc.string(), payload: fc.jsonValue({ maxDepth: 6 }) }), { minLength: 1, maxLength: 4 }), (update, events) => {
        const m = { ...update, events }
        const bytes = encodeServerMessage(m)
        const fast = readTransactionUpdate(bytes, DEFAULT_DECODE_LIMITS)
        if (fast === null) return
        taken++
        expect(fast).toStrictEqual(general(bytes))
      }),
      { numRuns: 400 },
    )
    expect(taken).toBeGreaterThan(100)
  })

  it('reads the events of a tick (maps of entity ids) on the fast path', () => {
    const m: TransactionUpdate = {
      type: 'TransactionUpdate',
      prevSeq: 1,
      seq: 2,
      tickDelta: 1,
      timeDelta: 50,
      ack: 7,
      binds: [],
      releases: [],
      tables: [],
      events: [
        { name: 'consume', payload: { consumed: 4_194_305, consumer: 12 } },
        { name: 'note', payload: [1, 'a', null, { deep: [true, 2.5] }] },
      ],
    }
    const fast = readTransactionUpdate(encodeServerMessage(m), DEFAULT_DECODE_LIMITS)
    expect(fast).toStrictEqual(general(encodeServerMessage(m)))
    expect(fast).toStrictEqual(m)
  })

  it('never accepts a damaged frame the general decoder refuses, and agrees on the ones both read', () => {
    fc.assert(
      fc.property(withEvents, fc.array(fc.tuple(fc.nat(), fc.nat({ max: 255 })), { minLength: 1, maxLength: 3 }), fc.nat(8), (m, edits, cut) => {
        const bytes = encodeServerMessage(m).slice()
        for (const [at, value] of edits) bytes[at % bytes.length] = value
        const damaged = cut > 0 && cut < bytes.length ? bytes.subarray(0, bytes.length - cut) : bytes
        const fast = readTransactionUpdate(damaged, DEFAULT_DECODE_LIMITS)
        if (fast === null) return
        expect(general(damaged)).toStrictEqual(fast)
      }),
      { numRuns: 2000 },
    )
  })

  it('gives the general decoder frames under tighter limits than its own shape', () => {
    const bytes = encodeServerMessage({ type: 'TransactionUpdate', prevSeq: 0, seq: 1, tickDelta: 1, timeDelta: 0, ack: null, binds: [], releases: [], tables: [], events: [] })
    expect(readTransactionUpdate(bytes, { ...DEFAULT_DECODE_LIMITS, maxDepth: 3 })).toBeNull()
    expect(readTransactionUpdate(bytes, { ...DEFAULT_DECODE_LIMITS, maxElements: 100 })).toBeNull()
    expect(readTransactionUpdate(bytes, DEFAULT_DECODE_LIMITS)).not.toBeNull()
  })
})
