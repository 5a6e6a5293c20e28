import { createRng, type Entity, type World } from '@orrery/ecs'
import { defineModule, defineReducer, type ModuleDef, type ReducerContext, type SystemDef } from '@orrery/server'
import {
  type BlackholioReducers,
  Body,
  CONSUME_EVENT,
  DECAY_INTERVAL_MS,
  Circle,
  Config,
  isConsumeEvent,
  LoggedOutPlayer,
  liveComponents,
  MAX_WORLD_SIZE,
  MIN_WORLD_SIZE,
  loggedOutComponents,
  MOVE_INTERVAL_MS,
  Player,
  reducers,
  SPAWN_FOOD_INTERVAL_MS,
  WORLD_SIZE,
} from '@orrery/demo-shared'
import type { BehaviorReducers } from '@orrery/demo-shared'
import { Agent, behaviorComponents } from './agents/behavior-components.js'
import { behaviorReducerDefs, operatorPolicy } from './agents/behavior-reducer-defs.js'
import { FoodSpawner, serverComponents } from './components.js'
import { circleDecay } from './rules/decay.js'
import { DEFAULT_LOGGED_OUT_EXPIRY_MS, EXPIRY_INTERVAL_MS, expireLoggedOutPlayers } from './rules/expiry.js'
import { updateLeaderboard } from './rules/leaderboard.js'
import { spawnFood } from './rules/food.js'
import { moveAllPlayers } from './rules/move.js'
import { enterGame, requirePlayer, respawn, suicide } from './rules/player.js'
import { runDueRecombines } from './rules/recombine.js'
import { playerConnected, playerDisconnected } from './rules/session.js'
import { playerSplit } from './rules/split.js'
import { updatePlayerInput } from './rules/input.js'

/** Counters a running Blackholio module adds to (for the headless report and metrics). */
export interface BlackholioStats {
  /** Food entities eaten since start. */
  foodEaten: number
  /** Circles eaten by other players' circles since start. */
  circlesEaten: number
  /** Circles created by splits since start. */
  splits: number
  /** Players that came back from the logged-out state (a reconnect, or after a restart) since start. */
  restoredPlayers: number
  /** Total mass of the circles those players got back. */
  restoredMass: number
}

/** Options of {@link createBlackholioModule}. */
export interface BlackholioModuleOptions {
  /** Counters to add to; pass your own object to read them while the server runs. */
  readonly stats?: BlackholioStats
  /**
   * How long a logged-out player (and its circles) is kept for its return, ms; a player away longer is
   * removed and starts anew. Checked every 10 s. Default 1 800 000 (30 minutes).
   */
  readonly loggedOutExpiryMs?: number
  /** Runs the world's agents every tick (as the last system), e.g. an `AgentHost`; none: agents are stored but idle. */
  readonly agents?: { onTick(ctx: ReducerContext): void }
  /** Identities with the operator role: they may change, assign and remove any behaviour or agent. */
  readonly operators?: readonly string[]
  /**
   * Side of the square world, world units: an integer in [100, 1 000 000]. Default 1000, the reference's
   * `config.world_size`. Written to the replicated {@link Config} row at start (and after a restart), where
   * the rules and the clients read it.
   */
  readonly worldSize?: number
}

/** The reducers of the Blackholio module: the game's and those of behaviours and agents. */
export type BlackholioModuleReducers = BlackholioReducers & BehaviorReducers

/** Mixed into the world seed so the food stream differs from `ctx.rng` but follows the same seed. */
const FOOD_STREAM_SALT = 0x5eedf00d

/** How often the leaderboard rows are recomputed, ms. */
const LEADERBOARD_INTERVAL_MS = 500

/** The position of a newly spawned circle, as enterGame and respawn return it (the caller centres its area there). */
function spawnedAt(world: World, circle: Entity): { x: number; y: number } {
  return { x: world.read(circle, Body, 'x'), y: world.read(circle, Body, 'y') }
}

/** Open connections per identity, so a replaced or duplicate connection does not log a live player out. */
const connectionsByWorld = new WeakMap<World, Map<string, Set<string>>>()

