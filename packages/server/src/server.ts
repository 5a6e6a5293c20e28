import type { World } from '@orrery/ecs'
import {
  type ArgsSchema,
  type CallReducer,
  CloseCode,
  type SchemaDescription,
  type SetArea,
  type Subscribe,
  type Unsubscribe,
} from '@orrery/protocol'
import type { Replicator } from '@orrery/sync'
import type { Logger } from 'pino'
import type { WebSocket } from 'ws'
import { ConnectionCaps } from './admission/connection-caps.js'
import { UpgradeGate } from './admission/upgrade-gate.js'
import { HandshakeLimiter } from './auth/handshake-limiter.js'
import { Heartbeat } from './heartbeat.js'
import { type Authenticator, type AuthResult, createAnonymousAuthenticator, type Identity } from './authenticator.js'
import { ClientSession, type SessionCounters, type SessionHost } from './client-session.js'
import { type Clock, systemClock } from './clock.js'
import type { CommitEntry } from './commit-entry.js'
import type { CommitPipeline } from './commit-pipeline.js'
import { type HistoryFilter, matchesFilter } from './history-filter.js'
import { DurationStats } from './duration-stats.js'
import { serverHttpHandler } from './http/server-http.js'
import type { UpgradeFrames } from './http/upgrade-frames.js'
import { applyLiveSettings, type LiveSettings } from './config/live-settings.js'
import { Listener } from './listener.js'
import { openTelemetry, type Telemetry } from './metrics/telemetry.js'
import { resolveLogger } from './logger.js'
import { ConnectionIds } from './connection-ids.js'
import { MODULE_IDENTITY, type ModuleDef } from './module.js'
import { type ResolvedLimits, type ResolvedServerOptions, type ServerOptions, validateOptions } from './options.js'
import type { OrreryServer, ServerMetrics } from './orrery-server.js'
import { ReducerCalls } from './reducer-calls.js'
import { ReducerDispatcher } from './reducer-dispatcher.js'
import { ResultDelivery } from './result-delivery.js'
import { IdentitySessions } from './identity-sessions.js'
import type { ResumableSession } from './resume/resumable-session.js'
import { SessionKeeper } from './resume/session-keeper.js'
import { saveSessions, sessionStoreOf } from './resume/session-persistence.js'
import { collectMetrics } from './server-metrics.js'
import { SHUTDOWN_REASON, shutdown } from './server-shutdown.js'
import { SignalHandlers } from './signal-handlers.js'
import { SystemSchedule } from './system-schedule.js'
import { runSyncRequest } from './sync-request.js'
import { ServerError } from './server-error.js'
import { startModule } from './module-start.js'
import { TickLoop } from './tick-loop.js'
import { openWorld } from './open-world.js'
import { welcomeMessage } from './welcome-message.js'
import { type TransactionCaller, TransactionRunner } from './transaction-runner.js'

/**
 * Creates an Orrery server hosting `options.module`; runs `init` now, in a transaction.
 *
 * @param options - the module, network, tick and limit settings, see {@link ServerOptions}
 * @returns the server, not yet listening
 * @throws {ServerError} `ERR_INVALID_OPTIONS` when an option is invalid; `ERR_INIT_FAILED` when `init` throws
 * @example
 * ```ts
 * import { defineComponent } from '@orrery/ecs'
 * import { createServer, defineModule, defineReducer } from '@orrery/server'
 *
 * const Counter = defineComponent('Counter', { value: 'i32' })
 * const counterModule = defineModule({
 *   name: 'counter',
 *   components: [Counter],
 *   reducers: { add: defineReducer({ amount: 'i32' }, (ctx, { amount }) => ctx.world.add(ctx.world.create(), Counter, { value: amount })) },
 * })
 * const server = createServer({ module: counterModule, port: 3000, tickRate: 20 })
 * const { port } = await server.listen()
 * server.installSignalHandlers()
 * ```
 */
export function createServer<R extends Record<string, ArgsSchema>>(options: ServerOptions<R>): OrreryServer {
  return new Host(options as unknown as ServerOptions)
}


