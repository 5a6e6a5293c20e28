import type { KeyIdentity } from '@orrery/auth'
import { connect } from '@orrery/client'
import type { Entity, World } from '@orrery/ecs'
import type { ServerMessage } from '@orrery/protocol'
import {
  Body,
  CONSUME_EVENT,
  Circle,
  cameraSize,
  Food,
  isConsumeEvent,
  LeaderboardEntry,
  liveComponents,
  Player,
  reducers,
  VIEW_ASPECT,
  VIEW_MARGIN,
  viewArea,
  WORLD_SIZE,
  worldSizeOf,
} from '@orrery/demo-shared'
import type { BlackholioClient } from '../bots/bot-types.js'
import type { WebSocketClass } from '../bots/lagged-socket.js'
import { type Camera, type FollowedCircle, followCamera } from './camera.js'
import { OwnCirclePrediction, PREDICTION_PING_INTERVAL_MS } from '../prediction/own-prediction.js'
import { clientLink } from '../prediction/prediction-link.js'
import type { LeaderboardEntry as LeaderboardLine } from './leaderboard.js'
import { RenderState } from './render-state.js'

/** Least time between two area moves, ms (the server counts SetArea against its message rate). */
const AREA_INTERVAL_MS = 200

function isPosition(value: unknown): value is { x: number; y: number } {
  return typeof value === 'object' && value !== null && typeof (value as { x?: unknown }).x === 'number' && typeof (value as { y?: unknown }).y === 'number'
}

/** Options of {@link Game.connect}. */
export interface GameOptions {
  /** The server's WebSocket URL. */
  readonly url: string
  /** The player's key: the client signs in with it and keeps its token in memory only. */
  readonly identity: KeyIdentity
  /** The WebSocket class (default `globalThis.WebSocket`), e.g. one with simulated latency. */
  readonly WebSocket?: WebSocketClass
}

/** A snapshot of the figures the status line shows. */
export interface GameStatus {
  /** Connection state ('connected', 'reconnecting', …). */
  readonly connection: string
  /** Smoothed round-trip time, ms, or null before the first Pong. */
  readonly rttMs: number | null
  /** Bytes received per second. */
  readonly bytesReceivedPerSec: number
  /** Bytes sent per second. */
  readonly bytesSentPerSec: number
  /** Total mass of the local player's circles. */
  readonly mass: number
  /** Number of the local player's circles. */
  readonly circles: number
  /** Own-circle prediction: 'on' or 'off' (key P). */
  readonly prediction: 'on' | 'off'
  /** Mispredictions over the last second. */
  readonly predictionErrorsPerSec: number
  /** Food in the world. */
  readonly food: number
  /** Connected players. */
  readonly players: number
}

/**
 * The client-side game: the connection and replica, the drawn state fed by the replica's row callbacks and
 * consume events, the local player and the camera that follows it.
 *
 * @example
 * const game = await Game.connect({ url: 'ws://localhost:3000', identity: generateIdentity() })
 * await game.enter('Ada')
 */
export class Game {
  /** The connected client. */
  readonly client: BlackholioClient
  /** Drawn bodies. */
  readonly state = new RenderState()
  /** Prediction of the own circles (inputs go through it). */
  readonly prediction: OwnCirclePrediction
  /** The camera, in world units. */
  readonly camera: Camera = { x: 500, y: 500, size: 50 }
  private readonly offs: (() => void)[] = []
  /** Bodies changed by the update being applied; their snapshots are taken once its serverTime is known. */
  private readonly changed = new Set<Entity>()
  private readonly followed: FollowedCircle[] = []
  /** Width over height of the canvas (the area of interest covers what it shows). */
  aspect = VIEW_ASPECT
  private area = { x: WORLD_SIZE / 2, y: WORLD_SIZE / 2, size: 0, at: Number.NEGATIVE_INFINITY }

  private constructor(client: BlackholioClient) {
    this.client = client
    this.prediction = new OwnCirclePrediction(clientLink(client))
  }

  /**
   * Connects and starts mirroring the replica into the drawn state.
   *
   * @param options - URL and the player's key
   * @returns the game, once the first snapshot is applied
   * @throws ClientError 'ERR_CONNECT_FAILED' when the server cannot be reached
   */
  static async connect(options: GameOptions): Promise<Game> {
    const client = await connect({
      url: options.url,
      components: liveComponents,
      reducers,
      identity: options.identity,
      // The camera's view (the own circles are always inside it, so prediction sees all of them), and the
      // players and leaderboard whole.
      subscribe: [
        { components: ['Body', 'Circle', 'Food'], area: viewArea(WORLD_SIZE / 2, WORLD_SIZE / 2, cameraSize(0, 0)) },
        { components: ['Player', 'LeaderboardEntry', 'Config'] },
      ],
      ...(options.WebSocket === undefined ? {} : { WebSocket: options.WebSocket }),
      pingIntervalMs: PREDICTION_PING_INTERVAL_MS,
    })
    const game = new Game(client)
    game.attach()
    return game
  }

