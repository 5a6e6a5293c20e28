import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { PredictionError } from './errors.js'
import { InputBuffer } from './input-buffer.js'
import { MAX_INPUT_SEQ, seqAcknowledged, seqAfter } from './sequence.js'

function seqs<I>(b: InputBuffer<I>): number[] {
  return Array.from({ length: b.size }, (_, i) => b.seqAt(i))
}

describe('sequence numbers', () => {
  it('order u32 numbers across the wrap', () => {
    expect(seqAfter(1, 0)).toBe(true)
    expect(seqAfter(0, 1)).toBe(false)
    expect(seqAfter(0, MAX_INPUT_SEQ)).toBe(true)
    expect(seqAfter(5, 5)).toBe(false)
    expect(seqAcknowledged(5, 5)).toBe(true)
    fc.assert(
      fc.property(fc.integer({ min: 0, max: MAX_INPUT_SEQ }), fc.integer({ min: 1, max: 2 ** 31 - 1 }), (a, d) => {
        const b = (a + d) % 2 ** 32
        expect(seqAfter(b, a)).toBe(true)
        expect(seqAfter(a, b)).toBe(false)
      }),
    )
  })
})

describe('InputBuffer', () => {
  it('keeps exactly the inputs after the acknowledgement, in order (any pushes and acknowledgements)', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.integer({ min: 1, max: 3 }).map((gap) => ({ gap })), fc.nat(40).map((ack) => ({ ack }))), { maxLength: 60 }), (ops) => {
        const b = new InputBuffer<number>({ capacity: 1000 })
        const model: number[] = []
        let seq = 0
        let lastAck = 0
        for (const op of ops) {
          if ('gap' in op) {
            seq += op.gap
            b.push(seq, seq * 10, 0, 0)
            model.push(seq)
          } else {
            const ack = Math.max(lastAck, op.ack)
            lastAck = ack
            const dropped = b.acknowledge(ack)
            const keep = model.filter((s) => s > ack)
            expect(dropped).toBe(model.length - keep.length)
            model.splice(0, model.length, ...keep)
          }
          expect(seqs(b)).toEqual(model)
        }
        for (let i = 0; i < b.size; i++) expect(b.inputAt(i)).toBe(b.seqAt(i) * 10)
      }),
    )
  })

  it('drops the oldest input on overflow and counts it', () => {
    const b = new InputBuffer<string>({ capacity: 3 })
    expect(b.push(1, 'a', 0, 0)).toBe(false)
    b.push(2, 'b', 0, 0)
    b.push(3, 'c', 0, 0)
    expect(b.push(4, 'd', 0, 0)).toBe(true)
    expect(seqs(b)).toEqual([2, 3, 4])
    expect(b.overflowed).toBe(1)
  })

  it('refuses a sequence number that does not come after the previous one', () => {
    const b = new InputBuffer<string>()
    b.push(10, 'a', 0, 0)
    for (const bad of [10, 9, -1, 1.5, 2 ** 32]) {
      try {
        b.push(bad, 'x', 0, 0)
        expect.unreachable()
      } catch (err) {
        expect(err).toBeInstanceOf(PredictionError)
        expect((err as PredictionError).code).toBe('ERR_SEQUENCE_ORDER')
      }
    }
  })

  it('reports each acknowledged input with its send time', () => {
    const b = new InputBuffer<string>()
    b.push(1, 'a', 0, 100)
    b.push(2, 'b', 0, 150)
    const seen: [number, number][] = []
    b.acknowledge(2, (seq, sentAt) => seen.push([seq, sentAt]))
    expect(seen).toEqual([
      [1, 100],
      [2, 150],
    ])
  })

  it('refuses a capacity below 1', () => {
    expect(() => new InputBuffer({ capacity: 0 })).toThrow(PredictionError)
  })
})
