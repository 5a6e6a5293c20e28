import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { backoffDelay, DEFAULT_RECONNECT } from './backoff.js'

describe('backoffDelay', () => {
  it('grows exponentially up to the cap', () => {
    const top = () => 1 - Number.EPSILON
    const delays = [0, 1, 2, 3, 4, 5, 6].map((attempt) => backoffDelay(attempt, { initialDelayMs: 100, maxDelayMs: 1000, jitter: 0 }, top))
    expect(delays).toEqual([100, 200, 400, 800, 1000, 1000, 1000])
  })

  it('stays within [cap·(1−jitter), cap] for every attempt, option set and random value', () => {
    fc.assert(
      fc.property(
        fc.nat({ max: 5000 }),
        fc.double({ min: 1, max: 1000, noNaN: true }),
        fc.double({ min: 1000, max: 60_000, noNaN: true }),
        fc.double({ min: 1, max: 4, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (attempt, initialDelayMs, maxDelayMs, multiplier, jitter, r) => {
          const delay = backoffDelay(attempt, { initialDelayMs, maxDelayMs, multiplier, jitter }, () => r)
          const cap = Math.min(maxDelayMs, initialDelayMs * multiplier ** Math.min(attempt, 1024))
          expect(Number.isFinite(delay)).toBe(true)
          expect(delay).toBeGreaterThanOrEqual(cap * (1 - jitter) - 1e-9)
          expect(delay).toBeLessThanOrEqual(cap + 1e-9)
        },
      ),
      { numRuns: 200 },
    )
  })

  it('is full jitter at jitter 1 and uses the documented defaults', () => {
    expect(backoffDelay(3, { initialDelayMs: 100, jitter: 1 }, () => 0.5)).toBe(400)
    expect(backoffDelay(0, { initialDelayMs: 100, jitter: 1 }, () => 0)).toBe(0)
    expect(DEFAULT_RECONNECT).toEqual({
      initialDelayMs: 250,
      maxDelayMs: 10_000,
      multiplier: 2,
      jitter: 1,
      maxAttempts: Number.POSITIVE_INFINITY,
      stableAfterMs: 10_000,
      breakerThreshold: 8,
      breakerOpenMs: 30_000,
    })
    // Full jitter by default: anywhere in [0, cap].
    expect(backoffDelay(0, undefined, () => 0)).toBe(0)
    expect(backoffDelay(0, undefined, () => 0.5)).toBe(125)
    expect(backoffDelay(100, undefined, () => 0.5)).toBe(5_000)
  })
})
