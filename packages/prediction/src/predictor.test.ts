import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { PredictionError } from './errors.js'
import { NetworkSim, T0, TICK_MS } from './test-utils/network-sim.js'
import { createWorld, defineComponent, type Entity } from '@orrery/ecs'
import type { PredictionModel } from './prediction-model.js'
import { Predictor } from './predictor.js'
import { Body } from './test-utils/toy-game.js'

const Pos = defineComponent('Pos', { x: 'f64', vx: 'f64' })

/** A one-axis model whose input sets the velocity; an input of NaN throws after writing (to test rollback). */
const axis: PredictionModel<number> = {
  components: [Pos],
  applyInput(world, vx) {
    world.query([Pos]).forEach((e) => {
      world.set(e, Pos, 'vx', Number.isNaN(vx) ? 999 : vx)
    })
    if (Number.isNaN(vx)) throw new Error('refused')
  },
  step(world) {
    world.query([Pos]).forEach((e) => {
      world.set(e, Pos, 'x', world.read(e, Pos, 'x') + world.read(e, Pos, 'vx'))
    })
  },
  position(world, e: Entity, out) {
    if (!world.has(e, Pos)) return false
    out[0] = world.read(e, Pos, 'x')
    out[1] = 0
    return true
  },
}

function axisReplica(count = 1) {
  const world = createWorld({ components: [Pos], trackChanges: false })
  const entities: Entity[] = []
  for (let i = 0; i < count; i++) {
    const e = world.create()
    world.add(e, Pos, { x: i * 10, vx: 0 })
    entities.push(e)
  }
  return { world, entities }
}

describe('Predictor', () => {
  it('with a positionStep, rounds predictions like the wire before comparing, and keeps a prediction that rounds to the server position', () => {
    const run = (positionStep: number) => {
      const model: PredictionModel<number> = {
        ...axis,
        setPosition: (world, e, x) => world.set(e, Pos, 'x', x),
      }
      const predictor = new Predictor(model, { positionStep })
      const { world, entities } = axisReplica()
      const e = entities[0] as Entity
      predictor.reconcile({ world, entities, tick: 10, serverTime: 500 }, 0)
      predictor.advance(12)
      predictor.input(1, 0.3, 0) // applied before tick 13's step: x = 0.3 at tick 13
      // The server's x at tick 13 is 0.3; the wire carries it rounded to 1/16: 0.3125.
      world.set(e, Pos, 'vx', 0.3)
      world.set(e, Pos, 'x', positionStep > 0 ? Math.round(0.3 / positionStep) * positionStep : 0.3125)
      const report = predictor.reconcile({ world, entities, tick: 13, serverTime: 650, ack: 1 }, 0)
      return { report, x: predictor.world.read(e, Pos, 'x'), threshold: predictor.mispredictionThreshold }
    }
    const rounded = run(1 / 16)
    expect(rounded.report.correction).toBe(0)
    expect(rounded.report.mispredicted).toBe(false)
    expect(rounded.threshold).toBe(1.5 / 16)
    // The replay goes on from the unrounded 0.3 (tick 14: 0.6), not from 0.3125.
    expect(rounded.x).toBeCloseTo(0.6, 12)
    // Without it, the rounding alone is a correction (0.0125, above the default 0.01).
    const exact = run(0)
    expect(exact.report.correction).toBeCloseTo(0.0125, 12)
    expect(exact.report.mispredicted).toBe(true)
    expect(exact.x).toBeCloseTo(0.6125, 12)
  })

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

  it('rewinds and replays deterministically: the same state and inputs give the same predicted world', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: -5, max: 5, noNaN: true }), { maxLength: 10 }), fc.nat(6), (inputs, lead) => {
        const { world, entities } = axisReplica()
        const p = new Predictor(axis)
        p.reconcile({ world, entities, tick: 10, serverTime: 500 }, 0)
        p.advance(10 + lead)
        inputs.forEach((vx, i) => {
          p.input(i + 1, vx, 0)
        })
        const once = p.world.read(entities[0] as Entity, Pos, 'x')
        p.reconcile({ world, entities, tick: 10, serverTime: 500 }, 0)
        expect(p.world.read(entities[0] as Entity, Pos, 'x')).toBe(once)
      }),
    )
  })

  it('moves an input to a later tick when it is sent late, and smooths the change', () => {
    const { world, entities } = axisReplica()
    const e = entities[0] as Entity
    const p = new Predictor(axis, { smoothing: { durationMs: 100, snapDistance: 100 } })
    p.reconcile({ world, entities, tick: 1, serverTime: 0 }, 0)
    p.input(1, 2, 0) // before tick 2
    p.advance(3) // ticks 2, 3, 4
    expect(p.world.read(e, Pos, 'x')).toBe(6)
    const drawn = p.display(0)[0]?.x
    expect(p.retime(1, 3, 0)).toBe(true) // it reaches the server one tick later
    expect(p.world.read(e, Pos, 'x')).toBe(4)
    expect(p.display(0)[0]?.x).toBe(drawn) // no jump: the change is blended away
    expect(drawn).toBe(4) // fraction 0 of the way from tick 3 to tick 4: the state after tick 3
    expect(p.display(100)[0]?.x).toBe(2) // after the smoothing time: tick 3 now moves at 2 from 0
    expect(p.retime(1, 3, 0)).toBe(false)
    expect(p.retime(99, 3, 0)).toBe(false)
  })

  it('skips an input whose effect throws, rolling its writes back, as the server does', () => {
    const { world, entities } = axisReplica()
    const e = entities[0] as Entity
    const p = new Predictor(axis)
    p.reconcile({ world, entities, tick: 1, serverTime: 0 }, 0)
    p.input(1, 2, 0)
    p.advance(3) // ticks 2, 3, 4 (the input applies before tick 2)
    expect(p.world.read(e, Pos, 'x')).toBe(6)
    p.input(2, Number.NaN, 0)
    expect(p.world.read(e, Pos, 'vx')).toBe(2)
    expect(p.world.read(e, Pos, 'x')).toBe(6)
  })

  it('starts afresh after reset: a new session may number its inputs from 1 and its ticks from 0', () => {
    const { world, entities } = axisReplica()
    const p = new Predictor(axis)
    p.reconcile({ world, entities, tick: 50, serverTime: 0, ack: 9 }, 0)
    p.input(10, 1, 0)
    p.reset()
    expect(p.inputs.size).toBe(0)
    p.input(1, 1, 0)
    expect(() => p.reconcile({ world, entities, tick: 2, serverTime: 0, ack: 0 }, 0)).not.toThrow()
    expect(p.acknowledged).toBe(0)
  })

  it('refuses more predicted entities than maxEntities', () => {
    const { world, entities } = axisReplica(3)
    const p = new Predictor(axis, { maxEntities: 2 })
    try {
      p.reconcile({ world, entities, tick: 1, serverTime: 0 }, 0)
      expect.unreachable()
    } catch (err) {
      expect(err).toBeInstanceOf(PredictionError)
      expect((err as PredictionError).code).toBe('ERR_TOO_MANY_ENTITIES')
    }
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