  private get world(): World {
    return this.client.replica.world
  }

  private attach(): void {
    // Row callbacks through the replica: they are typed by the component descriptors.
    const replica = this.client.replica
    const now = (): number => performance.now()
    this.syncAll()
    // Snapshots are stamped with the update's serverTime on the local clock (minus the typical
    // serverTime − arrival), so they stay evenly spaced when arrivals jitter. The row callbacks run while
    // the client applies the update, before its message reaches this listener (registered after
    // prediction's, which has then observed the update), which then takes the snapshots.
    const onMessage = (message: ServerMessage): void => {
      if (message.type !== 'TransactionUpdate' || replica.seq !== message.seq) return
      this.snapshotChanged(replica.serverTime - this.prediction.clock.receiveOffsetMs)
    }
    this.client.connection.on('message', onMessage)
    this.offs.push(
      () => this.client.connection.off('message', onMessage),
      replica.onInsert(Body, (e) => this.changed.add(e)),
      replica.onUpdate(Body, (e) => this.changed.add(e)),
      replica.onDelete(Body, (e) => {
        this.changed.delete(e)
        this.state.remove(e, now())
      }),
      replica.onInsert(Circle, (e, c) => this.state.classify(e, 'circle', c.playerId)),
      replica.onInsert(Food, (e) => this.state.classify(e, 'food', 0)),
      this.client.onEvent((name, payload) => {
        if (name === CONSUME_EVENT && isConsumeEvent(payload)) this.state.consumed(payload.consumed, payload.consumer)
      }),
    )
  }

  /** Takes a snapshot of every body the last update changed, at local time `t` (ms). */
  private snapshotChanged(t: number): void {
    const world = this.world
    for (const e of this.changed) {
      if (!world.isAlive(e) || !world.has(e, Body)) continue
      this.state.upsert(e, world.read(e, Body, 'x'), world.read(e, Body, 'y'), world.read(e, Body, 'mass'), t)
    }
    this.changed.clear()
  }

  /** Adds the bodies the drawn state misses (at start, and whenever it drifted from the replica). */
  private syncAll(): void {
    const t = performance.now()
    const world = this.world
    world.query([Body]).forEach((e) => {
      if (this.state.bodies.has(e)) return
      const b = world.get(e, Body)
      if (b !== undefined) this.state.upsert(e, b.x, b.y, b.mass, t)
    })
  }

  /** The local player's entity, or undefined before the server created it. */
  get player(): Entity | undefined {
    return this.world.findUnique(Player, 'identity', this.client.identity)
  }

  /** The local player's name ('' before entering). */
  get playerName(): string {
    const p = this.player
    return p === undefined ? '' : (this.world.get(p, Player)?.name ?? '')
  }

  /** The local player's live circles. */
  ownCircles(): readonly Entity[] {
    const p = this.player
    return p === undefined ? [] : this.world.findAll(Circle, 'playerId', p)
  }

  /** Mass-weighted centre of the local player's circles as drawn this frame, or null without circles. */
  drawnPlayerCentre(): { x: number; y: number } | null {
    let total = 0
    let x = 0
    let y = 0
    const world = this.world
    for (const e of this.ownCircles()) {
      const drawn = this.state.bodies.get(e)
      const mass = world.has(e, Body) ? world.read(e, Body, 'mass') : 0
      if (drawn === undefined || mass === 0) continue
      total += mass
      x += drawn.x * mass
      y += drawn.y * mass
    }
    return total > 0 ? { x: x / total, y: y / total } : null
  }

  /** Mass-weighted centre of the local player's circles at their server positions, or null without circles. */
  playerCentre(): { x: number; y: number } | null {
    let total = 0
    let x = 0
    let y = 0
    for (const e of this.ownCircles()) {
      const b = this.world.get(e, Body)
      if (b === undefined) continue
      total += b.mass
      x += b.x * b.mass
      y += b.y * b.mass
    }
    return total > 0 ? { x: x / total, y: y / total } : null
  }

  /**
   * Enters the game with a name (or respawns under the current name).
   *
   * @param name - the display name (≤ 32 characters)
   * @throws ClientError 'ERR_REDUCER_FAILED' (e.g. remote ERR_INVALID_NAME)
   */
  async enter(name: string): Promise<void> {
    const spawned =
      name === this.playerName && name !== '' ? await this.client.reducers.respawn() : await this.client.reducers.enterGame({ name })
    if (isPosition(spawned)) {
      // Look where the new circle is: it enters the area of interest with the next update.
      this.camera.x = spawned.x
      this.camera.y = spawned.y
      this.moveArea(performance.now(), true)
    }
  }

