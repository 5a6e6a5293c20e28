import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { PredictionError } from './errors.js'
import { ErrorSmoother } from './smoothing.js'
import { NetworkSim, T0, TICK_MS } from './test-utils/network-sim.js'
import { Body } from './test-utils/toy-game.js'

describe('ErrorSmoother', () => {
  it('decays an offset linearly to exactly zero over the configured time', () => {
    fc.assert(
      fc.property(
        fc.double({ min: -50, max: 50, noNaN: true }),
        fc.double({ min: -50, max: 50, noNaN: true }),
        fc.integer({ min: 1, max: 1000 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (dx, dy, durationMs, at) => {
          const s = new ErrorSmoother({ durationMs, snapDistance: 1000 })
          const out = new Float64Array(2)
          s.correct(1, dx, dy, 0)
          s.offset(1, at * durationMs, out)
          expect(out[0]).toBeCloseTo(dx * (1 - at), 9)
          expect(out[1]).toBeCloseTo(dy * (1 - at), 9)
          s.offset(1, durationMs, out)
          expect([out[0], out[1]]).toEqual([0, 0])
        },
      ),
    )
  })

  it('adds a new correction to what is left of the previous one and restarts the decay', () => {
    const s = new ErrorSmoother({ durationMs: 100, snapDistance: 1000 })
    const out = new Float64Array(2)
    s.correct(1, 10, 0, 0)
    s.correct(1, 4, 0, 50) // 5 left + 4
    s.offset(1, 50, out)
    expect(out[0]).toBe(9)
    s.offset(1, 100, out)
    expect(out[0]).toBe(4.5)
  })

  it('snaps beyond the snap distance', () => {
    const s = new ErrorSmoother({ durationMs: 100, snapDistance: 5 })
    const out = new Float64Array(2)
    expect(s.correct(1, 3, 4.01, 0)).toBe(true)
    s.offset(1, 0, out)
    expect([out[0], out[1]]).toEqual([0, 0])
    expect(s.correct(2, 3, 4, 0)).toBe(false)
    expect(s.active).toBe(1)
  })

  it('refuses a negative duration', () => {
    expect(() => new ErrorSmoother({ durationMs: -1 })).toThrow(PredictionError)
  })
})

describe('forced divergence (the server rejects an input)', () => {
  it('blends the correction away over the configured time, then draws the server state exactly', () => {
    const durationMs = 200
    const sim = new NetworkSim({
      leadTicks: 75 / TICK_MS,
      predictor: { smoothing: { durationMs, snapDistance: 500 } },
      serverRule: (input) => (input.kind === 'steer' ? 'reject' : input),
    })
    sim.downDelays(() => 75)
    sim.runTo(T0 + 500)
    const e = sim.predictor.world.query([Body]).toArray()[0]
    if (e === undefined) throw new Error('no predicted entity')
    const serverX = sim.server.read(e, Body, 'x')
    const seq = sim.send({ kind: 'steer', dirX: 1, dirY: 0 }, 75)
    const drawn: number[] = []
    let ackAt = -1
    for (let i = 0; i < 400; i++) {
      sim.runTo(sim.now + 2, 2)
      const body = sim.predictor.display(sim.now)[0]
      drawn.push(body?.x ?? Number.NaN)
      if (ackAt < 0 && (sim.predictor.acknowledged ?? 0) >= seq) ackAt = i
    }
    expect(ackAt).toBeGreaterThan(0)
    const report = sim.predictor.metrics.snapshot(sim.now)
    expect(report.mispredictedInputs).toBe(1)
    // Before the acknowledgement the prediction moved right.
    const peak = drawn[ackAt - 1] as number
    expect(peak).toBeGreaterThan(serverX + 10)
    // No jump at the correction: the drawn x moves less than one frame of travel.
    expect(Math.abs((drawn[ackAt] as number) - peak)).toBeLessThan(1)
    // The offset decays linearly: half way at half the time, and it shrinks every frame.
    const half = drawn[ackAt + durationMs / 4] as number // 2 ms frames
    expect(half - serverX).toBeCloseTo((peak - serverX) / 2, 0)
    for (let i = ackAt + 1; i < ackAt + durationMs / 2; i++) {
      expect((drawn[i] as number) - serverX).toBeLessThan((drawn[i - 1] as number) - serverX)
    }
    // Then exact, and it stays there.
    for (let i = ackAt + durationMs / 2; i < drawn.length; i++) expect(drawn[i]).toBe(serverX)
  })
})
