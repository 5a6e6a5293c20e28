import { createWorld, type Entity, type World } from '@orrery/ecs'
import {
  Body,
  Circle,
  DIRECTION_STEP,
  liveComponents,
  MOVE_INTERVAL_MS,
  moveCircles,
  Player,
  POSITION_STEP,
  splitCircles,
  steerCircles,
} from '@orrery/demo-shared'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { OwnCirclePrediction } from './own-prediction.js'
import type { PredictedCall, PredictionLink, UpdateInfo } from './prediction-link.js'

const T0 = 1_700_000_000_000
const ONE_WAY_MS = 75

interface Pending<T> {
  readonly at: number
  readonly what: T
}

/** A value as the wire carries a field quantized at `step`. */
function rounded(value: number, step: number): number {
  return Math.round(value / step) * step
}

/**
 * A Blackholio server running the shared rules (steering, splitting, the movement step; no food, so no
 * collisions) and a link to it with a fixed one-way delay, on a fake clock, speaking protocol 2.0: each
 * update carries the requestId of the latest call it includes (or none), the results of those calls
 * follow it, and the replica holds positions rounded to 1/16 and directions and speeds to 1/256.
 */
class Harness implements PredictionLink {
  readonly server: World = createWorld({ components: liveComponents, trackChanges: false })
  readonly world: World = createWorld({ components: liveComponents, trackChanges: false })
  now = 0
  tick = 0
  private nextId = 1
  private lastApplied: number | undefined = undefined
  /** Results of the calls applied since the last update: they follow it. */
  private answers: (() => void)[] = []
  private readonly up: Pending<{ id: number; call: PredictedCall; answer: () => void }>[] = []
  private readonly down: Pending<{ info: UpdateInfo; rows: [Entity, unknown, unknown][]; answers: (() => void)[] }>[] = []
  private listener: ((u: UpdateInfo) => void) | null = null
  private readonly timers: Pending<() => void>[] = []
  private readonly playerId: Entity

  constructor(
    mass: number,
    /** The round trip the connection's Ping reports, ms (0: no Pong yet). */
    readonly reportedRttMs = 2 * ONE_WAY_MS,
  ) {
    const p = this.server.create()
    this.server.add(p, Player, { identity: 'me', name: 'me' })
    const c = this.server.create()
    this.server.add(c, Body, { x: 500, y: 500, mass })
    this.server.add(c, Circle, { playerId: p, dirX: 0, dirY: 1, speed: 0, lastSplitAt: 0 })
    this.playerId = p
  }

  player(): Entity | undefined {
    return this.world.isAlive(this.playerId) ? this.playerId : undefined
  }

  ownEntities(out: Entity[]): Entity[] {
    out.length = 0
    if (!this.world.isAlive(this.playerId)) return out
    out.push(this.playerId, ...this.world.findAll(Circle, 'playerId', this.playerId))
    return out
  }

  call(call: PredictedCall): { seq: number; result: Promise<unknown> } {
    const id = this.nextId++
    let answer = (): void => undefined
    const result = new Promise<unknown>((resolve) => {
      answer = () => resolve(null)
    })
    this.up.push({ at: this.now + ONE_WAY_MS, what: { id, call, answer } })
    return { seq: id, result }
  }

  onUpdate(fn: (u: UpdateInfo) => void): () => void {
    this.listener = fn
    return () => {
      this.listener = null
    }
  }

  private session: (() => void) | null = null

  onSession(fn: () => void): () => void {
    this.session = fn
    return () => {
      this.session = null
    }
  }

  /** A reconnect: a new session whose call numbers start again at 1. */
  reconnect(): void {
    this.nextId = 1
    this.lastApplied = undefined
    this.answers = []
    this.up.length = 0
    this.session?.()
  }

  rttMs(): number {
    return this.reportedRttMs
  }

  connected(): boolean {
    return true
  }

