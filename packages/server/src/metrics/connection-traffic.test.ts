import { afterEach, describe, expect, it, vi } from 'vitest'
import { ConnectionTraffic } from './connection-traffic.js'

afterEach(() => {
  vi.restoreAllMocks()
})

function at(...times: number[]): void {
  const now = vi.spyOn(performance, 'now')
  for (const t of times) now.mockReturnValueOnce(t)
}

describe('ConnectionTraffic', () => {
  it('counts frames and bytes both ways and reads the outbox from the socket', () => {
    const socket = { bufferedAmount: 0 }
    const traffic = new ConnectionTraffic(socket)
    traffic.received(10)
    traffic.received(5)
    traffic.sent(100)
    socket.bufferedAmount = 42
    expect([traffic.framesIn, traffic.bytesIn, traffic.framesOut, traffic.bytesOut, traffic.outboxBytes]).toEqual([2, 15, 1, 100, 42])
  })

  it('measures the RTT from the oldest unanswered ping (pongs come in order) and ignores an extra pong', () => {
    const traffic = new ConnectionTraffic({ bufferedAmount: 0 })
    expect(traffic.rttMs).toBeNull()
    at(1000, 1500, 1030, 1600)
    traffic.pinged() // 1000
    traffic.pinged() // 1500: the first is still unanswered
    traffic.ponged() // 1030
    expect(traffic.rttMs).toBe(30)
    traffic.ponged() // the second ping's pong: no ping outstanding, ignored
    expect(traffic.rttMs).toBe(30)
  })

  it('replaces a ping unanswered for 10 s and says when the RTT is stale', () => {
    const traffic = new ConnectionTraffic({ bufferedAmount: 0 })
    at(0, 1000, 11_000, 11_000, 11_020, 12_000, 13_100)
    traffic.pinged() // 0, lost
    expect(traffic.rttStale(2000)).toBe(false) // 1000: a ping went out 1 s ago
    expect(traffic.rttStale(2000)).toBe(true) // 11 000
    traffic.pinged() // 11 000: the lost ping is replaced
    traffic.ponged() // 11 020
    expect(traffic.rttMs).toBe(20)
    expect(traffic.rttStale(2000)).toBe(false) // 12 000
    expect(traffic.rttStale(2000)).toBe(true) // 13 100
  })
})
