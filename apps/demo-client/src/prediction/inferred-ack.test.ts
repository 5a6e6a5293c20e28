import { encodeServerMessage } from '@orrery/protocol'
import { describe, expect, it } from 'vitest'
import type { WebSocketClass } from '../bots/lagged-socket.js'
import { InferredAcknowledgement } from './inferred-ack.js'

/** A socket that only delivers what the test hands it. */
class FakeSocket {
  static last: FakeSocket | null = null
  binaryType = 'arraybuffer'
  readyState = 1
  onopen: ((ev: unknown) => void) | null = null
  onmessage: ((ev: { data: unknown }) => void) | null = null
  onclose: ((ev: unknown) => void) | null = null
  onerror: ((ev: unknown) => void) | null = null
  constructor(_url: string) {
    FakeSocket.last = this
  }
  send(_data: Uint8Array): void {}
  close(): void {}
}

function update(seq: number) {
  return encodeServerMessage({ type: 'TransactionUpdate', prevSeq: seq - 1, seq, tick: seq, serverTime: 1000 + seq, tables: [], events: [] })
}

// A seq past one byte, to read the integer widths.
const BIG = 70_000

function result(requestId: number) {
  return encodeServerMessage({ type: 'ReducerResult', requestId, ok: true, value: null })
}

describe('InferredAcknowledgement', () => {
  it('acknowledges each update (by seq) with the highest requestId answered before it', () => {
    const ack = new InferredAcknowledgement()
    const Socket = ack.wrap(FakeSocket as unknown as WebSocketClass)
    const socket = new Socket('ws://x')
    const seen: unknown[] = []
    socket.onmessage = (ev) => seen.push(ev.data)
    const inner = FakeSocket.last as FakeSocket
    const frames = [update(1), result(7), result(300), update(2), update(3), result(70_000), result(5_000_000_000 % 2 ** 32), update(4), update(BIG)]
    for (const f of frames) inner.onmessage?.({ data: f })
    expect(seen.length).toBe(frames.length)
    // Asked by seq, in any order, and only once; an update never seen has none.
    expect(ack.take(3)).toBe(300)
    expect([ack.take(1), ack.take(2), ack.take(4), ack.take(4), ack.take(9)]).toEqual([undefined, 300, 705032704, undefined, undefined])
    expect(ack.take(BIG)).toBe(705032704)
  })
})
