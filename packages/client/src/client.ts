import { type Connection, type ConnectionOptions, createConnection } from '@orrery/connection'
import type { Component, Schema } from '@orrery/ecs'
import { type Area, type ArgsSchema, CloseCode, type ReducerResult, type ServerMessage, type SubscribeApplied, type Unsubscribed, type Welcome } from '@orrery/protocol'
import { createReplica, type Replica, SyncError } from '@orrery/sync'
import { ClientError } from './client-error.js'
import { worldSocketFor } from './world-options.js'
import { componentArray, initialSubscriptions, messageOf } from './connect-options.js'
import type { ComponentList, ConnectOptions, OrreryClient, ReconnectInfo, Subscription, SubscriptionSpec } from './client-types.js'
import { createKeyAuth, createKeyEarlyAuth } from './key-auth.js'
import { createReducers, type Reducers } from './reducer-proxy.js'
import { SlidingRate } from './sliding-rate.js'
import { createTable, type Table } from './table.js'
import { toClientError } from './to-client-error.js'
import { TokenRefresher } from './token-refresher.js'

/**
 * Connects to an Orrery server: handshake, replica schema from Welcome, the
 * initial subscriptions (whole tables, or areas of interest); re-subscribes
 * after each reconnect (rows the new session does not send again are deleted)
 * and reconnects for a fresh session after a replica gap.
 *
 * @param options - URL, components, reducer schemas and connection settings, see {@link ConnectOptions}
 * @returns the client, once the initial subscriptions' rows are applied
 * @throws {ClientError} `ERR_INVALID_OPTIONS` (duplicate components, unknown names in `subscribe`); `ERR_CONNECT_FAILED` (handshake refused or subscription failed; `cause` has the reason)
 * @example
 * ```ts
 * import { connect } from '@orrery/client'
 * import { defineComponent } from '@orrery/ecs'
 *
 * // The components and reducer schemas the server module uses (usually from a shared package).
 * const Body = defineComponent('Body', { x: 'f32', y: 'f32', mass: 'u32' })
 * const Player = defineComponent('Player', { identity: 'string', name: 'string' })
 * const reducers = { enterGame: { name: 'string' } } as const
 *
 * const saved = localStorage.getItem('token')
 * const client = await connect({ url: 'ws://localhost:3000', components: { Body, Player }, reducers,
 *   ...(saved === null ? {} : { token: saved }), onTokenChange: (t) => localStorage.setItem('token', t) })
 * client.db.Body.onInsert((e, body) => console.log('body', e, body.x, body.y))
 * await client.reducers.enterGame({ name: 'ada' })
 * ```
 */
export async function connect<const C extends ComponentList, const R extends Record<string, ArgsSchema>>(
  options: ConnectOptions<C, R>,
): Promise<OrreryClient<C, R>> {
  const components = componentArray(options.components)
  const names = new Set<string>()
  for (const c of components) {
    if (names.has(c.name)) throw new ClientError('ERR_INVALID_OPTIONS', `component '${c.name}' is listed twice`)
    names.add(c.name)
  }
  const initial = initialSubscriptions(options.subscribe, names)
  const client = new Client(options, components)
  try {
    await client.open(initial)
  } catch (error) {
    await client.disconnect()
    throw error instanceof ClientError && error.code === 'ERR_CONNECT_FAILED'
      ? error
      : new ClientError('ERR_CONNECT_FAILED', `could not connect: ${error instanceof Error ? error.message : String(error)}`, {
          cause: error,
        })
  }
  return client as unknown as OrreryClient<C, R>
}

interface Query {
  readonly components: readonly string[]
  area: Area | null
}