class Host implements OrreryServer, SessionHost {
  readonly world: World
  readonly recoveredSeq: number
  readonly schema: SchemaDescription
  readonly log: Logger
  readonly limits: ResolvedLimits
  readonly authenticator: Authenticator
  readonly handshakes: HandshakeLimiter
  readonly clock: Clock
  readonly counters: SessionCounters = { bytesSent: 0, bytesReceived: 0, messagesReceived: 0, errors: 0, rateLimited: 0 }
  private readonly options: ServerOptions
  private readonly settings: ResolvedServerOptions
  private readonly module: ModuleDef
  readonly replicator: Replicator
  private readonly pipeline: CommitPipeline
  private readonly results: ResultDelivery
  private readonly runner: TransactionRunner
  private readonly calls: ReducerCalls
  private readonly loop: TickLoop
  private readonly systems: SystemSchedule
  private readonly tickStats = new DurationStats(1024)
  private readonly sessions = new Map<string, ClientSession>()
  private readonly caps: ConnectionCaps
  private readonly upgrades: UpgradeGate
  readonly identities: IdentitySessions
  private readonly keeper: SessionKeeper
  private readonly heartbeat: Heartbeat
  private readonly moduleCaller: TransactionCaller
  private tickCount = 0
  private readonly connectionIds = new ConnectionIds()
  private listener: Listener | null = null
  private closing: Promise<void> | null = null
  private readonly onSystemError = (error: unknown, system: string, tick: number): void => {
    this.counters.errors++
    this.log.error({ err: error, system, tick }, 'system failed; its transaction was rolled back')
  }
  private readonly signals: SignalHandlers
  private readonly telemetry: Telemetry | null

  constructor(input: ServerOptions) {
    const { options, resolved, limits } = validateOptions(input)
    this.options = options
    this.settings = resolved
    this.limits = limits
    this.module = options.module
    this.log = resolveLogger(options.logger, `orrery:${options.module.name}`)
    this.identities = new IdentitySessions(resolved.duplicateIdentity)
    this.signals = new SignalHandlers(this.log, () => this.closing !== null, () => this.close())
    this.moduleCaller = { sender: MODULE_IDENTITY, connectionId: null, log: this.log }
    this.authenticator = options.authenticator ?? createAnonymousAuthenticator()
    this.clock = options.clock ?? systemClock
    const handshakeLimits = {
      perIp: limits.handshakesPerIp,
      ipWindowMs: limits.handshakeIpWindowMs,
      perIdentity: limits.handshakesPerIdentity,
      identityWindowMs: limits.handshakeIdentityWindowMs,
    }
    this.handshakes = new HandshakeLimiter(handshakeLimits, options.handshakeLimiters)
    this.caps = new ConnectionCaps(limits)
    this.upgrades = new UpgradeGate(this.handshakes, limits.connectionsPerSecond, limits.connectionBurst)
    const opened = openWorld(options, resolved, {
      tick: () => this.tickCount,
      clock: this.clock,
      onLogError: (error) => {
        this.counters.errors++
        this.log.error({ err: error }, 'commit log flush failed')
      },
      log: this.log,
    })
    const recovered = opened.recovered
    this.recoveredSeq = recovered.seq
    this.tickCount = opened.tick
    this.replicator = opened.replicator
    this.pipeline = opened.pipeline
    this.schema = opened.schema
    this.keeper = new SessionKeeper(resolved.resume, this)
    const source = { metrics: () => this.metrics(), sessions: () => this.sessions.values(), durableLog: options.commitLog?.durable === true }
    this.telemetry = openTelemetry(options, Object.keys(options.module.reducers), source)
    this.heartbeat = new Heartbeat(resolved.heartbeat, this.clock, () => this.sessions.values())
    this.results = new ResultDelivery({
      whenDurable: (done) => this.pipeline.whenDurable(done),
      replicator: this.replicator,
      onSendError: (error, clientId) => {
        this.counters.errors++
        this.log.error({ err: error, connectionId: clientId }, 'reducer result could not be sent')
      },
    })
    this.world = opened.world
    if (recovered.recovered) this.log.info({ seq: recovered.seq, entities: recovered.world.entityCount }, 'world recovered from the commit log')
    this.runner = new TransactionRunner(this.world, this.pipeline, () => this.tickCount)
    const dispatcher = new ReducerDispatcher(options.module, this.runner)
    this.calls = new ReducerCalls({ dispatcher, replicator: this.replicator, results: this.results, counters: this.counters, telemetry: this.telemetry, log: this.log })
    const tickRate = resolved.tickRate
    const periodMs = 1000 / tickRate
    this.systems = new SystemSchedule(options.module.systems ?? [], periodMs)
    this.loop = new TickLoop({
      periodMs,
      maxCatchUpTicks: resolved.maxCatchUpTicks,
      clock: this.clock,
      onTick: () => this.step(),
      onError: (error) => {
        this.counters.errors++
        this.log.error({ err: error }, 'tick failed')
      },
    })
    const start = { module: options.module, runner: this.runner, pipeline: this.pipeline, caller: this.moduleCaller, connect: (c: TransactionCaller) => this.runHook('onConnect', c) }
    const restored = opened.saved === null ? [] : this.keeper.restore(opened.saved.images, opened.saved.elapsedMs)
    this.connectionIds.skipPast(restored.flatMap((session) => [session.openedOn, session.connectionId]))
    startModule(start, recovered.recovered, restored)
  }

