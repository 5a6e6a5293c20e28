import { RttEstimator } from '@orrery/connection'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { RttSamples } from './rtt-samples.js'

/** The connection's own smoothing, sample by sample. */
function smooth(samples: readonly number[]): number[] {
  const estimator = new RttEstimator()
  return samples.map((r) => estimator.sample(r) as number)
}

describe('RttSamples', () => {
  it('recovers every Pong sample from the smoothed estimate, and answers their median', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 2000 }), { minLength: 5, maxLength: 40 }), (raw) => {
        const samples = new RttSamples({ window: 64, minSamples: 5 })
        const smoothed = smooth(raw)
        // Read more often than it changes, as a frame loop does.
        for (const s of smoothed) {
          samples.observe(s)
          samples.observe(s)
        }
        const distinct = raw.filter((_r, i) => i === 0 || smoothed[i] !== smoothed[i - 1])
        const sorted = distinct.slice().sort((a, b) => a - b)
        expect(samples.count).toBe(distinct.length)
        if (distinct.length >= 5) expect(samples.medianMs).toBeCloseTo(sorted[(sorted.length - 1) >> 1] as number, 6)
      }),
    )
  })

  it('is not pulled by a few late Pongs, where the smoothed mean is', () => {
    const samples = new RttSamples()
    const raw = [150, 152, 149, 151, 150, 230, 151, 148, 260, 150, 152, 149]
    const smoothed = smooth(raw)
    for (const s of smoothed) samples.observe(s)
    expect(samples.medianMs).toBeCloseTo(150, 6)
    expect(smoothed[smoothed.length - 1]).toBeGreaterThan(160)
  })

  it('answers 0 until it has enough samples, and starts a new chain after the estimate is lost', () => {
    const samples = new RttSamples({ minSamples: 3 })
    samples.observe(null)
    samples.observe(100)
    samples.observe(100 * 0.875 + 120 * 0.125)
    expect(samples.medianMs).toBe(0)
    samples.observe(null)
    samples.observe(140) // a new connection's first sample, not a change of the old estimate
    expect(samples.medianMs).toBeCloseTo(120, 6)
  })
})
