import { generateIdentity, type KeyIdentity } from '@orrery/auth'
import { connect, type ConnectOptions, } from '@orrery/client'
import type { Component, Entity, } from '@orrery/ecs'
import type { Area } from '@orrery/protocol'
import {
  Body,
  Circle,
  cameraSize,
  INPUT_RATE_HZ,
  liveComponents,
  MAX_CIRCLES_PER_PLAYER,
  MOVE_INTERVAL_MS,
  Player,
  reducers,
  VIEW_MARGIN,
  viewArea,
  WORLD_SIZE,
  worldSizeOf,
} from '@orrery/demo-shared'
import { RenderState } from '../game/render-state.js'
import { OwnCirclePrediction, PREDICTION_PING_INTERVAL_MS } from '../prediction/own-prediction.js'
import { clientLink } from '../prediction/prediction-link.js'
import { CallTally } from './call-tally.js'
import { InputToDisplay } from './input-to-display.js'
import { listedMass, mayRespawn } from './respawn-rule.js'
import { BotSight } from './bot-sight.js'
import { chooseDirection, type Steering } from './steering.js'
import type { BlackholioClient, BotOptions, BotStats, ReplicaSnapshot } from './bot-types.js'


/** Distance a steering must change (per component) before the bot sends it again. */
const INPUT_EPSILON = 0.05
/** The bot re-sends an unchanged input at least this often, ms. */
const INPUT_REFRESH_MS = 1000
/** Reducer calls in flight above which the bot skips sending input (it never builds a backlog). */
const MAX_IN_FLIGHT = 4
/** Least time between two splits of one bot, ms. */
const SPLIT_COOLDOWN_MS = 2000
/** Interval of the bot's frames (what a 60 Hz display would draw), ms. */
const FRAME_MS = 1000 / 60
/** Least time between two area moves, ms (the server counts SetArea against its message rate). */
const AREA_INTERVAL_MS = 250
/** Time without any own circle in view, while the leaderboard lists the bot's mass, before it looks at the whole world for them, ms. */
const SEARCH_AFTER_MS = 1000
/** Longest wait for a returning player's circles to show in the whole-world view before it enters afresh, ms. */
const SEARCH_TIMEOUT_MS = 2000

/**
 * A headless Blackholio player over a real connection: enters the game, steers toward food and smaller
 * circles and away from bigger ones, sends its input at most 20 times a second, and respawns when eaten.
 *
 * @example
 * const bot = new Bot({ url: 'ws://127.0.0.1:3000', name: 'bot-1' })
 * await bot.start()
 * // ... later
 * await bot.stop()
 * console.log(bot.stats.maxMass)
 */
export class Bot {
  private readonly options: BotOptions
  private readonly key: KeyIdentity
  private client: BlackholioClient | null = null
  private timer: ReturnType<typeof setInterval> | null = null
  private frameTimer: ReturnType<typeof setInterval> | null = null
  private prediction: OwnCirclePrediction | null = null
  private readonly render = new RenderState()
  private readonly latency = new InputToDisplay()
  private readonly offs: (() => void)[] = []
  private lastFrameAt = 0
  private readonly sight = new BotSight()
  private last: Steering = { dirX: 0, dirY: 0, goal: 'idle' }
  private lastSentAt = 0
  private lastRespawnAt = 0
  /** When an own circle was last in view, ms (Date.now). */
  private lastSeenOwnAt = 0
  private lastSplitAt = 0
  private inFlight = 0
  private entered = false
  /** Whether the area is widened to the whole world to find the bot's circles (see {@link search}). */
  private searching = false
  private counts = { inputsSent: 0, reducerErrors: 0, respawns: 0, splits: 0, maxMass: 0 }
  private lastError: string | null = null
  /** Mass-weighted centre, total mass and count of the bot's circles (the camera's target). */
  private area = { x: WORLD_SIZE / 2, y: WORLD_SIZE / 2, size: 0, at: Number.NEGATIVE_INFINITY }
  private subscribedArea: Area = viewArea(WORLD_SIZE / 2, WORLD_SIZE / 2, cameraSize(0, 0))
  private readonly tally = new CallTally()

  /**
   * @param options - server URL, name and behaviour, see {@link BotOptions}
   */
  constructor(options: BotOptions) {
    this.options = options
    this.key = options.identity ?? generateIdentity()
  }

