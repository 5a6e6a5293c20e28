import { describe, expect, it } from 'vitest'
import { DurationStats } from './duration-stats.js'

describe('DurationStats', () => {
  it('is all zeros when empty', () => {
    expect(new DurationStats(8).summary()).toEqual({ count: 0, p50: 0, p99: 0, max: 0, mean: 0 })
  })

  it('computes nearest-rank percentiles', () => {
    const s = new DurationStats(1000)
    for (let i = 1; i <= 100; i++) s.record(i)
    const r = s.summary()
    expect(r.count).toBe(100)
    expect(r.p50).toBe(50)
    expect(r.p99).toBe(99)
    expect(r.max).toBe(100)
    expect(r.mean).toBeCloseTo(50.5)
  })

  it('keeps only the most recent samples', () => {
    const s = new DurationStats(4)
    for (const v of [100, 100, 1, 2, 3, 4]) s.record(v)
    expect(s.summary().max).toBe(4)
    expect(s.summary().count).toBe(4)
  })
})
