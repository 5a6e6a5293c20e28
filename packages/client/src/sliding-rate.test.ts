import { describe, expect, it } from 'vitest'
import { SlidingRate } from './sliding-rate.js'

describe('SlidingRate', () => {
  it('is 0 until two samples span time', () => {
    const rate = new SlidingRate(1000)
    expect(rate.sample(0, 0)).toBe(0)
    expect(rate.sample(0, 500)).toBe(0)
  })

  it('measures units per second over the window', () => {
    const rate = new SlidingRate(1000)
    rate.sample(0, 0)
    expect(rate.sample(500, 1000)).toBe(2000)
    expect(rate.sample(1000, 2000)).toBe(2000)
  })

  it('forgets traffic older than the window', () => {
    const rate = new SlidingRate(1000)
    rate.sample(0, 0)
    rate.sample(100, 10_000) // a burst long ago
    rate.sample(1200, 10_000)
    rate.sample(2200, 10_100)
    expect(rate.sample(2300, 10_100)).toBeCloseTo((100 * 1000) / 1100)
  })
})