function connectionsOf(world: World): Map<string, Set<string>> {
  let map = connectionsByWorld.get(world)
  if (map === undefined) {
    map = new Map()
    connectionsByWorld.set(world, map)
  }
  return map
}

function ensureFoodSpawner(ctx: ReducerContext): void {
  if (ctx.world.count(FoodSpawner) > 0) return
  const seed = (ctx.rng.seed ^ FOOD_STREAM_SALT) >>> 0
  ctx.world.add(ctx.world.create(), FoodSpawner, { rngState: createRng(seed).getState() })
}

/** Writes the world's size into its {@link Config} row, creating the row the first time. */
function ensureConfig(world: World, worldSize: number): void {
  const row = world.query([Config]).toArray()[0]
  if (row === undefined) world.add(world.create(), Config, { worldSize })
  else if (world.read(row, Config, 'worldSize') !== worldSize) world.set(row, Config, 'worldSize', worldSize)
}

function runSpawnFood(ctx: ReducerContext): void {
  ensureFoodSpawner(ctx)
  const spawner = ctx.world.query([FoodSpawner]).toArray()[0]
  if (spawner === undefined) return
  const rng = createRng(0)
  rng.setState(ctx.world.read(spawner, FoodSpawner, 'rngState'))
  if (spawnFood(ctx.world, rng) > 0) ctx.world.set(spawner, FoodSpawner, 'rngState', rng.getState())
}

/**
 * Builds the Blackholio server module: the replicated components, the five reducers, the systems
 * (move every 50 ms, recombine timers every tick, food every 500 ms, decay every 5 s) and the
 * connect/disconnect hooks that keep a player for its return.
 *
 * @param options - `stats`: counters the module adds to; `loggedOutExpiryMs`: how long a logged-out player is kept;
 *   `worldSize`: the side of the world (see {@link BlackholioModuleOptions})
 * @returns a module for `createServer({ module })`
 * @throws RangeError when `loggedOutExpiryMs` is negative or not a number, or `worldSize` is not an integer in [100, 1 000 000]
 * @example
 * const stats = { foodEaten: 0, circlesEaten: 0, splits: 0, restoredPlayers: 0, restoredMass: 0 }
 * const server = createServer({ module: createBlackholioModule({ stats }), port: 3000 })
 * @see https://github.com/clockworklabs/SpacetimeDB/blob/master/demo/Blackholio/server-rust/src/lib.rs
 */