  get tick(): number {
    return this.tickCount
  }

  get seq(): number {
    return this.pipeline.seq
  }

  get durableSeq(): number {
    return this.pipeline.flushedSeq
  }

  mutate<T>(reason: string, fn: (world: World) => T): T {
    if (this.closing !== null) throw new ServerError('ERR_CLOSED', 'the server was closed')
    return this.pipeline.run({ kind: 'server', name: reason, caller: MODULE_IDENTITY }, () => fn(this.world)).result
  }

  durable(): Promise<boolean> {
    return this.pipeline.durable()
  }

  history(filter: HistoryFilter = {}): CommitEntry[] {
    return this.pipeline.recent.toArray().filter((entry) => matchesFilter(entry, filter))
  }

  async listen(): Promise<{ port: number; host: string }> {
    if (this.closing !== null) throw new ServerError('ERR_CLOSED', 'the server was closed')
    if (this.listener !== null) throw new ServerError('ERR_ALREADY_LISTENING', 'listen() was already called')
    const listener = new Listener({
      httpServer: this.options.httpServer,
      path: this.options.path,
      admitUpgrade: this.options.admitUpgrade,
      httpHandler: serverHttpHandler(this.options.httpHandler, this.telemetry, this.authenticator, this.log),
      maxPayload: this.limits.maxFrameBytes,
      allowedOrigins: this.options.allowedOrigins,
      refuseUpgrade: (address) => this.upgrades.check(address),
      headersTimeoutMs: this.limits.handshakeTimeoutMs,
      upgradeFrameBytes: this.limits.handshakeFrameBytes,
      onConnection: (ws, remoteAddress, frames) => this.accept(ws, remoteAddress, frames),
      log: this.log,
    })
    this.listener = listener
    const address = await listener.listen(this.settings.port, this.settings.host)
    this.log.info({ port: address.port, host: address.address, module: this.module.name }, 'listening')
    if (this.settings.autoStart) this.start()
    this.heartbeat.start()
    return { port: address.port, host: address.address }
  }

  start(): void {
    if (this.closing !== null) throw new ServerError('ERR_CLOSED', 'the server was closed')
    this.loop.start()
  }

  stop(): void {
    this.loop.stop()
  }

  step(): void {
    if (this.closing !== null) throw new ServerError('ERR_CLOSED', 'the server was closed')
    const started = performance.now()
    const tick = ++this.tickCount
    this.systems.run(tick, this.runner, this.moduleCaller, this.onSystemError)
    try {
      this.pipeline.endTick(tick, Date.now())
      this.keeper.sweep()
    } finally {
      const ms = performance.now() - started
      this.tickStats.record(ms)
      this.telemetry?.tick(ms)
    }
  }

  call(reducer: string, args: Readonly<Record<string, unknown>>, sender: Identity = MODULE_IDENTITY): unknown {
    return this.calls.inProcess(reducer, args, sender)
  }

  metrics(): ServerMetrics {
    const { tickCount: ticks, tickStats, sessions, pipeline, counters, calls, replicator } = this
    return collectMetrics({ ticks, skippedTicks: this.loop.skipped, tickStats, sessions, pipeline, counters, calls, replicator, registry: this.keeper.registry })
  }

  close(): Promise<void> {
    const store = this.keeper.registry.enabled ? sessionStoreOf(this.options.commitLog) : undefined
    this.closing ??= shutdown({
      timers: [this.loop, this.heartbeat, { stop: () => this.signals.remove() }],
      listener: this.listener,
      pipeline: this.pipeline,
      keeper: this.keeper,
      saveSessions: store === undefined ? null : () => saveSessions(this.keeper, store, { seq: this.pipeline.seq, tick: this.tickCount, schema: this.schema }, this.log),
      sessions: this.sessions.values(),
      tick: this.tickCount,
      counters: this.counters,
      log: this.log,
    })
    return this.closing
  }

