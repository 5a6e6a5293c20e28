import { describe, expect, it } from 'vitest'
import { Heartbeat, type HeartbeatTarget } from './heartbeat.js'
import { FakeClock } from './test-utils/fake-clock.js'

function target(clock: FakeClock, ready = true) {
  const t = {
    lastHeardAt: clock.now(),
    isReady: ready,
    pings: 0,
    idled: 0,
    ping() {
      t.pings++
    },
    idleOut() {
      t.idled++
      t.isReady = false
    },
  }
  return t satisfies HeartbeatTarget
}

describe('Heartbeat', () => {
  it('pings a quiet connection each interval and closes it once silent past the idle timeout', () => {
    const clock = new FakeClock()
    const quiet = target(clock)
    const chatty = target(clock)
    const heartbeat = new Heartbeat({ pingIntervalMs: 100, idleTimeoutMs: 300 }, clock, () => [quiet, chatty])
    heartbeat.start()
    for (let k = 1; k <= 2; k++) {
      chatty.lastHeardAt = clock.now() + 99
      clock.advance(100)
      expect(quiet.pings).toBe(k)
    }
    expect(quiet.idled).toBe(0)
    chatty.lastHeardAt = clock.now() + 99
    clock.advance(100)
    expect(quiet.idled).toBe(1)
    expect(chatty).toMatchObject({ pings: 0, idled: 0 })
    heartbeat.stop()
    expect(clock.pending).toBe(0)
  })

  it('leaves connections in their handshake to the handshake timeout, and does nothing when off', () => {
    const clock = new FakeClock()
    const handshaking = target(clock, false)
    const heartbeat = new Heartbeat({ pingIntervalMs: 100, idleTimeoutMs: 200 }, clock, () => [handshaking])
    heartbeat.start()
    clock.advance(1_000)
    expect(handshaking).toMatchObject({ pings: 0, idled: 0 })
    heartbeat.stop()
    const off = new Heartbeat({ pingIntervalMs: 0 }, clock, () => [target(clock)])
    off.start()
    expect(clock.pending).toBe(0)
  })
})
