import type { ChangeSet, World } from '@orrery/ecs'
import type { Logger } from 'pino'
import type { Identity } from './authenticator.js'
import type { ReducerContext } from './module.js'

/** The part of the replicator a transaction commit needs. */
export interface CommitSink {
  commit(changes: ChangeSet): number
}

/** Who runs a transaction and where to log. */
export interface TransactionCaller {
  readonly sender: Identity
  readonly connectionId: string | null
  readonly log: Logger
}

/**
 * Runs module code as world transactions: builds the {@link ReducerContext},
 * and on success hands the non-empty change set to the replicator (which
 * assigns the next seq). A throw rolls the world back and propagates.
 */
export class TransactionRunner {
  private readonly world: World
  private readonly sink: CommitSink
  private readonly currentTick: () => number

  /**
   * @param world - the authoritative world
   * @param sink - receives each committed, non-empty change set
   * @param currentTick - the tick number exposed as `ctx.tick`
   */
  constructor(world: World, sink: CommitSink, currentTick: () => number) {
    this.world = world
    this.sink = sink
    this.currentTick = currentTick
  }

  /**
   * Runs `fn` in one transaction and commits its change set.
   * @param caller - sender identity, connection id and logger for the context
   * @param fn - the module code
   * @returns what `fn` returned
   * @throws whatever `fn` threw, after the world was rolled back
   */
  run<T>(caller: TransactionCaller, fn: (ctx: ReducerContext) => T): T {
    const world = this.world
    const ctx: ReducerContext = {
      world,
      sender: caller.sender,
      connectionId: caller.connectionId,
      timestamp: Date.now(),
      rng: world.rng,
      tick: this.currentTick(),
      emit: (name, payload) => world.emit(name, payload),
      log: caller.log,
    }
    const { result, changes } = world.transaction(() => fn(ctx))
    if (!changes.isEmpty) this.sink.commit(changes)
    return result
  }
}
