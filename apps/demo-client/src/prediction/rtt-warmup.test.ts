import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { RttWarmup } from './rtt-warmup.js'

describe('RttWarmup', () => {
  it('waits the least time, then for the estimate to hold still for a window', () => {
    const w = new RttWarmup({ minMs: 2000, windowMs: 1000, toleranceMs: 4 })
    expect(w.ready(undefined, 0)).toBe(false)
    // Inflated at first, decaying toward 150 as a smoothed mean does.
    let rtt = 190
    let now = 0
    let readyAt = Number.NaN
    for (; now <= 10_000; now += 16) {
      if (now % 250 === 0) rtt = 150 + (rtt - 150) * 0.875
      if (w.ready(rtt, now) && Number.isNaN(readyAt)) readyAt = now
    }
    expect(readyAt).toBeGreaterThanOrEqual(2000)
    // Ready once a second's decay is within 4 ms: within 10 ms of the truth here.
    expect(readyAt).toBeLessThan(6000)
    expect(w.ready(150, now)).toBe(true)
  })

  it('is ready after the least time when the estimate is steady from the start, and stays ready', () => {
    fc.assert(
      fc.property(fc.double({ min: 20, max: 400, noNaN: true }), (rtt) => {
        const w = new RttWarmup({ maxMs: 6000 })
        let readyAt = Number.NaN
        for (let now = 0; now <= 3000; now += 16) if (w.ready(rtt, now) && Number.isNaN(readyAt)) readyAt = now
        expect(readyAt).toBeGreaterThanOrEqual(2000)
        expect(readyAt).toBeLessThan(2100)
        expect(w.ready(rtt + 100, 3100)).toBe(true)
      }),
    )
  })

  it('gives up waiting for a still estimate after the longest time', () => {
    const w = new RttWarmup({ minMs: 1000, maxMs: 3000 })
    let ready = false
    for (let now = 0; now < 3000; now += 16) ready = w.ready(now % 500 < 250 ? 150 : 170, now)
    expect(ready).toBe(false)
    expect(w.ready(150, 3000)).toBe(true)
  })

  it('starts again when the estimate is lost (a new connection)', () => {
    const w = new RttWarmup({ minMs: 100, windowMs: 100 })
    for (let now = 0; now <= 400; now += 16) w.ready(150, now)
    expect(w.ready(150, 420)).toBe(true)
    expect(w.ready(Number.NaN, 430)).toBe(false)
    expect(w.ready(150, 440)).toBe(false)
  })
})
