import { base64url } from 'jose'
import { describe, expect, it } from 'vitest'
import { TokenRefresher } from './token-refresher.js'

const jwt = (exp: number | undefined) => `${base64url.encode('{"alg":"Ed25519"}')}.${base64url.encode(JSON.stringify({ exp }))}.c2ln`

function harness(nowMs: number, marginMs = 60_000) {
  const timers: { fn: () => void; ms: number }[] = []
  let refreshed = 0
  const refresher = new TokenRefresher({
    marginMs,
    now: () => nowMs,
    refresh: async () => {
      refreshed++
    },
    onError: () => undefined,
    setTimeout: (fn, ms) => timers.push({ fn, ms }),
    clearTimeout: () => timers.splice(0),
  })
  return { refresher, timers, refreshed: () => refreshed }
}

describe('TokenRefresher', () => {
  it('refreshes marginMs before exp', async () => {
    const h = harness(1_000_000)
    expect(h.refresher.schedule(jwt(1_000 + 3600))).toBe(3_600_000 - 60_000)
    h.timers[0]?.fn()
    await Promise.resolve()
    expect(h.refreshed()).toBe(1)
  })

  it('never refreshes before half the remaining life (a margin longer than the lifetime)', () => {
    const h = harness(1_000_000, 10 * 60_000)
    expect(h.refresher.schedule(jwt(1_000 + 60))).toBe(30_000)
  })

  it('schedules nothing for an expired token, a token without exp, or no token', () => {
    const h = harness(1_000_000)
    expect(h.refresher.schedule(jwt(999))).toBeNull()
    expect(h.refresher.schedule(jwt(undefined))).toBeNull()
    expect(h.refresher.schedule('not-a-jwt')).toBeNull()
    expect(h.refresher.schedule(null)).toBeNull()
    expect(h.timers).toHaveLength(0)
  })

  it('re-arming replaces the pending refresh', () => {
    const h = harness(1_000_000)
    h.refresher.schedule(jwt(1_000 + 3600))
    h.refresher.schedule(jwt(1_000 + 7200))
    expect(h.timers.map((t) => t.ms)).toEqual([7_200_000 - 60_000])
  })
})