class Client {
  readonly connection: Connection
  readonly replica: Replica
  readonly db: Record<string, Table<Schema>>
  readonly reducers: Reducers<Record<string, ArgsSchema>>
  private readonly options: ConnectOptions<ComponentList, Record<string, ArgsSchema>>
  private readonly queries = new Map<number, Query>()
  private readonly received: SlidingRate
  private readonly sent: SlidingRate
  private readonly offs: (() => void)[] = []
  private identityValue = ''
  private tokenValue: string | null
  private nextQueryId = 1
  private welcomes = 0
  /** Subscriptions of this session still to be applied before the rows the session did not re-send are deleted. */
  private resyncPending = 0
  private session = 0
  private readonly errorListeners = new Set<(error: ClientError) => void>()
  private readonly reconnectListeners = new Set<(info: ReconnectInfo) => void>()
  /** False once the replica stopped following the session (a gap or a refused update): the next Hello does not resume. */
  private inStep = true
  private readonly resumes = { fromHistory: 0, fromSnapshot: 0 }
  /** After a resumed Welcome: the seq the replayed frames bring the replica to (then the replica is consistent again). */
  private resumeTarget: number | null = null
  private schemaError: ClientError | null = null
  private readonly refresher: TokenRefresher

  constructor(options: ConnectOptions<ComponentList, Record<string, ArgsSchema>>, components: readonly Component[]) {
    this.options = options
    this.tokenValue = options.token ?? null
    const windowMs = options.statsWindowMs ?? 5_000
    this.received = new SlidingRate(windowMs)
    this.sent = new SlidingRate(windowMs)
    // Baselines at zero bytes, so the first figures cover the traffic since the client started.
    this.received.sample(performance.now(), 0)
    this.sent.sample(performance.now(), 0)
    this.replica = createReplica({ components })
    this.db = {}
    for (const c of components) this.db[c.name] = createTable(this.replica, c)
    this.refresher = new TokenRefresher({
      marginMs: options.tokenRefreshMarginMs ?? 60_000,
      now: options.now ?? Date.now,
      refresh: () => this.refreshToken(),
      onError: (cause) => {
        // Not fatal: unrefreshed, the session ends with TokenExpired and the client signs in again.
        if (this.connection.state === 'connected') this.report(new ClientError('ERR_REMOTE', `token refresh failed: ${messageOf(cause)}`, { cause }))
      },
    })
    this.connection = createConnection(this.connectionOptions())
    this.reducers = createReducers(options.reducers, (reducer, args) =>
      this.request<ReducerResult>((requestId) => ({ type: 'CallReducer', requestId, reducer, args })),
    )
    const onWelcome = (welcome: Welcome): void => this.onWelcome(welcome)
    const onMessage = (message: ServerMessage): void => {
      if (message.type === 'TransactionUpdate') this.applyUpdate(message)
    }
    const onClose = ({ code }: { code: number }): void => {
      if (code === CloseCode.TokenRefused || code === CloseCode.TokenExpired) this.tokenValue = null
      this.refresher.stop()
    }
    this.connection.on('welcome', onWelcome)
    this.connection.on('message', onMessage)
    this.connection.on('close', onClose)
    this.offs.push(
      () => this.connection.off('welcome', onWelcome),
      () => this.connection.off('message', onMessage),
      () => this.connection.off('close', onClose),
      this.replica.onGap(({ expected, got }) => this.lost(`gap: expected seq ${expected}, got ${got}`)),
      this.replica.onApplied((seq) => {
        if (this.resumeTarget === null || seq < this.resumeTarget) return
        this.resumeTarget = null
        this.reconnected(true)
      }),
    )
  }

  get identity(): string {
    return this.identityValue
  }

  get token(): string {
    return this.tokenValue ?? ''
  }

  async open(initial: readonly SubscriptionSpec[]): Promise<void> {
    await this.connection.open()
    if (this.schemaError !== null) throw new ClientError('ERR_CONNECT_FAILED', this.schemaError.message, { cause: this.schemaError })
    await Promise.all(initial.map((spec) => this.subscribe(spec.components, spec.area === undefined ? {} : { area: spec.area })))
  }

  async subscribe(components: readonly string[], options: { area?: Area } = {}): Promise<Subscription> {
    const queryId = this.nextQueryId++
    const query: Query = { components: [...components], area: options.area ?? null }
    this.queries.set(queryId, query)
    try {
      await this.sendSubscribe(queryId, query, this.session)
    } catch (error) {
      this.queries.delete(queryId)
      throw error
    }
    return {
      queryId,
      components: query.components,
      get area() {
        return query.area
      },
      setArea: (area) => this.moveArea(queryId, area),
      unsubscribe: () => this.unsubscribe(queryId),
    }
  }

