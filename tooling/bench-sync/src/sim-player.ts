import { connect, type OrreryClient } from '@orrery/client'
import type { Entity } from '@orrery/ecs'
import { Body, Circle, cameraSize, liveComponents, Player, reducers, VIEW_MARGIN, viewArea, WORLD_SIZE, worldSizeOf } from '@orrery/demo-shared'
import { FrameMeter, meteredSocket } from './metered-socket.js'
import { SectionMeter } from './section-meter.js'

type BlackholioClient = OrreryClient<typeof liveComponents, typeof reducers>

/** Reducer calls in flight above which a player waits (it never builds a backlog). */
const MAX_IN_FLIGHT = 2
/** A new steering is sent when a component changed by more than this, or after {@link INPUT_REFRESH_MS}. */
const INPUT_EPSILON = 0.1
const INPUT_REFRESH_MS = 2000
const X_MASK = 1 << Body.fields.indexOf('x')
const Y_MASK = 1 << Body.fields.indexOf('y')

/**
 * A simulated Blackholio player over a real connection and a real replica: it enters the game, wanders
 * from one random point to the next, keeps its area of interest on its circles as a 1280×800 camera
 * would (moved at most {@link SimPlayer.think}'s rate), and respawns when eaten.
 */
export class SimPlayer {
  readonly meter = new FrameMeter()
  /** Bytes per part of its updates, for the sampled players only (null for the others). */
  sections: SectionMeter | null = null
  errors = 0
  inputsSent = 0
  respawns = 0
  areaMoves = 0
  lastError: string | null = null
  /** Time from opening the socket to the initial subscriptions applied, and to enterGame answered, ms. */
  readonly joinMs = { connect: 0, enter: 0 }
  private client: BlackholioClient | null = null
  private stopping = false
  private inFlight = 0
  private readonly centre = { x: WORLD_SIZE / 2, y: WORLD_SIZE / 2 }
  private area = { x: Number.NaN, y: Number.NaN, size: 0 }
  private target = { x: 0, y: 0, until: 0 }
  private sent = { dirX: 0, dirY: 0, at: 0 }

  constructor(
    private readonly name: string,
    private readonly random: () => number,
    private readonly sampled: boolean,
  ) {}

  /** Whether the connection is up now. */
  get connected(): boolean {
    return this.client?.connection.state === 'connected'
  }

  /**
   * Connects (subscribing by its view and to the players), enters the game and centres its area on its circle.
   *
   * @param url - the server's WebSocket URL
   * @throws ClientError when the connection or enterGame fails
   */
  async start(url: string): Promise<void> {
    const meter = this.meter
    const started = performance.now()
    const client = await connect({
      url,
      components: liveComponents,
      reducers,
      subscribe: [
        { components: ['Body', 'Circle', 'Food'], area: viewArea(this.centre.x, this.centre.y, cameraSize(0, 0)) },
        { components: ['Player', 'Config'] },
      ],
      WebSocket: meteredSocket(meter),
      // Bounded: a player that cannot (re)join in a few attempts fails instead of retrying forever.
      reconnect: { maxAttempts: 3 },
    })
    this.client = client
    if (this.stopping) {
      await client.disconnect()
      throw new Error('gave up joining')
    }
    this.joinMs.connect = performance.now() - started
    const replica = client.replica
    const world = replica.world
    for (const component of liveComponents) {
      replica.onInsert(component, () => {
        meter.inserted++
      })
      replica.onDelete(component, () => {
        meter.deleted++
      })
    }
    replica.onUpdate(Body, (e, _row, _previous, mask) => {
      if ((mask & (X_MASK | Y_MASK)) !== 0 && world.has(e, Circle)) meter.movingUpdates++
      else meter.otherUpdates++
    })
    const schema = client.connection.welcome?.schema
    if (this.sampled && schema !== undefined) {
      const sections = new SectionMeter(schema, schema.components.findIndex(([name]) => name === Body.name))
      this.sections = sections
      client.connection.on('message', (m) => {
        if (m.type === 'TransactionUpdate') sections.add(m)
      })
    }
    client.onError((error) => this.fail(error.message))
    client.connection.on('close', ({ code, reason }) => {
      if (!this.stopping) this.fail(`socket closed ${code} ${reason}`)
    })
    this.lookAt(await client.reducers.enterGame({ name: this.name }))
    this.joinMs.enter = performance.now() - started
  }

