import type { Entity, World } from '@orrery/ecs'
import { Predictor, type PredictorOptions } from '../predictor.js'
import { clearWorld } from '../row-copier.js'
import { applyToyInput, Body, newToyWorld, type ToyInput, toyModel, toyStep, Unit, unitsOf } from './toy-game.js'

export const OWNER = 1
export const TICK_MS = 50
export const T0 = 1_700_000_000_000

interface Row {
  readonly e: Entity
  readonly body: { x: number; y: number; mass: number }
  readonly unit: { owner: number; dirX: number; dirY: number; splitAt: number }
}

interface Update {
  readonly arrive: number
  readonly tick: number
  readonly serverTime: number
  readonly ack: number | undefined
  readonly rows: readonly Row[]
}

interface Call {
  readonly arrive: number
  readonly seq: number
  readonly input: ToyInput
}

/** How the simulated server treats an input (default: as the client predicts). */
export type ServerInputRule = (input: ToyInput, seq: number) => ToyInput | 'reject'

/** Options of {@link NetworkSim}. */
export interface NetworkSimOptions {
  /** Ticks the client predicts ahead of the server's current tick (its estimate of the one-way trip). */
  readonly leadTicks: number
  readonly predictor?: PredictorOptions
  readonly serverRule?: ServerInputRule
  readonly initialMass?: number
}

/**
 * A server, a client and a TCP-like transport on a fake clock: input calls and state updates each
 * arrive in the order they were sent, after any delay the caller picks. The server applies a call when
 * it arrives (before the next tick's step) and sends the own entities after every tick with the
 * acknowledgement of the last call applied.
 */
export class NetworkSim {
  readonly server: World = newToyWorld()
  readonly replica: World = newToyWorld()
  readonly predictor: Predictor<ToyInput>
  now = T0
  serverTick = 0
  updatesDelivered = 0
  private lastSeq = 0
  private serverAck: number | undefined = undefined
  private lastUp = T0
  private lastDown = T0
  private readonly up: Call[] = []
  private readonly down: Update[] = []
  private readonly scratch: Entity[] = []
  private nextDownDelay: () => number = () => 0
  private readonly rule: ServerInputRule

  constructor(readonly options: NetworkSimOptions) {
    this.predictor = new Predictor(toyModel(OWNER), options.predictor)
    this.rule = options.serverRule ?? ((input) => input)
    const e = this.server.create()
    this.server.add(e, Body, { x: 500, y: 500, mass: options.initialMass ?? 16 })
    this.server.add(e, Unit, { owner: OWNER, dirX: 0, dirY: 0, splitAt: 0 })
  }

  /** Sets the delay of the next updates, ms (called for each update sent). */
  downDelays(next: () => number): void {
    this.nextDownDelay = next
  }

  /** The client's predicted tick time at `now`. */
  tickTime(): number {
    return (this.now - T0) / TICK_MS + this.options.leadTicks
  }

  /** The client sends an input now; it reaches the server after `delay` ms (never before an earlier one). */
  send(input: ToyInput, delay: number): number {
    const seq = ++this.lastSeq
    this.lastUp = Math.max(this.lastUp, this.now + delay)
    this.up.push({ arrive: this.lastUp, seq, input })
    this.predictor.input(seq, input, this.now)
    return seq
  }

  /** Runs the clock to `until` (ms): server ticks, arrivals and deliveries in time order; one client frame per ms step of `frameMs`. */
  runTo(until: number, frameMs = 10): void {
    while (this.now < until) {
      const nextTick = T0 + (this.serverTick + 1) * TICK_MS
      const nextFrame = Math.min(until, this.now + frameMs)
      const t = Math.min(nextTick, nextFrame, this.up[0]?.arrive ?? Number.POSITIVE_INFINITY, this.down[0]?.arrive ?? Number.POSITIVE_INFINITY)
      this.now = Math.max(this.now, t)
      this.deliverCalls()
      if (this.now >= nextTick) this.tickServer()
      this.deliverUpdates()
      this.predictor.advance(this.tickTime())
    }
  }

  /** Runs until the client has the acknowledgement of its last input (and at least `minMs` more). */
  settle(maxMs = 60_000): void {
    const deadline = this.now + maxMs
    while (this.now < deadline && (this.predictor.acknowledged ?? 0) !== this.lastSeq) this.runTo(this.now + TICK_MS)
  }

  /** The server's own entities stepped forward (without inputs) to `tick`, as sorted rows. */
  serverStateAt(tick: number): string[] {
    while (this.serverTick < tick) this.tickServer()
    return describe(this.server)
  }

  /** The predicted world as sorted rows. */
  predictedState(): string[] {
    return describe(this.predictor.world)
  }

  private deliverCalls(): void {
    while (this.up.length > 0 && (this.up[0] as Call).arrive <= this.now) {
      const call = this.up.shift() as Call
      const effective = this.rule(call.input, call.seq)
      if (effective !== 'reject') applyToyInput(this.server, OWNER, effective, T0 + (this.serverTick + 1) * TICK_MS)
      this.serverAck = call.seq
    }
  }

  private tickServer(): void {
    this.serverTick++
    const serverTime = T0 + this.serverTick * TICK_MS
    toyStep(this.server, serverTime)
    const rows = unitsOf(this.server, OWNER).map((e) => ({
      e,
      body: this.server.get(e, Body) as Row['body'],
      unit: this.server.get(e, Unit) as Row['unit'],
    }))
    this.lastDown = Math.max(this.lastDown, serverTime + this.nextDownDelay())
    this.down.push({ arrive: this.lastDown, tick: this.serverTick, serverTime, ack: this.serverAck, rows })
  }

  private deliverUpdates(): void {
    while (this.down.length > 0 && (this.down[0] as Update).arrive <= this.now) {
      const u = this.down.shift() as Update
      clearWorld(this.replica, this.scratch)
      for (const row of u.rows) {
        this.replica.createWithId(row.e)
        this.replica.add(row.e, Body, row.body)
        this.replica.add(row.e, Unit, row.unit)
      }
      this.predictor.advance(this.tickTime())
      this.predictor.reconcile(
        { world: this.replica, entities: u.rows.map((r) => r.e), tick: u.tick, serverTime: u.serverTime, ack: u.ack },
        this.now,
      )
      this.updatesDelivered++
    }
  }
}

/** Every unit as `id x y mass dirX dirY`, sorted. */
export function describe(world: World): string[] {
  const out: string[] = []
  world.query([Body, Unit]).forEach((e) => {
    const b = world.get(e, Body)
    const u = world.get(e, Unit)
    out.push(`${e} ${b?.x} ${b?.y} ${b?.mass} ${u?.dirX} ${u?.dirY} ${u?.splitAt}`)
  })
  return out.sort()
}
