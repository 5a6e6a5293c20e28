import type { ResumeCounters } from './resume/session-registry.js'
import type { World } from '@orrery/ecs'
import type { SchemaDescription } from '@orrery/protocol'
import type { ReplicatorStats } from '@orrery/sync'
import type { Logger } from 'pino'
import type { Identity } from './authenticator.js'
import type { LiveSettings } from './config/live-settings.js'
import type { CommitEntry } from './commit-entry.js'
import type { DurationSummary } from './duration-stats.js'
import type { HistoryFilter } from './history-filter.js'

/** Counters and tick timings of a running server, see `OrreryServer.metrics`. */
export interface ServerMetrics {
  /** Ticks run so far. */
  readonly ticks: number
  /** Schedule slots skipped because the loop fell more than `maxCatchUpTicks` behind. */
  readonly skippedTicks: number
  /** Duration of recent ticks (systems + replication + encoding), ms, over the last 1024 ticks. */
  readonly tickDurationsMs: DurationSummary
  /** Connections that completed the handshake and are open. */
  readonly clients: number
  /** Open sockets, including those still in the handshake. */
  readonly connections: number
  /** The last committed seq. */
  readonly seq: number
  /** The last seq the commit log flushed (on disk for a durable log). */
  readonly durableSeq: number
  /** Time reducer results waited for their group commit (durable logs), ms, over the last 1024 calls. */
  readonly groupCommitWaitMs: DurationSummary
  /** Bytes written to sockets (all frames). */
  readonly bytesSent: number
  /** Bytes read from sockets. */
  readonly bytesReceived: number
  /** Frames received. */
  readonly messagesReceived: number
  /** Reducer calls answered (successes and failures). */
  readonly reducerCalls: number
  /** Reducer calls answered with an error. */
  readonly reducerErrors: number
  /** Messages dropped by the rate limit. */
  readonly rateLimited: number
  /** Protocol violations, failed systems and hooks, socket errors. */
  readonly errors: number
  /** The replicator's counters since start: bytes and frames sent, time spent collecting views and encoding frames. */
  readonly replication: ReplicatorStats
  /** Sessions kept across dropped sockets: resumes honoured and refused, sessions waiting, history held. */
  readonly resume: ResumeMetrics
}

/** Counters of session resumes, see {@link ServerMetrics.resume}. */
export interface ResumeMetrics extends Readonly<ResumeCounters> {
  /** Sessions whose socket dropped, waiting for a resume now. */
  readonly detachedSessions: number
  /** Bytes of frame history held over all sessions. */
  readonly historyBytes: number
}

