import type { Component, Entity, Rng, World } from '@orrery/ecs'
import type { ArgsOf, ArgsSchema } from '@orrery/protocol'
import type { Logger } from 'pino'
import type { Identity } from './authenticator.js'

/**
 * What a reducer, system or hook sees while it runs inside its transaction.
 *
 * @example
 * ```ts
 * import { defineComponent } from '@orrery/ecs'
 * const Player = defineComponent('Player', { identity: 'string', name: 'string' })
 * const spawn = defineReducer({ name: 'string' }, (ctx, { name }) => {
 *   const e = ctx.world.create()
 *   ctx.world.add(e, Player, { identity: ctx.sender, name })
 *   ctx.emit('spawned', { name, at: ctx.timestamp })
 *   return e
 * })
 * ```
 */
export interface ReducerContext {
  /** The authoritative world; every write is part of the current transaction. */
  readonly world: World
  /** Who caused this transaction: the caller's identity, or {@link MODULE_IDENTITY} for systems and `init`. */
  readonly sender: Identity
  /** The connection that called, or null for systems, `init` and in-process calls. */
  readonly connectionId: string | null
  /** Wall-clock time in ms since the Unix epoch, taken when the transaction started. */
  readonly timestamp: number
  /** The world's seeded random number generator; its state rolls back with the transaction. */
  readonly rng: Rng
  /** The number of the last tick run (0 before the first tick); for systems, the tick running now. */
  readonly tick: number
  /** Adds an event to the transaction's change set; subscribers receive it with the next update. */
  emit(name: string, payload: unknown): void
  /** A pino logger bound to the connection (or the server for systems and hooks). */
  readonly log: Logger
}

/** A reducer: a named, typed function a client calls; runs as one transaction. */
export interface ReducerDef<A extends ArgsSchema = ArgsSchema> {
  /** The argument schema; positional on the wire, in key order. */
  readonly args: A
  /**
   * The body: throw to reject the call (everything it wrote rolls back).
   * @returns the value sent to the caller in ReducerResult (msgpack-encodable)
   */
  run(ctx: ReducerContext, args: ArgsOf<A>): unknown
}

/** A system: a function the server runs every `everyMs` inside its own transaction. */
export interface SystemDef {
  /** A name for logs and metrics. */
  readonly name: string
  /** Period in ms, rounded to whole ticks (at least one). Default: every tick. */
  readonly everyMs?: number
  /** The body; a throw rolls back this system's transaction for this tick only. */
  run(ctx: ReducerContext): void
}

/** A module: everything a server hosts. */
export interface ModuleDef<R extends Record<string, ArgsSchema> = Record<string, ArgsSchema>> {
  /** A name for logs. */
  readonly name: string
  /** The components (tables); their order fixes the table ids on the wire. */
  readonly components: readonly Component[]
  /** Components the server keeps to itself (not replicated, but persisted and recovered with the world). */
  readonly serverComponents?: readonly Component[]
  /**
   * Components whose entities change nearly every tick (players' avatars, projectiles): their entities get
   * one-byte handles on the wire, kept apart from the many entities at rest (the replicator's `frequent`).
   */
  readonly frequent?: readonly Component[]
  /**
   * Quantization steps a replicated position may stray from its true value before an update corrects it
   * (the replicator's `predictionTolerance`); default 0.
   */
  readonly predictionTolerance?: number
  /** The reducers by name. */
  readonly reducers: { readonly [K in keyof R]: ReducerDef<R[K]> }
  /** Systems in the order they run within a tick. */
  readonly systems?: readonly SystemDef[]
  /** Runs once, in a transaction, when the server is created (sender = {@link MODULE_IDENTITY}). */
  init?(ctx: ReducerContext): void
  /**
   * Runs once, in a transaction, when the server was created from a commit log that held a world
   * (instead of `init`), e.g. to log out the players that were connected when the server stopped.
   */
  onRecover?(ctx: ReducerContext): void
  /** Runs in a transaction after a client's handshake (sender = its identity). */
  onConnect?(ctx: ReducerContext): void
  /** Runs in a transaction after a client's connection closed (sender = its identity). */
  onDisconnect?(ctx: ReducerContext): void
  /**
   * The entity or entities an event concerns: the event then reaches only the clients that see one of them
   * (their subscriptions or areas of interest hold it); `null` or no function: every client hears it.
   */
  eventScope?(event: { readonly name: string; readonly payload: unknown }): Entity | readonly Entity[] | null
}

/**
 * The identity systems, `init` and in-process calls run as: 64 zeros (the
 * anonymous authenticator never issues it).
 *
 * @example
 * ```ts
 * const isServer = (ctx: ReducerContext) => ctx.sender === MODULE_IDENTITY
 * ```
 */
export const MODULE_IDENTITY: Identity = '0'.repeat(64)

/**
 * Declares a module, keeping the reducer names and argument types for inference.
 * @param module - components, reducers, systems and hooks, see {@link ModuleDef}
 * @returns the same object, typed
 * @example
 * ```ts
 * import { defineComponent } from '@orrery/ecs'
 * const Counter = defineComponent('Counter', { value: 'i32' })
 * export const counterModule = defineModule({
 *   name: 'counter',
 *   components: [Counter],
 *   reducers: {
 *     add: defineReducer({ amount: 'i32' }, (ctx, { amount }) => {
 *       const e = ctx.world.create()
 *       ctx.world.add(e, Counter, { value: amount })
 *       return e
 *     }),
 *   },
 * })
 * ```
 */
export function defineModule<R extends Record<string, ArgsSchema>>(module: ModuleDef<R>): ModuleDef<R> {
  return module
}

/**
 * Declares a reducer from its argument schema and body, inferring the argument types.
 * @param args - the argument schema, e.g. `{ dirX: 'f64', dirY: 'f64' }`
 * @param run - the body; its return value goes to the caller
 * @returns a {@link ReducerDef}
 * @example
 * ```ts
 * const setInput = defineReducer({ dirX: 'f64', dirY: 'f64' }, (ctx, { dirX, dirY }) => {
 *   ctx.log.debug({ dirX, dirY }, 'input')
 * })
 * ```
 */
export function defineReducer<const A extends ArgsSchema>(
  args: A,
  run: (ctx: ReducerContext, args: ArgsOf<A>) => unknown,
): ReducerDef<A> {
  return { args, run }
}
