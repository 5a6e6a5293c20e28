import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { ArrivalCalibration } from './arrival-calibration.js'

describe('ArrivalCalibration', () => {
  it('stays at 0 while inputs arrive in the interval they were predicted for', () => {
    const c = new ArrivalCalibration()
    for (let i = 0; i < 40; i++) c.observe(100 + i + 0.5, 100 + i, 101 + i)
    expect(c.biasTicks).toBe(0)
  })

  it('moves one step toward an input that landed a tick late or early', () => {
    const c = new ArrivalCalibration({ stepTicks: 0.1 })
    c.observe(100.5, 101, 102) // predicted before tick 101's step, applied before 102's
    expect(c.biasTicks).toBeCloseTo(0.1, 12)
    c.observe(200.5, 199, 200) // predicted before 201, applied before 200
    c.observe(300.5, 299, 300)
    expect(c.biasTicks).toBeCloseTo(-0.1, 12)
  })

  it('ignores inputs planned with an earlier estimate (those in flight when it moved)', () => {
    const c = new ArrivalCalibration({ stepTicks: 0.1 })
    c.observe(100.5, 101, 102, 0)
    c.observe(101.5, 102, 103, 0) // sent before the first one's acknowledgement: same error, no new information
    expect(c.biasTicks).toBeCloseTo(0.1, 12)
  })

  it('is moved by a single outlier by one step only', () => {
    const c = new ArrivalCalibration({ stepTicks: 0.1 })
    for (let i = 0; i < 20; i++) c.observe(100 + i + 0.5, 100 + i, 101 + i)
    c.observe(200.5, 205, 206) // one input held back by a retransmission
    expect(c.biasTicks).toBeCloseTo(0.1, 12)
  })

  it('stays within its bound', () => {
    const c = new ArrivalCalibration({ stepTicks: 0.5, maxBiasTicks: 1 })
    for (let i = 0; i < 10; i++) c.observe(100.5 + i, 110 + i, 111 + i, c.biasTicks)
    expect(c.biasTicks).toBe(1)
    c.reset()
    expect(c.biasTicks).toBe(0)
  })

  it('learns a constant error of the predicted arrival under jitter: each misplaced input brings it nearer, and they stop', () => {
    fc.assert(
      fc.property(
        fc.double({ min: -1.5, max: 1.5, noNaN: true }),
        fc.array(fc.double({ min: -0.2, max: 0.2, noNaN: true }), { minLength: 100, maxLength: 200 }),
        (truth, jitter) => {
          const step = 0.05
          const c = new ArrivalCalibration({ stepTicks: step })
          let t = 1000
          let misplaced = 0
          for (const j of jitter) {
            // Aimed at the middle of an interval with the current bias; it arrives `truth` later, give or take the jitter.
            const bias = c.biasTicks
            const raw = t + 0.5 - bias
            const tick = Math.floor(raw + truth + j) + 1
            c.observe(raw, tick - 1, tick, bias)
            if (c.biasTicks !== bias) {
              misplaced++
              // Only an estimate more than half a window minus the jitter off can misplace an input, and it moves toward the truth.
              expect(Math.abs(bias - truth)).toBeGreaterThan(0.3 - 1e-9)
              expect(Math.abs(c.biasTicks - truth)).toBeLessThan(Math.abs(bias - truth))
            }
            t += 3
          }
          expect(misplaced).toBeLessThanOrEqual(Math.ceil(Math.max(0, Math.abs(truth) - 0.3) / step) + 1)
        },
      ),
    )
  })
})