  /**
   * Connects, enters the game and starts steering.
   *
   * @returns once the bot has entered the game
   * @throws ClientError 'ERR_CONNECT_FAILED' when the server cannot be reached; 'ERR_REMOTE' when enterGame fails
   */
  async start(): Promise<void> {
    const options: ConnectOptions<typeof liveComponents, typeof reducers> = {
      url: this.options.url,
      components: liveComponents,
      reducers,
      identity: this.key,
      // As a 1280×800 window would: the camera's view plus a margin, and the players and leaderboard whole.
      // The area follows the own circles, so prediction sees all of them as long as the bot does not
      // respawn while they are merely out of view (see mayRespawn).
      subscribe: [
        { components: ['Body', 'Circle', 'Food'], area: this.subscribedArea },
        { components: ['Player', 'LeaderboardEntry', 'Config'] },
      ],
      ...(this.options.WebSocket === undefined
        ? {}
        : { WebSocket: this.options.countCalls === true ? this.tally.wrap(this.options.WebSocket) : this.options.WebSocket }),
      pingIntervalMs: this.options.pingIntervalMs ?? PREDICTION_PING_INTERVAL_MS,
      ...(this.options.heartbeatTimeoutMs === undefined ? {} : { heartbeatTimeoutMs: this.options.heartbeatTimeoutMs }),
      ...this.options.world,
    }
    const client = await connect(options)
    this.client = client
    this.prediction = new OwnCirclePrediction(clientLink(client), {
      enabled: this.options.prediction ?? true,
    })
    this.watchOwnCircles(client)
    // A returning player (its name is set) may have circles left from its last session, anywhere in the
    // world: find them before entering, which would add a circle that they pull across the world.
    const player = client.replica.world.findUnique(Player, 'identity', client.identity)
    const returning = player !== undefined && client.replica.world.read(player, Player, 'name') !== ''
    if (!(returning && (await this.findOwnCircles(client)))) {
      this.lookAt(await client.reducers.enterGame({ name: this.options.name }), Date.now(), true)
    }
    this.entered = true
    this.lastRespawnAt = Date.now()
    this.lastSeenOwnAt = this.lastRespawnAt
    const rate = Math.min(INPUT_RATE_HZ, Math.max(1, this.options.inputRateHz ?? INPUT_RATE_HZ))
    this.timer = setInterval(() => this.step(), 1000 / rate)
    this.lastFrameAt = performance.now()
    this.frameTimer = setInterval(() => this.frame(), FRAME_MS)
  }

  /** Feeds the own circles' server positions to the interpolation and their directions to the latency measure. */
  private watchOwnCircles(client: BlackholioClient): void {
    const world = client.replica.world
    const own = (e: Entity): boolean =>
      world.has(e, Circle) && world.read(e, Circle, 'playerId') === world.findUnique(Player, 'identity', client.identity)
    const onBody = (e: Entity, b: { x: number; y: number; mass: number }): void => {
      if (own(e)) this.render.upsert(e, b.x, b.y, b.mass, performance.now())
    }
    const onApplied = (): void => {
      const player = world.findUnique(Player, 'identity', client.identity)
      const first = player === undefined ? undefined : world.findAll(Circle, 'playerId', player)[0]
      if (first === undefined) return
      this.latency.stateApplied(world.read(first, Circle, 'dirX'), world.read(first, Circle, 'dirY'), performance.now())
    }
    this.offs.push(
      client.replica.onInsert(Body, onBody),
      client.replica.onUpdate(Body, onBody),
      client.replica.onDelete(Body, (e) => this.render.remove(e, performance.now())),
      client.replica.onApplied(onApplied),
    )
  }

  /** One display frame: advances prediction or interpolation, and records which inputs it shows. */
  private frame(): void {
    const now = performance.now()
    const dt = now - this.lastFrameAt
    this.lastFrameAt = now
    const prediction = this.prediction
    if (prediction?.active === true) prediction.frame()
    else this.render.advance(now, dt)
    this.latency.frame(now, prediction?.active === true ? 0 : this.render.interpolationDelayMs, MOVE_INTERVAL_MS)
  }

  /** Stops steering and sending (the connection stays open and the replica goes on following the server). */
  quiesce(): void {
    if (this.timer !== null) clearInterval(this.timer)
    if (this.frameTimer !== null) clearInterval(this.frameTimer)
    this.timer = null
    this.frameTimer = null
  }

