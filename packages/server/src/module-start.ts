import type { CommitPipeline } from './commit-pipeline.js'
import type { ModuleDef } from './module.js'
import { messageOf } from './reducer-dispatcher.js'
import type { ResumableSession } from './resume/resumable-session.js'
import { ServerError } from './server-error.js'
import type { TransactionCaller, TransactionRunner } from './transaction-runner.js'

/** What {@link startModule} runs the hooks with. */
export interface ModuleStart {
  readonly module: ModuleDef
  readonly runner: TransactionRunner
  readonly pipeline: CommitPipeline
  /** The module's own caller (sender = MODULE_IDENTITY). */
  readonly caller: TransactionCaller
  /** Runs onConnect for a caller (a failure is logged, not thrown). */
  readonly connect: (caller: TransactionCaller) => void
}

/**
 * Starts a module on a server's world: `init` on a new world, `onRecover` on a recovered one (then the log
 * is flushed), then `onConnect` for each session a graceful restart restored (`onRecover` found nobody
 * connected to this process; a restored session connects to it, and its onDisconnect runs here when it ends).
 *
 * @param start - the module, runner, pipeline and callers
 * @param recovered - whether the world was recovered from the commit log
 * @param restored - the sessions restored from the previous process, restored before this call (their
 *   replicator views then take in what the hooks change)
 * @throws {ServerError} `ERR_INIT_FAILED` when `init` or `onRecover` throws
 */
export function startModule(start: ModuleStart, recovered: boolean, restored: readonly ResumableSession[]): void {
  const hook = recovered ? 'onRecover' : 'init'
  const fn = start.module[hook]
  if (fn !== undefined) {
    try {
      start.runner.run(start.caller, 'hook', hook, (ctx) => fn.call(start.module, ctx))
      start.pipeline.flushLog()
    } catch (error) {
      throw new ServerError('ERR_INIT_FAILED', `module ${hook} failed: ${messageOf(error)}`, { cause: error })
    }
  }
  for (const session of restored) {
    const log = start.caller.log.child({ connectionId: session.openedOn })
    start.connect({ sender: session.identity, connectionId: session.openedOn, log })
  }
}
