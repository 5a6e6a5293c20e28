import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { DurationBuckets, REDUCER_BOUNDS_MS } from './duration-buckets.js'

describe('DurationBuckets', () => {
  it('puts a duration in the first bucket whose bound holds it, and only +Inf holds the larger ones', () => {
    const buckets = new DurationBuckets([1, 5, 10])
    for (const ms of [0, 1, 1.01, 5, 7, 11]) buckets.record(ms)
    expect(buckets.cumulative()).toEqual([2, 4, 5])
    expect(buckets.count).toBe(6)
    expect(buckets.sumMs).toBeCloseTo(25.01)
  })

  it('keeps Prometheus bucket invariants: cumulative counts never fall, none exceeds the count, each is the number of durations ≤ its bound', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0, max: 1000, noNaN: true }), { maxLength: 200 }), (durations) => {
        const buckets = new DurationBuckets(REDUCER_BOUNDS_MS)
        for (const ms of durations) buckets.record(ms)
        const cumulative = buckets.cumulative()
        REDUCER_BOUNDS_MS.forEach((bound, i) => {
          expect(cumulative[i]).toBe(durations.filter((ms) => ms <= bound).length)
        })
        for (let i = 1; i < cumulative.length; i++) expect(cumulative[i]).toBeGreaterThanOrEqual(cumulative[i - 1] ?? 0)
        expect(buckets.count).toBe(durations.length)
      }),
    )
  })
})
