import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { PredictionError } from './errors.js'
import { NetworkSim, T0, TICK_MS } from './test-utils/network-sim.js'
import { Body } from './test-utils/toy-game.js'

describe('Predictor', () => {
  it('applies an input at once, before any acknowledgement', () => {
    const sim = new NetworkSim({ leadTicks: 3 })
    sim.runTo(T0 + 500)
    const e = sim.predictor.world.query([Body]).toArray()[0]
    expect(e).toBeDefined()
    const x0 = sim.predictor.world.read(e as never, Body, 'x')
    sim.send({ kind: 'steer', dirX: 1, dirY: 0 }, 75)
    expect(sim.predictor.world.read(e as never, Body, 'x')).toBeGreaterThan(x0)
  })

  it('converges: once the last input is acknowledged, the predicted state equals the server state (any delays, in order)', () => {
    const input = fc.oneof(
      fc.record({ kind: fc.constant('steer' as const), dirX: fc.double({ min: -2, max: 2, noNaN: true }), dirY: fc.double({ min: -2, max: 2, noNaN: true }) }),
      fc.constant({ kind: 'split' as const }),
    )
    const event = fc.record({ gapMs: fc.integer({ min: 0, max: 120 }), upDelayMs: fc.integer({ min: 0, max: 400 }), input })
    fc.assert(
      fc.property(
        fc.array(event, { minLength: 1, maxLength: 25 }),
        fc.array(fc.integer({ min: 0, max: 400 }), { minLength: 1, maxLength: 30 }),
        fc.integer({ min: 0, max: 8 }),
        (events, downDelays, leadTicks) => {
          const sim = new NetworkSim({ leadTicks, initialMass: 64 })
          let k = 0
          sim.downDelays(() => downDelays[k++ % downDelays.length] as number)
          sim.runTo(T0 + 120)
          for (const ev of events) {
            sim.runTo(sim.now + ev.gapMs)
            sim.send(ev.input, ev.upDelayMs)
          }
          sim.settle()
          expect(sim.predictor.acknowledged).toBe(events.length)
          expect(sim.predictedState()).toEqual(sim.serverStateAt(sim.predictor.tick))
        },
      ),
      { numRuns: 150 },
    )
  })

  it('reports no misprediction when the lead matches the one-way trip and the server agrees', () => {
    // 74 ms one way: the predicted tick time runs 74 / 50 ticks ahead of the server's.
    const sim = new NetworkSim({ leadTicks: 74 / TICK_MS })
    sim.downDelays(() => 75)
    sim.runTo(T0 + 200)
    for (let i = 0; i < 20; i++) {
      sim.send({ kind: 'steer', dirX: Math.cos(i), dirY: Math.sin(i) }, 74)
      sim.runTo(sim.now + TICK_MS)
    }
    sim.settle()
    const m = sim.predictor.metrics.snapshot(sim.now)
    expect(m.acknowledgedInputs).toBe(20)
    expect(m.mispredictedInputs).toBe(0)
    expect(m.correctionP95).toBe(0)
    expect(m.inputToAckMsP50).toBeGreaterThanOrEqual(150)
  })

  it('refuses a state older than the last one', () => {
    const sim = new NetworkSim({ leadTicks: 2 })
    sim.runTo(T0 + 200)
    const state = { world: sim.replica, entities: [], tick: 1, serverTime: T0 }
    expect(() => sim.predictor.reconcile(state, sim.now)).toThrow(PredictionError)
    try {
      sim.predictor.reconcile(state, sim.now)
    } catch (err) {
      expect((err as PredictionError).code).toBe('ERR_OUT_OF_ORDER')
    }
  })
})