  /**
   * One look at the replica, a few times a second: follow the circles with the area, steer, respawn.
   *
   * @param now - ms since the epoch
   */
  think(now: number): void {
    const client = this.client
    if (client === null || client.connection.state !== 'connected') return
    const world = client.replica.world
    const player = world.findUnique(Player, 'identity', client.identity)
    if (player === undefined) return
    const circles = world.findAll(Circle, 'playerId', player)
    if (circles.length === 0) {
      if (this.inFlight === 0) {
        this.respawns++
        this.call(async () => this.lookAt(await client.reducers.respawn({})))
      }
      return
    }
    let mass = 0
    let x = 0
    let y = 0
    for (const c of circles as readonly Entity[]) {
      if (!world.has(c, Body)) continue
      const m = world.read(c, Body, 'mass')
      mass += m
      x += world.read(c, Body, 'x') * m
      y += world.read(c, Body, 'y') * m
    }
    if (mass > 0) {
      this.centre.x = x / mass
      this.centre.y = y / mass
    }
    this.follow(cameraSize(mass, circles.length))
    this.steer(now)
  }

  /** Closes the connection for good (or, while {@link SimPlayer.start} is still joining, once it has joined). */
  async stop(): Promise<void> {
    this.stopping = true
    await this.client?.disconnect()
  }

  private follow(size: number): void {
    const { x, y } = this.centre
    const moved = Math.abs(x - this.area.x) + Math.abs(y - this.area.y) > VIEW_MARGIN / 4 || Math.abs(size - this.area.size) > 2
    if (!moved) return
    this.area = { x, y, size }
    this.areaMoves++
    this.client?.setArea(viewArea(x, y, size))
  }

  private steer(now: number): void {
    const t = this.target
    let dx = t.x - this.centre.x
    let dy = t.y - this.centre.y
    if (now >= t.until || dx * dx + dy * dy < 400) {
      const side = this.client === null ? WORLD_SIZE : worldSizeOf(this.client.replica.world)
      t.x = 50 + this.random() * (side - 100)
      t.y = 50 + this.random() * (side - 100)
      t.until = now + 3000 + this.random() * 5000
      dx = t.x - this.centre.x
      dy = t.y - this.centre.y
    }
    const length = Math.hypot(dx, dy) || 1
    const dirX = dx / length
    const dirY = dy / length
    const changed = Math.abs(dirX - this.sent.dirX) > INPUT_EPSILON || Math.abs(dirY - this.sent.dirY) > INPUT_EPSILON
    if (!changed && now - this.sent.at < INPUT_REFRESH_MS) return
    const client = this.client
    if (client === null || this.inFlight >= MAX_IN_FLIGHT) return
    this.sent = { dirX, dirY, at: now }
    this.inputsSent++
    this.call(() => client.reducers.updatePlayerInput({ dirX, dirY }))
  }

  private lookAt(position: unknown): void {
    if (typeof position !== 'object' || position === null) return
    const { x, y } = position as { x?: unknown; y?: unknown }
    if (typeof x !== 'number' || typeof y !== 'number') return
    this.centre.x = x
    this.centre.y = y
    this.follow(cameraSize(0, 1))
  }

  private call(run: () => Promise<unknown>): void {
    if (this.inFlight >= MAX_IN_FLIGHT) return
    this.inFlight++
    run()
      .catch((error: unknown) => {
        if (!this.stopping) this.fail(error instanceof Error ? error.message : String(error))
      })
      .finally(() => {
        this.inFlight--
      })
  }

  private fail(message: string): void {
    this.errors++
    this.lastError = message
  }
}