  /** Runs `fn` after `delayMs` on the fake clock. */
  later(fn: () => void, delayMs: number): void {
    this.timers.push({ at: this.now + Math.max(1, Math.ceil(delayMs)), what: fn })
    this.timers.sort((a, b) => a.at - b.at)
  }

  /** Runs the fake clock to `until` ms in 1 ms steps: timers, call arrivals, server ticks every 50 ms, update arrivals. */
  runTo(until: number): void {
    while (this.now < until) {
      this.now++
      while (this.timers.length > 0 && (this.timers[0] as Pending<unknown>).at <= this.now) {
        ;(this.timers.shift() as Pending<() => void>).what()
      }
      while (this.up.length > 0 && (this.up[0] as Pending<unknown>).at <= this.now) {
        const { id, call, answer } = (this.up.shift() as Pending<{ id: number; call: PredictedCall; answer: () => void }>)
          .what
        this.answers.push(answer)
        const time = T0 + (this.tick + 1) * MOVE_INTERVAL_MS
        if (call.reducer === 'updatePlayerInput') steerCircles(this.server, this.playerId, call.dirX, call.dirY)
        else splitCircles(this.server, this.playerId, time)
        this.lastApplied = id
      }
      if (this.now % MOVE_INTERVAL_MS === 0) {
        this.tick++
        moveCircles(this.server, T0 + this.tick * MOVE_INTERVAL_MS)
        const rows: [Entity, unknown, unknown][] = []
        for (const e of this.server.entities()) rows.push([e, wireBody(this.server.get(e, Body)), wireCircle(this.server.get(e, Circle)) ?? this.server.get(e, Player)])
        const info = { tick: this.tick, serverTime: T0 + this.tick * MOVE_INTERVAL_MS, ack: this.lastApplied }
        this.lastApplied = undefined
        this.down.push({ at: this.now + ONE_WAY_MS, what: { info, rows, answers: this.answers } })
        this.answers = []
      }
      while (this.down.length > 0 && (this.down[0] as Pending<unknown>).at <= this.now) {
        const { info, rows, answers } = (this.down.shift() as Pending<{ info: UpdateInfo; rows: [Entity, unknown, unknown][]; answers: (() => void)[] }>).what
        for (const e of [...this.world.entities()]) this.world.destroy(e)
        for (const [e, body, other] of rows) {
          this.world.createWithId(e)
          if (body !== undefined) {
            this.world.add(e, Body, body as { x: number; y: number; mass: number })
            this.world.add(e, Circle, other as never)
          } else {
            this.world.add(e, Player, other as never)
          }
        }
        this.listener?.(info)
        for (const answer of answers) answer()
      }
    }
  }

  serverCircles(): string[] {
    return this.server.query([Body, Circle]).toArray().map((e) => circleRow(this.server, e)).sort()
  }
}

/** A Body row as the replica holds it. */
function wireBody(b: { x: number; y: number; mass: number } | undefined): { x: number; y: number; mass: number } | undefined {
  return b === undefined ? undefined : { x: rounded(b.x, POSITION_STEP), y: rounded(b.y, POSITION_STEP), mass: b.mass }
}

/** A Circle row as the replica holds it. */
function wireCircle<C extends { dirX: number; dirY: number; speed: number }>(c: C | undefined): C | undefined {
  return c === undefined
    ? undefined
    : { ...c, dirX: rounded(c.dirX, DIRECTION_STEP), dirY: rounded(c.dirY, DIRECTION_STEP), speed: rounded(c.speed, DIRECTION_STEP) }
}

function circleValues(world: World, e: Entity): [number, number, number, number] {
  return [e, world.read(e, Body, 'x'), world.read(e, Body, 'y'), world.read(e, Body, 'mass')]
}

function circleRow(world: World, e: Entity): string {
  return `${e} ${world.read(e, Body, 'x')} ${world.read(e, Body, 'y')} ${world.read(e, Body, 'mass')}`
}