  installSignalHandlers(): void {
    this.signals.install()
  }

  reconfigure(settings: LiveSettings): void {
    if (this.closing !== null) throw new ServerError('ERR_CLOSED', 'the server was closed')
    applyLiveSettings({ log: this.log, limits: this.limits, replicator: this.replicator, sessions: () => this.sessions.values() }, settings)
  }

  // SessionHost

  admit(session: ClientSession, auth: AuthResult): void {
    if (this.closing === null) {
      this.telemetry?.admitted()
      this.keeper.admit(session, auth)
    } else session.end(CloseCode.ServerShutdown, SHUTDOWN_REASON)
  }

  welcome(session: ClientSession, auth: AuthResult, sessionId: string, resumed: boolean, seq: number): void {
    const { flushedTick, flushedTime } = this.replicator
    session.send(welcomeMessage(auth, sessionId, resumed, seq, { tickRate: this.settings.tickRate, schema: this.schema, flushedTick, flushedTime }))
  }

  connected(session: ClientSession): void {
    session.log.info({ identity: session.identity }, 'client connected')
    this.runHook('onConnect', { sender: session.identity as Identity, connectionId: session.id, log: session.log })
  }

  disconnected(session: ResumableSession): void {
    const log = this.log.child({ connectionId: session.connectionId })
    log.info('client disconnected')
    this.runHook('onDisconnect', { sender: session.identity, connectionId: session.openedOn, log })
  }

  firstRequest(session: ClientSession, requestId: number): boolean {
    // Shutting down: nothing more commits after the last tick; the client sends the request again after it reconnects.
    if (this.closing !== null) return false
    return this.keeper.firstRequest(session, requestId)
  }

  callReducer(session: ClientSession, message: CallReducer): void {
    this.calls.fromClient(session, replicaId(session), message)
  }

  subscribe(session: ClientSession, message: Subscribe): void {
    const { requestId, queryId, components, area } = message
    runSyncRequest(session, this.counters, requestId, () => this.replicator.subscribe(replicaId(session), requestId, queryId, components, area))
  }

  unsubscribe(session: ClientSession, message: Unsubscribe): void {
    runSyncRequest(session, this.counters, message.requestId, () =>
      this.replicator.unsubscribe(replicaId(session), message.requestId, message.queryId),
    )
  }

  setArea(session: ClientSession, message: SetArea): void {
    if (this.closing !== null) return
    runSyncRequest(session, this.counters, null, () => this.replicator.setArea(replicaId(session), message.queryId, message.area))
  }

  ended(session: ClientSession, admitted: boolean): void {
    if (this.sessions.delete(session.id)) this.caps.release(session.remoteAddress)
    this.telemetry?.closed(session.closeCode, admitted, session.traffic)
    if (!admitted) return
    this.identities.remove(session, session.identity as Identity)
    this.keeper.ended(session)
  }

  private accept(ws: WebSocket, remoteAddress: string | undefined, frames: UpgradeFrames | null): void {
    const id = this.connectionIds.take()
    const log = this.log.child({ connectionId: id })
    if (this.closing !== null) {
      ws.close(CloseCode.ServerShutdown, SHUTDOWN_REASON)
      return
    }
    const refused = this.caps.tryOpen(remoteAddress)
    if (refused !== null) {
      this.counters.rateLimited++
      this.telemetry?.closed(refused, false)
      log.info({ remoteAddress, code: refused }, 'connection refused: connection cap')
      ws.close(refused, refused === CloseCode.ServerFull ? 'server full' : 'too many connections from this address')
      setTimeout(() => ws.terminate(), 2_000).unref()
      return
    }
    const session = new ClientSession(id, ws, this, log, remoteAddress)
    this.sessions.set(id, session)
    log.debug({ remoteAddress, upgradeFrames: frames?.frames.length }, 'connection opened')
    if (frames !== null) session.receiveUpgradeFrames(frames)
  }

  private runHook(hook: 'onConnect' | 'onDisconnect', caller: TransactionCaller): void {
    const fn = this.module[hook]
    if (fn === undefined) return
    try {
      this.runner.run(caller, 'hook', hook, (ctx) => fn.call(this.module, ctx))
    } catch (error) {
      this.counters.errors++
      caller.log.error({ err: error }, `${hook} failed; its transaction was rolled back`)
    }
  }
}

/** The replicator's id of the session a connection carries. */
function replicaId(connection: ClientSession): string {
  return connection.resumable?.id ?? connection.id
}
