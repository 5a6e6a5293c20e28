import type { Component, Entity, World } from '@orrery/ecs'
import type { RoundedPositions } from './rounded-position.js'
import type { InputSeq } from './sequence.js'

/** What the model's input and step functions learn about the tick they run in. */
export interface StepContext {
  /** The tick being simulated, on the server's tick count. */
  readonly tick: number
  /**
   * Server time of that tick, ms since epoch: the authoritative state's `serverTime` plus whole ticks
   * (the same value on every replay, so a step that reads it stays deterministic).
   */
  readonly time: number
}

/**
 * The game's rules as prediction runs them: the same functions the server runs, over a predicted world
 * that holds only the client's own entities.
 *
 * For the predicted state to equal the server's, `applyInput` and `step` must be deterministic functions
 * of the world and the context: no wall clock (use `context.time`), no `Math.random` (use `world.rng`,
 * whose state is copied and rolled back with the world), the same floating-point operations in the same
 * order (IEEE 754 doubles give the same results on every engine; `Math.sqrt` and `Math.hypot` are exact
 * or correctly rounded in V8, but avoid transcendental functions whose last bit may differ between
 * engines), and an iteration order that depends on entity ids only (queries and indexes of `@orrery/ecs`
 * iterate by entity index). The fields must round the same way: declare the same component schemas on
 * both sides (an `f32` column rounds each write).
 *
 * @typeParam I - the input's type
 * @example
 * ```ts
 * import { createWorld, defineComponent, type Entity } from '@orrery/ecs'
 * import type { PredictionModel } from '@orrery/prediction'
 * const Body = defineComponent('Body', { x: 'f64', y: 'f64', vx: 'f64' })
 * const model: PredictionModel<number> = {
 *   components: [Body],
 *   applyInput(world, vx) {
 *     world.query([Body]).forEach((e) => world.set(e, Body, 'vx', vx))
 *   },
 *   step(world) {
 *     world.query([Body]).forEach((e) => world.set(e, Body, 'x', world.read(e, Body, 'x') + world.read(e, Body, 'vx')))
 *   },
 *   position(world, e: Entity, out) {
 *     if (!world.has(e, Body)) return false
 *     out[0] = world.read(e, Body, 'x')
 *     out[1] = world.read(e, Body, 'y')
 *     return true
 *   },
 * }
 * ```
 */
export interface PredictionModel<I> {
  /** The components copied from the authoritative state into the predicted world (the step's inputs). */
  readonly components: readonly Component[]
  /**
   * Applies one input: the reducer's effect, the same code the server runs. A throw rolls the input's
   * writes back and skips it, as the server does with a reducer that throws.
   */
  applyInput(world: World, input: I, context: StepContext): void
  /** Runs one tick of the shared step (the server's system). A throw rolls the step back. */
  step(world: World, context: StepContext): void
  /**
   * Writes the position of `entity` into `out[0]` (x) and `out[1]` (y), world units, and optionally its
   * drawn size into `out[2]` (world units, e.g. a radius; leave it for 0).
   * @returns false when the entity has no position (it is then neither drawn nor compared)
   */
  position(world: World, entity: Entity, out: Float64Array): boolean
  /**
   * Optional, with the predictor's `positionStep`: writes an unrounded position into the rewound state (the
   * estimate of the server's true position, see {@link RoundedPositions}), so that the replay is not offset
   * by the wire's rounding. Without it, the replay starts from the rounded one.
   */
  setPosition?(world: World, entity: Entity, x: number, y: number): void
}

/**
 * The authoritative state of the client's own entities, as of one update: what reconciliation rewinds to.
 *
 * @example
 * ```ts
 * import type { Entity, World } from '@orrery/ecs'
 * import type { AuthoritativeState } from '@orrery/prediction'
 * declare const replica: World, mine: Entity[]
 * const state: AuthoritativeState = { world: replica, entities: mine, tick: 120, serverTime: 1_700_000_006_000, ack: 41 }
 * ```
 */
export interface AuthoritativeState {
  /** The world holding the authoritative rows (the client's replica); read, never written. */
  readonly world: World
  /** The entities to predict (the client's own), alive in `world`. */
  readonly entities: readonly Entity[]
  /** The server tick the state is as of (the update's `tick`). */
  readonly tick: number
  /** The server time of that tick, ms since epoch (the update's `serverTime`). */
  readonly serverTime: number
  /**
   * The highest input sequence number whose effects the state includes (every earlier input is
   * included too); undefined when it includes none of this client's inputs.
   */
  readonly ack?: InputSeq | undefined
}

/** What one reconciliation found. */
export interface ReconcileReport {
  /** Inputs the state acknowledged (dropped from the replay). */
  readonly acknowledged: number
  /** Largest distance between a predicted position and the authoritative one at the state's tick, world units (0 when nothing could be compared). */
  readonly correction: number
  /** Whether `correction` exceeded the misprediction threshold. */
  readonly mispredicted: boolean
  /** Predicted creations now matched to the server's entities, as [local key, server entity] pairs. */
  readonly matched: readonly (readonly [number, Entity])[]
  /** Predicted creations the server did not make (rejected): local keys, now fading out. */
  readonly rejected: readonly number[]
}

/** One entity as drawn this frame, from {@link Predictor.display}. */
export interface PredictedBody {
  /** Display key: the entity id for the server's entities, a negative local id for predicted creations. */
  key: number
  /** The entity in the predicted world, or 0 for a rejected creation fading out. */
  entity: Entity
  /** Drawn x, world units (prediction + visual offset). */
  x: number
  /** Drawn y, world units. */
  y: number
  /** Drawn size from the model's `position` (e.g. a radius), world units. */
  size: number
  /** 1, or less while a rejected creation fades out. */
  opacity: number
}
