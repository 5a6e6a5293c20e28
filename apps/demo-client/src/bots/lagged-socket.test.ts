import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { laggedWebSocket, type WebSocketClass } from './lagged-socket.js'

class FakeSocket {
  static last: FakeSocket | null = null
  binaryType = 'arraybuffer'
  readyState = 1
  readonly sent: number[] = []
  onopen: ((ev: unknown) => void) | null = null
  onmessage: ((ev: { data: unknown }) => void) | null = null
  onclose: ((ev: unknown) => void) | null = null
  onerror: ((ev: unknown) => void) | null = null
  constructor(_url: string) {
    FakeSocket.last = this
  }
  send(data: Uint8Array): void {
    this.sent.push(data[0] as number)
  }
  close(): void {}
}

describe('laggedWebSocket', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('delays frames both ways by the latency, keeps their order under jitter, and delays a lost frame by a retransmission', () => {
    const randoms = [0, 0.9, 1, 0.5, 0.5, 0.5, 0.1, 0.5]
    let k = 0
    const Socket = laggedWebSocket(FakeSocket as unknown as WebSocketClass, {
      latencyMs: 75,
      jitterMs: 10,
      lossPct: 5,
      random: () => randoms[k++ % randoms.length] as number,
    })
    const socket = new Socket('ws://x')
    const inner = FakeSocket.last as FakeSocket
    const received: number[] = []
    socket.onmessage = (ev) => received.push(ev.data as number)
    socket.send(new Uint8Array([1])) // 75 − 10 = 65 ms
    socket.send(new Uint8Array([2])) // 75 + 10, no loss (1 ≥ 0.05)
    vi.advanceTimersByTime(64)
    expect(inner.sent).toEqual([])
    vi.advanceTimersByTime(1)
    expect(inner.sent).toEqual([1])
    vi.advanceTimersByTime(20)
    expect(inner.sent).toEqual([1, 2])
    inner.onmessage?.({ data: 3 }) // 75 ms (0.5 → no jitter; 50 % ≥ 5 %: not lost)
    inner.onmessage?.({ data: 4 }) // 0.1 → 67 ms, but after 3: in order
    vi.advanceTimersByTime(74)
    expect(received).toEqual([])
    vi.advanceTimersByTime(1)
    expect(received).toEqual([3, 4])
  })

  it('adds the retransmission delay to a lost frame and holds the frames behind it', () => {
    const randoms = [0.5, 0.01, 0.5, 0.5]
    let k = 0
    const Socket = laggedWebSocket(FakeSocket as unknown as WebSocketClass, {
      latencyMs: 50,
      jitterMs: 0,
      lossPct: 5,
      random: () => randoms[k++ % randoms.length] as number,
    })
    const socket = new Socket('ws://x')
    const inner = FakeSocket.last as FakeSocket
    socket.send(new Uint8Array([1])) // lost: 50 + 200
    socket.send(new Uint8Array([2])) // 50, but behind 1
    vi.advanceTimersByTime(249)
    expect(inner.sent).toEqual([])
    vi.advanceTimersByTime(1)
    expect(inner.sent).toEqual([1, 2])
  })
})
