import type { SchemaDescription } from '@orrery/protocol'
import { describeSchema, type ArgsSchema } from '@orrery/protocol'
import type { Replicator } from '@orrery/sync'
import type { Logger } from 'pino'
import { MODULE_IDENTITY } from './module.js'
import type { Clock } from './clock.js'
import { createMemoryCommitLog } from './commit-log.js'
import { CommitPipeline } from './commit-pipeline.js'
import { createModuleReplicator, replicatedComponents } from './module-replicator.js'
import type { ResolvedServerOptions, ServerOptions } from './options.js'
import { PipelineWorld } from './pipeline-world.js'
import { type RecoveredWorld, recoverWorld } from './recovery.js'
import { type SessionsToRestore, takeSavedSessions } from './resume/session-persistence.js'

/** A server's world as {@link openWorld} opens it. */
export interface OpenedWorld {
  /** What the commit log held (seq, tick, whether a world was recovered). */
  readonly recovered: RecoveredWorld
  readonly replicator: Replicator
  readonly pipeline: CommitPipeline
  /** The world modules see: every transaction goes through the pipeline. */
  readonly world: PipelineWorld
  /** What Welcome describes: the replicated components and the reducers' arguments. */
  readonly schema: SchemaDescription
  /** The tick the server goes on from: the recovered one, or the one saved sessions were saved at. */
  readonly tick: number
  /** Sessions a graceful shutdown saved that go with the recovered world, or null. */
  readonly saved: SessionsToRestore | null
}

/**
 * Opens a server's world: recovers it from the commit log (an empty one by default), takes the sessions a
 * graceful shutdown saved in it when they go with that world, and builds the replicator and the commit
 * pipeline that continue its seq and tick.
 *
 * @param options - the validated server options
 * @param settings - the options' settings with their defaults (limits, recent commits)
 * @param hooks - the server's tick, clock, logger, and where a failed log flush is reported
 * @throws ServerError as `recoverWorld` (a log that does not match the module's components)
 */
export function openWorld(
  options: ServerOptions,
  settings: ResolvedServerOptions,
  hooks: { readonly tick: () => number; readonly clock: Clock; readonly onLogError: (error: unknown) => void; readonly log: Logger },
): OpenedWorld {
  const module = options.module
  const components = module.components
  const allComponents = [...components, ...(module.serverComponents ?? [])]
  const commitLog = options.commitLog ?? createMemoryCommitLog()
  const recovered = recoverWorld(commitLog, allComponents, options.seed ?? Math.floor(Math.random() * 0x7fffffff))
  const replicated = replicatedComponents(components)
  const reducerSchemas: Record<string, ArgsSchema> = {}
  for (const [name, def] of Object.entries(module.reducers)) reducerSchemas[name] = def.args
  const schema = describeSchema({ components: replicated, reducers: reducerSchemas })
  const saved = takeSavedSessions(commitLog.sessions, { ...recovered, schema }, settings.resume.graceMs > 0, hooks.log)
  const tick = saved?.tick ?? recovered.tick
  const raw = recovered.world
  const replicator = createModuleReplicator(module, raw, replicated, settings.limits, {
    seq: recovered.seq,
    tick,
    hysteresis: options.hysteresis,
  })
  const pipeline = new CommitPipeline({
    world: raw,
    log: commitLog,
    replicator,
    startSeq: recovered.seq,
    tick: hooks.tick,
    clock: hooks.clock,
    ...(options.groupCommitMs === undefined ? {} : { groupCommitMs: options.groupCommitMs }),
    recentSize: settings.recentCommits,
    onLogError: hooks.onLogError,
  })
  const world = new PipelineWorld(raw, pipeline, { kind: 'server', name: 'world.transaction', caller: MODULE_IDENTITY })
  return { recovered, replicator, pipeline, world, schema, tick, saved }
}