/** A running Orrery host, see {@link createServer}. */
export interface OrreryServer {
  /**
   * The authoritative world. Write to it inside `world.transaction(fn)` or {@link OrreryServer.mutate}
   * (or through `call`): every commit goes through the commit pipeline — a seq, the commit log, the
   * next update to every client. A write outside a transaction throws `ERR_NO_TRANSACTION`.
   */
  readonly world: World
  /** The seq the world was recovered at from the commit log (0 for a new world). */
  readonly recoveredSeq: number
  /** The last seq the commit log flushed (on disk for a durable log). */
  readonly durableSeq: number
  /** The number of the last tick run. */
  readonly tick: number
  /** The last committed seq. */
  readonly seq: number
  /** The schema sent in Welcome. */
  readonly schema: SchemaDescription
  /** The server's logger. */
  readonly log: Logger
  /**
   * Starts accepting WebSocket connections (and the tick loop unless `autoStart` is false).
   * @returns the bound port and host
   * @throws {ServerError} `ERR_ALREADY_LISTENING`, `ERR_CLOSED`; the listen error of the HTTP server (e.g. EADDRINUSE)
   */
  listen(): Promise<{ port: number; host: string }>
  /** Starts the tick loop (idempotent); `listen()` does it unless `autoStart` is false. */
  start(): void
  /** Stops the tick loop; ticks run only through `step()` afterwards. */
  stop(): void
  /**
   * Runs one tick now: the due systems, each in its own transaction, then the replicator flush.
   * @throws {ServerError} `ERR_CLOSED` after `close()`
   */
  step(): void
  /**
   * Calls a reducer in-process as one transaction and returns its result.
   * @param reducer - reducer name
   * @param args - arguments by name, checked against the arg schema
   * @param sender - identity for `ctx.sender`; default `MODULE_IDENTITY`
   * @returns what the reducer returned
   * @throws {ServerError} `ERR_UNKNOWN_REDUCER`, `ERR_INVALID_ARGUMENTS`, or `ERR_REDUCER_FAILED` (rolled back; `cause` holds the thrown value)
   */
  call(reducer: string, args: Readonly<Record<string, unknown>>, sender?: Identity): unknown
  /**
   * Runs server code as one transaction through the commit pipeline, recorded with `reason` as its origin.
   * @param reason - why (kept in the commit log, e.g. 'admin: reset scores')
   * @param fn - the writes; a throw rolls everything back and propagates
   * @returns what `fn` returned
   * @throws {ServerError} `ERR_CLOSED` after `close()`; whatever `fn` threw
   * @example
   * ```ts
   * import { defineComponent } from '@orrery/ecs'
   * const Food = defineComponent('Food', { mass: 'u32' })
   * declare const server: OrreryServer
   * server.mutate('admin: clear food', (world) => {
   *   for (const e of world.query([Food]).toArray()) world.destroy(e)
   * })
   * ```
   */
  mutate<T>(reason: string, fn: (world: World) => T): T
  /**
   * The recent committed transactions (see the `recentCommits` option) that match a filter, oldest first.
   * @param filter - seq range, identity, entity, origin; default: all kept
   * @returns the matching entries
   * @example
   * ```ts
   * import type { Entity } from '@orrery/ecs'
   * declare const server: OrreryServer
   * declare const player: Entity
   * server.history({ entity: player }).map((entry) => entry.origin)
   * ```
   */
  history(filter?: HistoryFilter): CommitEntry[]
  /**
   * Waits until every transaction committed so far is durable (its group commit is on disk).
   * @returns true then; false at once when the commit log is not durable, or when a flush failed
   * @example
   * ```ts
   * import { defineComponent, type Entity } from '@orrery/ecs'
   * const Wallet = defineComponent('Wallet', { coins: 'u32' })
   * declare const server: OrreryServer
   * declare const e: Entity
   * server.mutate('admin: grant', (world) => world.set(e, Wallet, 'coins', 100))
   * server.step()
   * await server.durable()
   * ```
   */
  durable(): Promise<boolean>
  /** @returns counters and tick timings, see {@link ServerMetrics} */
  metrics(): ServerMetrics
  /**
   * Graceful shutdown: stop accepting, stop ticking, run a final flush, close every client with
   * CloseCode.ServerShutdown, close the HTTP server. Idempotent: later calls return the same promise.
   */
  close(): Promise<void>
  /** Makes SIGINT and SIGTERM call `close()`; a second signal during the shutdown exits at once. */
  installSignalHandlers(): void
  /**
   * Applies settings that need no restart: the log level, the AOI hysteresis, and the rate, budget and cap
   * limits of `RELOADABLE_LIMITS` (open connections take them too). A key left out keeps its value.
   * @param settings - see {@link LiveSettings}
   * @throws {ServerError} `ERR_INVALID_OPTIONS` naming each invalid key (nothing applied); `ERR_CLOSED` after `close()`
   * @example
   * ```ts
   * const server = createServer({ module: defineModule({ name: 'empty', components: [], reducers: {} }) })
   * server.reconfigure({ logLevel: 'debug', limits: { messagesPerSecond: 30 } })
   * ```
   */
  reconfigure(settings: LiveSettings): void
}
