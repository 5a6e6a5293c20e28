import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { PredictionError } from './errors.js'
import { defaultInterpolationDelayMs, SnapshotInterpolator } from './interpolation.js'
import { PredictionMetrics } from './metrics.js'

describe('defaultInterpolationDelayMs', () => {
  it('is two tick intervals: 100 ms at 20 Hz', () => {
    expect(defaultInterpolationDelayMs(20)).toBe(100)
    expect(defaultInterpolationDelayMs(10)).toBe(200)
    expect(() => defaultInterpolationDelayMs(0)).toThrow(PredictionError)
  })
})

describe('SnapshotInterpolator', () => {
  it('interpolates between the two snapshots around the render time', () => {
    const it = new SnapshotInterpolator({ fields: 2 })
    it.push(1, 1000, [0, 100])
    it.push(1, 1050, [10, 100])
    it.push(1, 1100, [10, 50])
    const out = new Float64Array(2)
    expect(it.sample(1, 1025, out)).toBe('interpolated')
    expect([...out]).toEqual([5, 100])
    expect(it.sample(1, 1075, out)).toBe('interpolated')
    expect([...out]).toEqual([10, 75])
    expect(it.sample(1, 900, out)).toBe('held')
    expect([...out]).toEqual([0, 100])
    expect(it.sample(2, 1000, out)).toBe('none')
  })

  it('extrapolates along the last velocity for at most the bound, then holds', () => {
    const it = new SnapshotInterpolator({ fields: 1, maxExtrapolationMs: 50 })
    it.push(1, 0, [0])
    it.push(1, 50, [10])
    const out = new Float64Array(1)
    expect(it.sample(1, 75, out)).toBe('extrapolated')
    expect(out[0]).toBe(15)
    it.sample(1, 500, out)
    expect(out[0]).toBe(20)
  })

  it('never leaves the segment of its two snapshots while interpolating (any times and values)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 1, max: 100 }), fc.double({ min: -1000, max: 1000, noNaN: true })), { minLength: 2, maxLength: 20 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (snaps, at) => {
          const it = new SnapshotInterpolator({ fields: 1, capacity: 32 })
          let t = 0
          const times: number[] = []
          for (const [gap, v] of snaps) {
            t += gap
            times.push(t)
            it.push(9, t, [v])
          }
          const first = times[0] as number
          const render = first + (t - first) * at
          const out = new Float64Array(1)
          expect(it.sample(9, render, out)).toBe('interpolated')
          const k = Math.max(0, times.findIndex((x) => x >= render))
          const hi = snaps[k]?.[1] as number
          const lo = snaps[Math.max(0, k - 1)]?.[1] as number
          expect(out[0]).toBeGreaterThanOrEqual(Math.min(lo, hi) - 1e-9)
          expect(out[0]).toBeLessThanOrEqual(Math.max(lo, hi) + 1e-9)
        },
      ),
    )
  })

  it('keeps the newest `capacity` snapshots, replaces one of the same time and ignores older ones', () => {
    const it = new SnapshotInterpolator({ fields: 1, capacity: 2 })
    it.push(1, 0, [0])
    it.push(1, 10, [1])
    it.push(1, 20, [2])
    it.push(1, 20, [3])
    it.push(1, 5, [100])
    const out = new Float64Array(1)
    it.sample(1, 0, out)
    expect(out[0]).toBe(1)
    it.sample(1, 20, out)
    expect(out[0]).toBe(3)
  })

  it('records buffer depth and extrapolated time', () => {
    const metrics = new PredictionMetrics()
    const it = new SnapshotInterpolator({ fields: 1, metrics, maxExtrapolationMs: 100 })
    const out = new Float64Array(1)
    for (const t of [0, 50, 100, 150]) it.push(1, t, [t])
    it.sample(1, 60, out) // 100 and 150 ahead
    it.sample(1, 190, out) // 40 ms past the newest
    const m = metrics.snapshot(0)
    expect(m.interpolationBufferDepth).toBe(1)
    expect(m.extrapolatedShare).toBe(0.5)
    expect(m.extrapolatedMsP95).toBe(40)
  })
})