  /** Moves the area of interest with the camera, at most every {@link AREA_INTERVAL_MS} unless forced. */
  private moveArea(now: number, force = false): void {
    const { x, y, size } = this.camera
    const moved = Math.abs(x - this.area.x) + Math.abs(y - this.area.y) > VIEW_MARGIN / 4 || Math.abs(size - this.area.size) > 2
    if (!force && (!moved || now - this.area.at < AREA_INTERVAL_MS)) return
    this.area = { x, y, size, at: now }
    this.client.setArea(viewArea(x, y, size, this.aspect))
  }

  /**
   * Advances the drawn state and the camera for one frame.
   *
   * @param now - current time, ms
   * @param dtMs - time since the previous frame, ms
   */
  frame(now: number, dtMs: number): void {
    const world = this.world
    for (const [e, b] of this.state.bodies) {
      if (!world.isAlive(e as Entity) || !world.has(e as Entity, Body)) {
        this.state.remove(e, now)
        continue
      }
      if (b.kind === 'unknown') {
        if (world.has(e as Entity, Circle)) this.state.classify(e, 'circle', world.read(e as Entity, Circle, 'playerId'))
        else if (world.has(e as Entity, Food)) this.state.classify(e, 'food', 0)
      }
    }
    if (this.state.bodies.size !== world.count(Body)) this.syncAll()
    this.state.advance(now, dtMs)
    this.drawPredicted()
    this.followed.length = 0
    for (const e of this.ownCircles()) {
      const drawn = this.state.bodies.get(e)
      const mass = world.get(e, Body)?.mass ?? 0
      if (drawn !== undefined) this.followed.push({ x: drawn.x, y: drawn.y, mass })
    }
    followCamera(this.camera, this.followed, dtMs, this.worldSize())
    this.moveArea(now)
  }

  /** Puts the predicted own circles over their interpolated positions; predicted creations go to `state.predicted`. */
  private drawPredicted(): void {
    const extras = this.state.predicted
    extras.length = 0
    const owner = this.player ?? 0
    for (const body of this.prediction.frame()) {
      const drawn = body.key > 0 && body.opacity === 1 ? this.state.bodies.get(body.key) : undefined
      if (drawn !== undefined) {
        drawn.x = body.x
        drawn.y = body.y
      } else {
        extras.push({ x: body.x, y: body.y, radius: body.size, owner, opacity: body.opacity })
      }
    }
  }

  /** Side of the world, world units: the replica's Config row (the reference's 1000 until it arrives). */
  worldSize(): number {
    return worldSizeOf(this.world)
  }

  /** Display name by player entity. */
  names(): Map<number, string> {
    const out = new Map<number, string>()
    const world = this.world
    world.query([Player]).forEach((p) => {
      out.set(p, world.read(p, Player, 'name'))
    })
    return out
  }

  /**
   * The heaviest players.
   *
   * @param limit - most lines
   * @returns ranked players with their total mass
   */
  leaderboard(limit = 10): LeaderboardLine[] {
    const world = this.world
    const lines: (LeaderboardLine & { rank: number })[] = []
    world.query([LeaderboardEntry]).forEach((e) => {
      const row = world.get(e, LeaderboardEntry)
      if (row !== undefined && row.rank <= limit) lines.push({ player: row.playerId, name: row.name, mass: row.mass, rank: row.rank })
    })
    return lines.sort((a, b) => a.rank - b.rank).map(({ player, name, mass }) => ({ player, name, mass }))
  }

  /** Figures for the status line. */
  status(): GameStatus {
    const s = this.client.stats()
    let mass = 0
    const own = this.ownCircles()
    for (const e of own) mass += this.world.get(e, Body)?.mass ?? 0
    return {
      connection: this.client.connection.state,
      rttMs: s.rttMs,
      bytesReceivedPerSec: s.bytesReceivedPerSec,
      bytesSentPerSec: s.bytesSentPerSec,
      mass,
      circles: own.length,
      prediction: this.prediction.enabled ? 'on' : 'off',
      predictionErrorsPerSec: this.prediction.stats().mispredictionsPerSecond,
      food: this.world.count(Food),
      players: this.world.count(Player),
    }
  }

  /** Stops mirroring and closes the connection. */
  async close(): Promise<void> {
    for (const off of this.offs.splice(0)) off()
    this.prediction.close()
    await this.client.disconnect()
  }
}
