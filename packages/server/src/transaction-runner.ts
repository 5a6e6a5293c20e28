import type { World } from '@orrery/ecs'
import type { Logger } from 'pino'
import type { Identity } from './authenticator.js'
import type { OriginKind } from './commit-entry.js'
import type { CommitPipeline } from './commit-pipeline.js'
import type { ReducerContext } from './module.js'

/** Who runs a transaction and where to log. */
export interface TransactionCaller {
  readonly sender: Identity
  readonly connectionId: string | null
  readonly log: Logger
}

/**
 * Runs module code as world transactions: builds the {@link ReducerContext} and commits through
 * the pipeline (which assigns the seq, logs the entry and replicates). A throw rolls the world
 * back and propagates.
 */
export class TransactionRunner {
  /**
   * @param world - the world module code sees (the pipeline's guarded world)
   * @param pipeline - commits each transaction
   * @param currentTick - the tick number exposed as `ctx.tick`
   */
  constructor(
    private readonly world: World,
    private readonly pipeline: CommitPipeline,
    private readonly currentTick: () => number,
  ) {}

  /**
   * Runs `fn` in one transaction and commits its change set.
   * @param caller - sender identity, connection id and logger for the context
   * @param kind - reducer, system or hook
   * @param name - its name, recorded as the entry's origin
   * @param fn - the module code
   * @returns what `fn` returned
   * @throws whatever `fn` threw, after the world was rolled back
   */
  run<T>(caller: TransactionCaller, kind: OriginKind, name: string, fn: (ctx: ReducerContext) => T): T {
    const world = this.world
    const ctx: ReducerContext = {
      world,
      sender: caller.sender,
      connectionId: caller.connectionId,
      timestamp: Date.now(),
      rng: world.rng,
      tick: this.currentTick(),
      emit: (event, payload) => world.emit(event, payload),
      log: caller.log,
    }
    return this.pipeline.run({ kind, name, caller: caller.sender }, () => fn(ctx)).result
  }
}