async function setup(mass: number, reportedRttMs?: number, calibrateArrival = false) {
  const h = new Harness(mass, reportedRttMs)
  const prediction = new OwnCirclePrediction(h, {
    calibrateArrival,
    warmup: { minMs: 0, windowMs: 0 },
    now: () => h.now,
    schedule: (fn, delayMs) => h.later(fn, delayMs),
    smoothing: { durationMs: 100, snapDistance: 100 },
  })
  h.runTo(300)
  for (let i = 0; i < 5; i++) prediction.steer(0, 0)
  for (let t = 0; t < 300; t++) {
    h.runTo(h.now + 1)
    await flushPromises()
  }
  return { h, prediction }
}

async function flushPromises(): Promise<void> {
  for (let i = 0; i < 5; i++) await Promise.resolve()
}

describe('OwnCirclePrediction (the demo rules at 150 ms RTT)', () => {
  it('moves the own circle in the first frame after an input, 150 ms before the server answers', async () => {
    const { h, prediction } = await setup(15)
    expect(prediction.active).toBe(true)
    const before = prediction.frame()[0]
    const x0 = before?.x ?? Number.NaN
    prediction.steer(1, 0)
    h.runTo(h.now + 16)
    const after = prediction.frame()[0]
    expect((after?.x ?? Number.NaN) - x0).toBeGreaterThan(0)
  })

  it('splits at once, then draws exactly the circles the server has, each continuing from where it was drawn', async () => {
    const { h, prediction } = await setup(120)
    prediction.steer(1, 0)
    h.runTo(h.now + 200)
    prediction.split()
    const first = prediction.frame().map((b) => ({ ...b }))
    expect(first.length).toBe(2)
    let previous = first
    for (let t = 0; t < 400; t += 2) {
      h.runTo(h.now + 2)
      const drawn = prediction.frame().map((b) => ({ ...b }))
      expect(drawn.filter((b) => b.opacity === 1).length).toBe(2)
      for (const b of drawn) {
        const nearest = Math.min(...previous.map((p) => Math.hypot(p.x - b.x, p.y - b.y)))
        expect(nearest).toBeLessThan(1) // ≤ 20 world units per 50 ms tick → 0.8 per 2 ms frame
      }
      previous = drawn
    }
    expect(previous.every((b) => b.key > 0)).toBe(true)
    expect(h.serverCircles().length).toBe(2)
  })

  it('converges to the server state once every input is acknowledged (random steering and splits)', async () => {
    const action = fc.oneof(
      fc.record({ dirX: fc.double({ min: -2, max: 2, noNaN: true }), dirY: fc.double({ min: -2, max: 2, noNaN: true }), gap: fc.integer({ min: 0, max: 120 }) }),
      fc.record({ split: fc.constant(true), gap: fc.integer({ min: 0, max: 120 }) }),
    )
    await fc.assert(
      fc.asyncProperty(fc.array(action, { minLength: 1, maxLength: 12 }), async (actions) => {
        const { h, prediction } = await setup(240)
        for (const a of actions) {
          if ('split' in a) prediction.split()
          else prediction.steer(a.dirX, a.dirY)
          h.runTo(h.now + a.gap)
          prediction.frame()
        }
        h.runTo(h.now + 400)
        prediction.frame()
        const predicted = prediction.predictor.world.query([Body, Circle]).toArray()
        const tick = prediction.predictor.tick
        while (h.tick < tick) {
          h.tick++
          moveCircles(h.server, T0 + h.tick * MOVE_INTERVAL_MS)
        }
        expect(h.tick).toBe(tick)
        // The same circles at the server's positions exactly: circles move on the wire's 1/16 grid
        // (snapPosition), so the replay starts where the server was and, split circles pushing each other
        // apart included, takes the same steps.
        const mine = predicted.map((e) => circleValues(prediction.predictor.world, e)).sort((a, b) => a[0] - b[0])
        const theirs = h.server.query([Body, Circle]).toArray().map((e) => circleValues(h.server, e)).sort((a, b) => a[0] - b[0])
        expect(mine).toEqual(theirs)
      }),
      { numRuns: Number(process.env.PREDICTION_RUNS ?? 40) },
    )
  })

  it('predicts every input at the tick the server applies it, so nothing is corrected', async () => {
    const { h, prediction } = await setup(15)
    const before = prediction.stats()
    for (let i = 0; i < 40; i++) {
      prediction.steer(Math.cos(i), Math.sin(i))
      h.runTo(h.now + 37)
      prediction.frame()
    }
    h.runTo(h.now + 400)
    const m = prediction.stats()
    expect(m.acknowledgedInputs - before.acknowledgedInputs).toBe(40)
    expect(m.mispredictedInputs).toBe(0)
    expect(m.correctionP95).toBe(0)
  })

  it('with arrival calibration, learns from acknowledgements that inputs arrive earlier than a wrong RTT says', async () => {
    const run = async (calibrateArrival: boolean): Promise<number> => {
      // The connection reports 230 ms where the round trip is 150 ms: inputs are predicted to arrive
      // 80 ms (1.6 ticks) later than they do.
      const { h, prediction } = await setup(15, 230, calibrateArrival)
      for (let i = 0; i < 80; i++) {
        prediction.steer(Math.cos(i), Math.sin(i))
        h.runTo(h.now + 37)
        prediction.frame()
      }
      h.runTo(h.now + 500)
      const before = prediction.stats()
      for (let i = 0; i < 40; i++) {
        prediction.steer(Math.cos(i), Math.sin(i))
        h.runTo(h.now + 37)
        prediction.frame()
      }
      h.runTo(h.now + 500)
      const after = prediction.stats()
      expect(after.acknowledgedInputs - before.acknowledgedInputs).toBe(40)
      return after.mispredictedInputs - before.mispredictedInputs
    }
    expect(await run(false)).toBeGreaterThan(10)
    expect(await run(true)).toBe(0)
  })

  it('starts afresh after a reconnect, when call numbers start again', async () => {
    const { h, prediction } = await setup(15)
    for (let i = 0; i < 5; i++) {
      prediction.steer(1, 0)
      h.runTo(h.now + 20)
    }
    h.reconnect()
    for (let i = 0; i < 10; i++) {
      prediction.steer(0, i % 2 === 0 ? 1 : -1)
      h.runTo(h.now + 37)
      prediction.frame()
    }
    h.runTo(h.now + 400)
    prediction.frame()
    expect(prediction.predictor.inputs.size).toBe(0)
    expect(prediction.predictor.acknowledged).toBe(10)
  })

  it('starts once the arrival estimate has been known for the warm-up time', () => {
    const h = new Harness(15)
    const prediction = new OwnCirclePrediction(h, { now: () => h.now, schedule: (fn, delayMs) => h.later(fn, delayMs), warmup: { minMs: 500, windowMs: 250 } })
    // Known from the first update on (the round trip alone does not tell when inputs arrive).
    while (!prediction.clock.synchronized) {
      expect(prediction.active).toBe(false)
      h.runTo(h.now + 1)
    }
    const known = h.now
    for (; h.now < known + 499; h.runTo(h.now + 1)) expect(prediction.active).toBe(false)
    expect(prediction.warmingUp).toBe(true)
    h.runTo(known + 500)
    expect(prediction.active).toBe(true)
    expect(prediction.warmingUp).toBe(false)
  })

  it('stays off until the round trip is known, and when switched off', async () => {
    const { prediction } = await setup(15, 0)
    expect(prediction.active).toBe(false)
    expect(prediction.frame()).toEqual([])
    const on = await setup(15)
    on.prediction.setEnabled(false)
    expect(on.prediction.active).toBe(false)
    expect(on.prediction.frame()).toEqual([])
  })
})
