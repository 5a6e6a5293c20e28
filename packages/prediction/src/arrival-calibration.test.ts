import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { ArrivalCalibration } from './arrival-calibration.js'

describe('ArrivalCalibration', () => {
  it('stays at 0 while inputs arrive in the interval they were predicted for', () => {
    const c = new ArrivalCalibration()
    for (let i = 0; i < 40; i++) c.observe(100 + i + 0.35, 100 + i, 101 + i)
    expect(c.biasTicks).toBe(0)
  })

  it('learns a constant error of the predicted arrival from the ticks inputs were applied at', () => {
    fc.assert(
      fc.property(fc.double({ min: -3, max: 3, noNaN: true }), fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 20, maxLength: 40 }), (truth, phases) => {
        const c = new ArrivalCalibration()
        let t = 1000
        for (const phase of phases) {
          // Planned with the current bias so that the input lands at `phase` of an interval.
          const raw = t + phase - c.biasTicks
          const arrival = raw + truth
          const tick = Math.floor(arrival) + 1
          c.observe(raw, tick - 1, tick)
          t += 3
        }
        // Every interval holds the truth, so the estimate lies where they all overlap: within a tick of it
        // (a whole tick when the truth and every phase sit on interval edges).
        expect(Math.abs(c.biasTicks - truth)).toBeLessThanOrEqual(1)
      }),
    )
  })

  it('waits for enough inputs, then moves only when most of them disagree', () => {
    const c = new ArrivalCalibration({ window: 8, minObservations: 4 })
    for (let i = 0; i < 3; i++) c.observe(100 + i + 0.35, 101 + i, 102 + i) // a tick late
    expect(c.biasTicks).toBe(0)
    c.observe(103.35, 104, 105)
    expect(c.biasTicks).toBeCloseTo(0.65, 5)
  })

  it('is not moved by a single outlier', () => {
    const c = new ArrivalCalibration()
    for (let i = 0; i < 20; i++) c.observe(100 + i + 0.35, 100 + i, 101 + i)
    c.observe(200.35, 200, 206) // one input held back by a retransmission
    expect(c.biasTicks).toBe(0)
  })
})
