import type { Entity } from '@orrery/ecs'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { RoundedPositions } from './rounded-position.js'

const STEP = 1 / 16
const E = 7 as Entity

function round(x: number): number {
  return Math.round(x / STEP) * STEP
}

describe('RoundedPositions', () => {
  it('takes a prediction the rounded position allows as it is, and moves one it does not allow the least distance', () => {
    const p = new RoundedPositions(STEP)
    const out = new Float64Array(2)
    p.begin()
    expect(p.observe(E, 10, 0, 10.01, 0, true, 0, 0, false, out)).toBe(true)
    expect([out[0], out[1], p.correction]).toEqual([10.01, 0, 0])
    p.begin()
    p.observe(E, 11, 0, 10.9, 0, true, 10.01, 0, true, out) // 10.9 rounds to 10.875: moved to 11 − 1/32
    expect(out[0]).toBeCloseTo(11 - STEP / 2, 12)
    expect(p.correction).toBeCloseTo(11 - STEP / 2 - 10.9, 12)
  })

  it('without a prediction, estimates the rounded position itself and measures nothing', () => {
    const p = new RoundedPositions(STEP)
    const out = new Float64Array(2)
    p.begin()
    expect(p.observe(E, 3.5, 4, 0, 0, false, 0, 0, false, out)).toBe(false)
    expect([out[0], out[1], p.correction]).toEqual([3.5, 4, 0])
  })

  it('always holds the true position while the prediction moves like the server, and narrows well below the step', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 1000, noNaN: true }),
        fc.double({ min: -0.03, max: 0.03, noNaN: true }),
        fc.array(fc.double({ min: -10, max: 10, noNaN: true }), { minLength: 30, maxLength: 60 }),
        (x0, startError, moves) => {
          const p = new RoundedPositions(STEP)
          const out = new Float64Array(2)
          let truth = x0
          // The client starts from a position off by up to half a step, then replays the server's moves.
          let estimate = truth + startError
          let last = Number.POSITIVE_INFINITY
          for (let i = 0; i < moves.length; i++) {
            // A moving circle: its position falls at ever other places between the rounding points.
            const v = (moves[i] as number) + ((i * 0.6180339887) % 1) * STEP
            const predicted = estimate + v
            truth += v
            p.begin()
            p.observe(E, round(truth), 0, predicted, 0, true, estimate, 0, i > 0, out)
            estimate = out[0] as number
            // Sound: the estimate is never farther from the truth than the prediction was, and within a step of it.
            expect(Math.abs(estimate - truth)).toBeLessThanOrEqual(Math.abs(predicted - truth) + 1e-9)
            expect(Math.abs(estimate - truth)).toBeLessThanOrEqual(STEP / 2 + 1e-3)
            last = p.correction
          }
          // Thirty rounded positions of a moving circle pin its true position well below the step.
          expect(Math.abs(estimate - truth)).toBeLessThan(STEP / 4)
          expect(last).toBeLessThan(0.01)
        },
      ),
    )
  })

  it('with a server tolerance of k steps, allows predictions within k + ½ steps of the received position', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 3 }), fc.double({ min: -1, max: 1, noNaN: true }), (k, f) => {
        const p = new RoundedPositions(STEP, k)
        const out = new Float64Array(2)
        const offset = f * (k + 0.5) * STEP
        p.begin()
        p.observe(E, 100, 0, 100 + offset, 0, true, 0, 0, false, out)
        expect(p.correction).toBe(0)
        expect(out[0]).toBe(100 + offset)
      }),
    )
  })

  it('starts again from the rounded cell when the server moved otherwise than predicted', () => {
    const p = new RoundedPositions(STEP)
    const out = new Float64Array(2)
    p.begin()
    p.observe(E, 10, 0, 10, 0, true, 0, 0, false, out)
    p.begin()
    // Predicted to move +5, the server moved +3 (another input): the carried interval misses the cell.
    p.observe(E, 13, 0, 15, 0, true, 10, 0, true, out)
    expect(out[0]).toBeCloseTo(13 + STEP / 2, 12)
    expect(p.correction).toBeCloseTo(2 - STEP / 2, 12)
  })

  it('forgets an entity it did not see in the previous round', () => {
    const p = new RoundedPositions(STEP)
    const out = new Float64Array(2)
    p.begin()
    p.observe(E, 10, 0, 10.02, 0, true, 0, 0, false, out)
    p.begin()
    p.begin()
    // Not carried: the cell alone holds 10.52 + 0.5 = 11.02 (rounds to 11), so nothing moves it.
    p.observe(E, 11, 0, 11.02, 0, true, 10.02, 0, true, out)
    expect(out[0]).toBe(11.02)
    p.clear()
  })
})