  /** The bot's replica now: its rows of every table and its area, for comparing with the server's world. */
  replicaSnapshot(): ReplicaSnapshot {
    const tables: ReplicaSnapshot['tables'] = {}
    const client = this.client
    if (client !== null) {
      const world = client.replica.world
      for (const c of liveComponents as readonly Component[]) {
        const rows: [number, Record<string, unknown>][] = []
        world.query([c]).forEach((e) => {
          rows.push([e, { ...(world.get(e, c) as Record<string, unknown>) }])
        })
        tables[c.name] = rows
      }
    }
    return { identity: client?.identity ?? '', area: this.subscribedArea, tables }
  }

  /** Stops steering and closes the connection (the server keeps the player for a later return). */
  async stop(): Promise<void> {
    this.quiesce()
    for (const off of this.offs.splice(0)) off()
    this.prediction?.close()
    const client = this.client
    if (client !== null) await client.disconnect()
  }

  /** The identity of the bot's key (what the server sees as `ctx.sender`). */
  get identity(): string {
    return this.key.identity
  }

  /** What the bot has done so far. */
  get stats(): BotStats {
    const c = this.client
    const p = this.prediction
    const m = p?.stats()
    const cs = c?.stats()
    return {
      prediction: (p?.enabled ?? this.options.prediction ?? true) ? 'on' : 'off',
      acknowledgedInputs: m?.acknowledgedInputs ?? 0,
      mispredictedInputs: m?.mispredictedInputs ?? 0,
      correctionP95: m?.correctionP95 ?? 0,
      inputToDisplayMs: this.latency.samples.slice(),
      name: this.options.name,
      identity: c?.identity ?? '',
      connected: c?.connection.state === 'connected',
      authenticated: c?.connection.state === 'connected' && c.identity === this.key.identity,
      entered: this.entered,
      ...this.counts,
      bytesSent: c?.connection.stats.bytesSent ?? 0,
      bytesReceived: c?.connection.stats.bytesReceived ?? 0,
      rttMs: cs?.rttMs ?? null,
      lastError: this.lastError,
      reconnects: cs?.reconnects ?? 0,
      resumedFromHistory: cs?.resumedFromHistory ?? 0,
      resumedFromSnapshot: cs?.resumedFromSnapshot ?? 0,
      calls: this.tally.counts(),
    }
  }

  /** Centres the area of interest on a spawn position (as enterGame and respawn return it). */
  private lookAt(position: unknown, now: number, force: boolean): void {
    if (typeof position !== 'object' || position === null) return
    const { x, y } = position as { x?: unknown; y?: unknown }
    if (typeof x !== 'number' || typeof y !== 'number') return
    this.sight.centre.x = x
    this.sight.centre.y = y
    this.moveArea(now, force)
  }

  /** Keeps the area of interest on the bot's circles, as a camera would. */
  private followArea(now: number): void {
    this.moveArea(now, false)
  }

  /**
   * Looks at the whole world until a circle of the bot's own is in view (at most `timeoutMs`), then
   * follows its circles again.
   * @returns whether it found one
   */
  private async findOwnCircles(client: BlackholioClient, timeoutMs = SEARCH_TIMEOUT_MS): Promise<boolean> {
    const world = client.replica.world
    const found = (): boolean => {
      const player = world.findUnique(Player, 'identity', client.identity)
      return player !== undefined && world.findAll(Circle, 'playerId', player).length > 0
    }
    this.search(Date.now())
    const seen = found() || (await new Promise<boolean>((resolve) => {
      const done = (result: boolean): void => {
        clearTimeout(timer)
        off()
        resolve(result)
      }
      const timer = setTimeout(() => done(found()), timeoutMs)
      const off = client.replica.onApplied(() => {
        if (found()) done(true)
      })
    }))
    const player = world.findUnique(Player, 'identity', client.identity)
    if (seen && player !== undefined) {
      this.sight.look(world, player, this.options.sightRadius ?? 200, world.findAll(Circle, 'playerId', player))
      this.moveArea(Date.now(), true)
    }
    return seen
  }

