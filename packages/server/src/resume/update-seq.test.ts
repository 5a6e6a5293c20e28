import { encodeServerMessage } from '@orrery/protocol'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { updateSeqOf } from './update-seq.js'

describe('updateSeqOf', () => {
  it('reads the seq of any TransactionUpdate and null of other frames', () => {
    fc.assert(
      fc.property(fc.nat({ max: Number.MAX_SAFE_INTEGER }), (seq) => {
        const frame = encodeServerMessage({
          type: 'TransactionUpdate',
          seq,
          prevSeq: seq,
          tickDelta: 1,
          timeDelta: 50,
          ack: null,
          binds: [],
          releases: [],
          tables: [],
          events: [],
        })
        expect(updateSeqOf(frame)).toBe(seq)
      }),
    )
    expect(updateSeqOf(encodeServerMessage({ type: 'SubscribeApplied', requestId: 1, queryId: 1, seq: 5 }))).toBeNull()
    expect(updateSeqOf(new Uint8Array(0))).toBeNull()
  })
})
