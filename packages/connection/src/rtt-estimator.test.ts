import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { RttEstimator } from './rtt-estimator.js'

describe('RttEstimator', () => {
  it('follows RFC 6298: first sample sets srtt, later ones smooth with 1/8 and 1/4', () => {
    const rtt = new RttEstimator()
    expect(rtt.srtt).toBeNull()
    rtt.sample(40)
    expect(rtt.srtt).toBe(40)
    expect(rtt.rttvar).toBe(20)
    rtt.sample(80)
    expect(rtt.rttvar).toBe(0.75 * 20 + 0.25 * 40)
    expect(rtt.srtt).toBe(45)
    expect(rtt.samples).toBe(2)
  })

  it('ignores negative and non-finite samples', () => {
    const rtt = new RttEstimator()
    rtt.sample(-1)
    rtt.sample(Number.NaN)
    rtt.sample(Number.POSITIVE_INFINITY)
    expect(rtt.srtt).toBeNull()
    expect(rtt.samples).toBe(0)
  })

  it('always lies between the smallest and largest sample', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0, max: 10_000, noNaN: true }), { minLength: 1, maxLength: 50 }), (samples) => {
        const rtt = new RttEstimator()
        for (const s of samples) rtt.sample(s)
        expect(rtt.srtt).toBeGreaterThanOrEqual(Math.min(...samples) - 1e-9)
        expect(rtt.srtt).toBeLessThanOrEqual(Math.max(...samples) + 1e-9)
      }),
      { numRuns: 100 },
    )
  })

  it('forgets everything on reset', () => {
    const rtt = new RttEstimator()
    rtt.sample(10)
    rtt.reset()
    expect([rtt.srtt, rtt.rttvar, rtt.samples]).toEqual([null, null, 0])
  })
})