  setArea(area: Area): void {
    for (const [queryId, query] of this.queries) if (query.area !== null) this.moveArea(queryId, area)
  }

  onEvent(fn: (name: string, payload: unknown) => void): () => void {
    return this.replica.onEvent(fn)
  }

  onReconnect(fn: (info: ReconnectInfo) => void): () => void {
    this.reconnectListeners.add(fn)
    return () => {
      this.reconnectListeners.delete(fn)
    }
  }

  onError(fn: (error: ClientError) => void): () => void {
    this.errorListeners.add(fn)
    return () => {
      this.errorListeners.delete(fn)
    }
  }

  async refreshToken(): Promise<string> {
    const reply = await this.request<{ type: 'TokenRefreshed'; requestId: number; token: string }>((requestId) => ({
      type: 'RefreshToken',
      requestId,
    }))
    this.setToken(reply.token)
    this.refresher.schedule(reply.token)
    return reply.token
  }

  stats(): {
    rttMs: number | null
    bytesReceivedPerSec: number
    bytesSentPerSec: number
    seq: number
    reconnects: number
    resumedFromHistory: number
    resumedFromSnapshot: number
  } {
    const now = performance.now()
    const { bytesReceived, bytesSent } = this.connection.stats
    return {
      rttMs: this.connection.rttMs,
      bytesReceivedPerSec: this.received.sample(now, bytesReceived),
      bytesSentPerSec: this.sent.sample(now, bytesSent),
      seq: this.replica.seq,
      reconnects: Math.max(0, this.welcomes - 1),
      resumedFromHistory: this.resumes.fromHistory,
      resumedFromSnapshot: this.resumes.fromSnapshot,
    }
  }

  async disconnect(): Promise<void> {
    for (const off of this.offs.splice(0)) off()
    this.refresher.stop()
    await this.connection.close(1000, 'client disconnect')
  }

  private connectionOptions(): ConnectionOptions {
    const o = this.options
    const out: { -readonly [K in keyof ConnectionOptions]: ConnectionOptions[K] } = {
      url: o.url,
      token: this.tokenValue,
      resume: () => this.resumePoint(),
    }
    if (o.WebSocket !== undefined) out.WebSocket = o.WebSocket
    if (o.world !== undefined) out.WebSocket = worldSocketFor(o)
    if (o.reconnect !== undefined) out.reconnect = o.reconnect
    if (o.auth !== undefined) out.auth = o.auth
    else if (o.identity !== undefined) {
      out.auth = createKeyAuth(o.identity, o.url, o.now === undefined ? {} : { now: o.now })
      // A token with life left goes right behind Hello: a reconnect saves a round trip.
      out.earlyAuth = createKeyEarlyAuth(o.now === undefined ? {} : { now: o.now })
    }
    if (o.requestTimeoutMs !== undefined) out.requestTimeoutMs = o.requestTimeoutMs
    if (o.handshakeTimeoutMs !== undefined) out.handshakeTimeoutMs = o.handshakeTimeoutMs
    if (o.pingIntervalMs !== undefined) out.pingIntervalMs = o.pingIntervalMs
    if (o.heartbeatTimeoutMs !== undefined) out.heartbeatTimeoutMs = o.heartbeatTimeoutMs
    return out
  }

  /** Where the next Hello resumes: the last session and the replica's seq, unless the replica lost step. */
  private resumePoint(): { sessionId: string; lastSeq: number } | null {
    const welcome = this.connection.welcome
    if (!this.inStep || welcome === null || this.schemaError !== null) return null
    return { sessionId: welcome.sessionId, lastSeq: this.replica.seq }
  }

  private reconnected(resumed: boolean): void {
    if (resumed) this.resumes.fromHistory++
    else this.resumes.fromSnapshot++
    for (const fn of this.reconnectListeners) fn({ resumed })
  }

