import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { ClientHeartbeat } from './client-heartbeat.js'
import { LinkHealth } from './link-health.js'

describe('ClientHeartbeat', () => {
  let now = 0
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] })
    now = 0
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  const start = (): { heartbeat: ClientHeartbeat; pings: number[]; silences: number[] } => {
    const pings: number[] = []
    const silences: number[] = []
    const heartbeat = new ClientHeartbeat(
      100,
      350,
      new LinkHealth(),
      (clientTime) => pings.push(clientTime),
      () => silences.push(now),
      () => now,
    )
    heartbeat.start()
    return { heartbeat, pings, silences }
  }
  const beat = (): void => {
    now += 100
    vi.advanceTimersByTime(100)
  }

  it('declares a socket that stays silent past the timeout dead, on time', () => {
    const { silences } = start()
    for (let k = 0; k < 3; k++) beat()
    expect(silences).toEqual([])
    beat()
    expect(silences).toEqual([400])
  })

  it('gives no verdict on a beat that comes late after a stall of its own loop, and judges the next one', () => {
    const { heartbeat, pings, silences } = start()
    beat()
    // The process was stalled for 5 s: the timer fires late, before the frames that came meanwhile are read.
    now += 5_000
    vi.advanceTimersByTime(100)
    expect(silences).toEqual([])
    expect(pings).toHaveLength(3)
    // Frames were waiting: the socket is alive and the next beats find it so.
    heartbeat.received()
    beat()
    beat()
    expect(silences).toEqual([])
    // A socket that really is silent is still found, once the beats are on time again.
    for (let k = 0; k < 4; k++) beat()
    expect(silences).toHaveLength(1)
  })
})
