import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { ReconnectPolicy } from './reconnect-policy.js'

const options = { initialDelayMs: 100, maxDelayMs: 1_000, jitter: 0, stableAfterMs: 5_000, breakerThreshold: 3, breakerOpenMs: 60_000 }

describe('ReconnectPolicy', () => {
  it('backs off across a flapping connection and starts over only after a stable uptime', () => {
    const policy = new ReconnectPolicy(options, () => 0)
    let now = 0
    const flap = (): number => {
      policy.connected(now)
      now += 100
      return policy.delay(now, true)
    }
    // The first drop of a connection that was up retries at once; the next ones back off.
    expect([flap(), flap(), flap()]).toEqual([0, 100, 200])
    policy.connected(now)
    now += 5_000
    expect([policy.delay(now, true), flap()]).toEqual([0, 100])
  })

  it('opens the breaker after the threshold of failed connects, lets one try through, and closes on a Welcome', () => {
    const policy = new ReconnectPolicy(options, () => 0)
    expect([policy.delay(0, false), policy.delay(0, false)]).toEqual([100, 200])
    expect(policy.delay(0, false)).toBe(60_000)
    expect(policy.circuit).toBe('open')
    policy.trying()
    expect(policy.circuit).toBe('half-open')
    expect(policy.delay(0, false)).toBe(60_000)
    policy.trying()
    policy.connected(0)
    expect(policy.circuit).toBe('closed')
    expect(policy.consecutiveFailures).toBe(0)
  })

  it('never waits longer than the cap or the open period, whatever happens', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ welcomed: fc.boolean(), uptime: fc.nat(10_000), r: fc.double({ min: 0, max: 0.999, noNaN: true }) })), (steps) => {
        let now = 0
        let r = 0
        const policy = new ReconnectPolicy({ ...options, jitter: 1 }, () => r)
        for (const step of steps) {
          r = step.r
          if (step.welcomed) policy.connected(now)
          now += step.uptime
          const delay = policy.delay(now, step.welcomed)
          expect(delay).toBeGreaterThanOrEqual(0)
          if (policy.circuit === 'open') expect(delay).toBe(60_000)
          else expect(delay).toBeLessThanOrEqual(1_000)
          policy.trying()
        }
      }),
    )
  })
})