  private onWelcome(welcome: Welcome): void {
    this.welcomes++
    this.session++
    this.inStep = true
    this.resumeTarget = null
    this.identityValue = welcome.identity
    this.setToken(welcome.token)
    this.refresher.schedule(welcome.token)
    try {
      // A resumed Welcome carries no schema: the session's holds.
      if (!welcome.resumed) this.replica.setSchema(welcome.schema)
    } catch (cause) {
      // The server's tables do not match ours: following it would corrupt the replica.
      this.schemaError = new ClientError('ERR_SCHEMA_MISMATCH', `the server's schema does not match the client's components: ${messageOf(cause)}`, {
        cause,
      })
      // At connect, open() turns this into ERR_CONNECT_FAILED; after a reconnect nobody awaits, so report and stop.
      if (this.welcomes > 1) {
        this.report(this.schemaError)
        void this.connection.close(1000, 'schema mismatch')
      }
      return
    }
    this.replica.startSession(welcome, welcome.resumed)
    if (this.welcomes === 1) return
    if (welcome.resumed) {
      // The server replays what we missed right after Welcome (up to its seq), and our subscriptions go on.
      if (this.replica.seq >= welcome.seq) this.reconnected(true)
      else this.resumeTarget = welcome.seq
      return
    }
    // A fresh session: the server holds none of our rows. Subscribe again; rows it does not send again go once all are applied.
    this.resyncPending = this.queries.size
    if (this.resyncPending === 0) {
      this.replica.endResync()
      this.reconnected(false)
    }
    const session = this.session
    for (const [queryId, query] of this.queries) {
      this.sendSubscribe(queryId, query, session)
        .catch(() => undefined)
        .finally(() => {
          if (session !== this.session) return
          this.resyncPending--
          if (this.resyncPending === 0) {
            this.replica.endResync()
            this.reconnected(false)
          }
        })
    }
  }

  private applyUpdate(message: Parameters<Replica['applyUpdate']>[0]): void {
    try {
      this.replica.applyUpdate(message)
    } catch (error) {
      if (error instanceof SyncError) {
        // Refused whole: the replica is as before, but the session's handles can no longer be trusted.
        this.lost(`an update could not be applied: ${messageOf(error)}`, error)
        return
      }
      // Applied, but a row or event listener threw: the replica is in step, report and go on.
      this.report(new ClientError('ERR_SYNC_FAILED', `a row or event listener threw: ${messageOf(error)}`, { cause: error }))
    }
  }

  /** The session's stream can no longer be followed: report, and reconnect for a fresh session. */
  private lost(what: string, cause?: unknown): void {
    this.report(new ClientError('ERR_SYNC_FAILED', `${what}; reconnecting`, cause === undefined ? {} : { cause }))
    this.inStep = false
    this.connection.reconnect('replica out of step')
  }

  private setToken(token: string): void {
    if (token === this.tokenValue) return
    this.tokenValue = token
    this.options.onTokenChange?.(token)
  }

  private report(error: ClientError): void {
    for (const fn of this.errorListeners) fn(error)
  }

  private moveArea(queryId: number, area: Area): void {
    const query = this.queries.get(queryId)
    if (query === undefined || query.area === null) return
    query.area = area
    if (this.connection.state !== 'connected') return
    try {
      this.connection.send({ type: 'SetArea', queryId, area })
    } catch {
      // The socket closed meanwhile: the next session subscribes with the new area.
    }
  }

  private async sendSubscribe(queryId: number, query: Query, session: number): Promise<void> {
    const applied = await this.request<SubscribeApplied>(
      (requestId) => ({ type: 'Subscribe', requestId, queryId, components: query.components, area: query.area }),
      'ERR_SUBSCRIBE_FAILED',
    )
    // This runs a few microtasks after the answer arrived: updates read with it in the same turn may be applied
    // already, so the replica can be past `applied.seq`. Only an answer ahead of the replica means a gap.
    if (session === this.session && applied.seq > this.replica.seq) this.replica.applySubscribed(applied)
  }

  private async unsubscribe(queryId: number): Promise<void> {
    if (!this.queries.delete(queryId)) return
    await this.request<Unsubscribed>((requestId) => ({ type: 'Unsubscribe', requestId, queryId }))
  }

  private async request<T>(
    build: Parameters<Connection['request']>[0],
    remoteCode: 'ERR_SUBSCRIBE_FAILED' | 'ERR_REMOTE' = 'ERR_REMOTE',
  ): Promise<T> {
    try {
      return (await this.connection.request(build)) as T
    } catch (error) {
      throw toClientError(error, remoteCode)
    }
  }
}