  /** Widens the area of interest to the whole world (once per search): the bot's circles live but are out of view. */
  private search(now: number): void {
    const client = this.client
    if (client === null || this.searching) return
    this.searching = true
    this.area = { ...this.area, at: now }
    const side = worldSizeOf(client.replica.world)
    this.subscribedArea = viewArea(side / 2, side / 2, side / 2, 1)
    client.setArea(this.subscribedArea)
  }

  private moveArea(now: number, force: boolean): void {
    const client = this.client
    if (client === null) return
    const { x, y } = this.sight.centre
    const size = cameraSize(this.sight.centre.mass, this.sight.centre.count)
    const moved = Math.abs(x - this.area.x) + Math.abs(y - this.area.y) > VIEW_MARGIN / 4 || Math.abs(size - this.area.size) > 2
    if (!force && (!moved || now - this.area.at < AREA_INTERVAL_MS)) return
    this.area = { x, y, size, at: now }
    this.searching = false
    this.subscribedArea = viewArea(x, y, size)
    client.setArea(this.subscribedArea)
  }

  private call(run: () => Promise<unknown>): void {
    this.inFlight++
    run()
      .catch((error: unknown) => {
        this.counts.reducerErrors++
        this.lastError = error instanceof Error ? error.message : String(error)
      })
      .finally(() => {
        this.inFlight--
      })
  }

  private step(): void {
    const client = this.client
    if (client === null || client.connection.state !== 'connected') return
    const world = client.replica.world
    const player = world.findUnique(Player, 'identity', client.identity)
    if (player === undefined) return
    const now = Date.now()
    const circles = world.findAll(Circle, 'playerId', player)
    if (circles.length > 0) this.lastSeenOwnAt = now
    if (circles.length === 0) {
      const listed = listedMass(world, player)
      const unseenMs = now - Math.max(this.lastSeenOwnAt, this.lastRespawnAt)
      // Alive but out of view (the leaderboard lists its mass): look at the whole world until they show.
      if (listed !== undefined && listed > 0 && unseenMs >= SEARCH_AFTER_MS) this.search(now)
      const respawn = mayRespawn(
        {
          visibleCircles: 0,
          listedMass: listed,
          unseenMs,
          sinceRespawnMs: now - this.lastRespawnAt,
        },
        { respawnDelayMs: this.options.respawnDelayMs ?? 1000 },
      )
      if (respawn && this.inFlight < MAX_IN_FLIGHT) {
        this.lastRespawnAt = now
        this.counts.respawns++
        this.call(async () => this.lookAt(await client.reducers.respawn(), Date.now(), true))
      }
      return
    }
    this.sight.look(world, player, this.options.sightRadius ?? 200, circles)
    // Found after a search: back to the camera's area at once.
    if (this.searching) this.moveArea(now, true)
    this.followArea(now)
    let total = 0
    let biggest = 0
    for (const c of this.sight.own) {
      total += c.mass
      biggest = Math.max(biggest, c.mass)
    }
    this.counts.maxMass = Math.max(this.counts.maxMass, total)
    const steering = chooseDirection(
      { own: this.sight.own, others: this.sight.others, food: this.sight.food },
      { worldSize: worldSizeOf(world) },
    )
    if (this.inFlight >= MAX_IN_FLIGHT) return
    const changed =
      steering.goal !== this.last.goal ||
      Math.abs(steering.dirX - this.last.dirX) > INPUT_EPSILON ||
      Math.abs(steering.dirY - this.last.dirY) > INPUT_EPSILON
    if (changed || now - this.lastSentAt >= INPUT_REFRESH_MS) {
      this.last = steering
      this.lastSentAt = now
      this.counts.inputsSent++
      const prediction = this.prediction
      if (prediction === null) return
      // Inputs sent while prediction warms up (until the round trip has settled) are not measured: the report is
      // about the mode the bot runs in.
      if (!prediction.warmingUp) this.latency.sent(steering.dirX, steering.dirY, performance.now(), prediction.active)
      this.call(() => prediction.steer(steering.dirX, steering.dirY))
    }
    if (
      steering.goal === 'chase' &&
      biggest >= (this.options.splitMass ?? 120) &&
      circles.length < MAX_CIRCLES_PER_PLAYER &&
      now - this.lastSplitAt >= SPLIT_COOLDOWN_MS
    ) {
      this.lastSplitAt = now
      this.counts.splits++
      const prediction = this.prediction
      if (prediction !== null) this.call(() => prediction.split())
    }
  }
}