export function createBlackholioModule(options: BlackholioModuleOptions = {}): ModuleDef<BlackholioModuleReducers> {
  const stats = options.stats ?? { foodEaten: 0, circlesEaten: 0, splits: 0, restoredPlayers: 0, restoredMass: 0 }
  const expiryMs = options.loggedOutExpiryMs ?? DEFAULT_LOGGED_OUT_EXPIRY_MS
  if (!(expiryMs >= 0)) throw new RangeError(`loggedOutExpiryMs must be a number ≥ 0, got ${expiryMs}`)
  const worldSize = options.worldSize ?? WORLD_SIZE
  if (!Number.isInteger(worldSize) || worldSize < MIN_WORLD_SIZE || worldSize > MAX_WORLD_SIZE) {
    throw new RangeError(`worldSize must be an integer in [${MIN_WORLD_SIZE}, ${MAX_WORLD_SIZE}], got ${worldSize}`)
  }
  const systems: SystemDef[] = [
    {
      name: 'moveAllPlayers',
      everyMs: MOVE_INTERVAL_MS,
      run(ctx) {
        const eaten = moveAllPlayers(ctx.world, ctx.timestamp)
        stats.foodEaten += eaten.foodEaten
        stats.circlesEaten += eaten.circlesEaten
      },
    },
    {
      name: 'circleRecombine',
      run(ctx) {
        runDueRecombines(ctx.world, ctx.timestamp)
      },
    },
    { name: 'spawnFood', everyMs: SPAWN_FOOD_INTERVAL_MS, run: runSpawnFood },
    { name: 'leaderboard', everyMs: LEADERBOARD_INTERVAL_MS, run: (ctx) => updateLeaderboard(ctx.world) },
    {
      name: 'expireLoggedOut',
      everyMs: EXPIRY_INTERVAL_MS,
      run(ctx) {
        expireLoggedOutPlayers(ctx.world, ctx.timestamp, expiryMs)
      },
    },
    {
      name: 'circleDecay',
      everyMs: DECAY_INTERVAL_MS,
      run(ctx) {
        circleDecay(ctx.world)
      },
    },
  ]
  const agents = options.agents
  if (agents !== undefined) systems.push({ name: 'agents', run: (ctx) => agents.onTick(ctx) })
  return defineModule<BlackholioModuleReducers>({
    name: 'blackholio',
    components: liveComponents,
    serverComponents: [...loggedOutComponents, ...serverComponents, ...behaviorComponents],
    // Circles move every tick among hundreds of food entities at rest.
    frequent: [Circle],
    reducers: {
      enterGame: defineReducer(reducers.enterGame, (ctx, { name }) => spawnedAt(ctx.world, enterGame(ctx.world, ctx.sender, name, ctx.timestamp))),
      updatePlayerInput: defineReducer(reducers.updatePlayerInput, (ctx, { dirX, dirY }) => {
        updatePlayerInput(ctx.world, requirePlayer(ctx.world, ctx.sender), dirX, dirY)
      }),
      playerSplit: defineReducer(reducers.playerSplit, (ctx) => {
        stats.splits += playerSplit(ctx.world, requirePlayer(ctx.world, ctx.sender), ctx.timestamp)
      }),
      suicide: defineReducer(reducers.suicide, (ctx) => {
        suicide(ctx.world, ctx.sender)
      }),
      respawn: defineReducer(reducers.respawn, (ctx) => spawnedAt(ctx.world, respawn(ctx.world, ctx.sender, ctx.timestamp))),
      ...behaviorReducerDefs(operatorPolicy(options.operators)),
    },
    systems,
    eventScope(event) {
      // A consume animation matters to those who see the eaten body or the eater.
      if (event.name !== CONSUME_EVENT || !isConsumeEvent(event.payload)) return null
      return [event.payload.consumed as Entity, event.payload.consumer as Entity]
    },
    init(ctx) {
      ensureConfig(ctx.world, worldSize)
      ensureFoodSpawner(ctx)
    },
    onRecover(ctx) {
      // Nobody is connected after a restart: the players who were are kept logged out until they return.
      // Agents need no connection: they play on.
      for (const e of ctx.world.query([Player]).toArray()) if (!ctx.world.has(e, Agent)) playerDisconnected(ctx.world, ctx.world.read(e, Player, 'identity'), ctx.timestamp)
      ensureConfig(ctx.world, worldSize)
      ensureFoodSpawner(ctx)
    },
    onConnect(ctx) {
      const open = connectionsOf(ctx.world)
      const set = open.get(ctx.sender) ?? new Set<string>()
      set.add(ctx.connectionId ?? '')
      open.set(ctx.sender, set)
      const returning = ctx.world.findUnique(LoggedOutPlayer, 'identity', ctx.sender) !== undefined
      const player = playerConnected(ctx.world, ctx.sender)
      if (returning) {
        stats.restoredPlayers++
        for (const e of ctx.world.findAll(Circle, 'playerId', player)) stats.restoredMass += ctx.world.read(e, Body, 'mass')
      }
    },
    onDisconnect(ctx) {
      const open = connectionsOf(ctx.world)
      const set = open.get(ctx.sender)
      if (set !== undefined) {
        set.delete(ctx.connectionId ?? '')
        if (set.size > 0) return
        open.delete(ctx.sender)
      }
      playerDisconnected(ctx.world, ctx.sender, ctx.timestamp)
    },
  })
}

/**
 * The Blackholio module with its own counters (use {@link createBlackholioModule} to read them).
 *
 * @example
 * createServer({ module: blackholioModule })
 */
export const blackholioModule: ModuleDef<BlackholioModuleReducers> = createBlackholioModule()
