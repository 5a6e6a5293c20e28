import { type Connection, type ConnectionOptions, createConnection } from '@orrery/connection'
import type { Component, Schema } from '@orrery/ecs'
import { type ArgsSchema, CloseCode, type ReducerResult, type ServerMessage, type SubscribeApplied, type Unsubscribed, type Welcome } from '@orrery/protocol'
import { createReplica, type Replica } from '@orrery/sync'
import { ClientError } from './client-error.js'
import type { ComponentList, ConnectOptions, OrreryClient } from './client-types.js'
import { createKeyAuth } from './key-auth.js'
import { createReducers, type Reducers } from './reducer-proxy.js'
import { ReplicaSync } from './replica-sync.js'
import { SlidingRate } from './sliding-rate.js'
import { createTable, type Table } from './table.js'
import { toClientError } from './to-client-error.js'
import { TokenRefresher } from './token-refresher.js'

/**
 * Connects to an Orrery server: handshake, replica schema from Welcome, the
 * initial subscription; re-subscribes and re-syncs after each reconnect and
 * after a replica gap.
 *
 * @param options - URL, components, reducer schemas and connection settings, see {@link ConnectOptions}
 * @returns the client, once the initial subscription's snapshot is applied
 * @throws {ClientError} `ERR_INVALID_OPTIONS` (duplicate components, unknown names in `subscribe`); `ERR_CONNECT_FAILED` (handshake refused or subscription failed; `cause` has the reason)
 * @example
 * ```ts
 * import { connect } from '@orrery/client'
 * import { Body, Player, reducers } from '@orrery/demo-shared'
 *
 * const client = await connect({ url: 'ws://localhost:3000', components: [Body, Player], reducers,
 *   token: localStorage.getItem('token'), onTokenChange: (t) => localStorage.setItem('token', t) })
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
  const initial = options.subscribe === undefined || options.subscribe === 'all' ? [...names] : [...options.subscribe]
  for (const name of initial) {
    if (!names.has(name)) throw new ClientError('ERR_INVALID_OPTIONS', `subscribe names '${name}', which is not in components`)
  }
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

class Client {
  readonly connection: Connection
  readonly replica: Replica
  readonly db: Record<string, Table<Schema>>
  readonly reducers: Reducers<Record<string, ArgsSchema>>
  private readonly options: ConnectOptions<ComponentList, Record<string, ArgsSchema>>
  private readonly queries = new Map<number, readonly string[]>()
  private readonly received: SlidingRate
  private readonly sent: SlidingRate
  private readonly offs: (() => void)[] = []
  private identityValue = ''
  private tokenValue: string | null
  private nextQueryId = 1
  private welcomes = 0
  private readonly sync: ReplicaSync
  private readonly errorListeners = new Set<(error: ClientError) => void>()
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
    this.sync = new ReplicaSync(
      this.replica,
      () => this.queries.size > 0,
      (error, applied) => this.syncFailed(error, applied),
    )
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
      if (message.type === 'TransactionUpdate') this.sync.update(message)
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
      this.replica.onGap(() => this.resync()),
    )
  }

  get identity(): string {
    return this.identityValue
  }

  get token(): string {
    return this.tokenValue ?? ''
  }

  async open(initial: readonly string[]): Promise<void> {
    await this.connection.open()
    if (this.schemaError !== null) throw new ClientError('ERR_CONNECT_FAILED', this.schemaError.message, { cause: this.schemaError })
    if (initial.length > 0) await this.subscribe(initial)
  }

  async subscribe(components: readonly string[]): Promise<{ queryId: number; components: readonly string[]; unsubscribe(): Promise<void> }> {
    const queryId = this.nextQueryId++
    const list = [...components]
    this.queries.set(queryId, list)
    try {
      await this.sendSubscribe(queryId, list)
    } catch (error) {
      this.queries.delete(queryId)
      throw error
    }
    return { queryId, components: list, unsubscribe: () => this.unsubscribe(queryId) }
  }

  onEvent(fn: (name: string, payload: unknown) => void): () => void {
    return this.replica.onEvent(fn)
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

  stats(): { rttMs: number | null; bytesReceivedPerSec: number; bytesSentPerSec: number; seq: number } {
    const now = performance.now()
    const { bytesReceived, bytesSent } = this.connection.stats
    return {
      rttMs: this.connection.rttMs,
      bytesReceivedPerSec: this.received.sample(now, bytesReceived),
      bytesSentPerSec: this.sent.sample(now, bytesSent),
      seq: this.replica.seq,
    }
  }

  async disconnect(): Promise<void> {
    for (const off of this.offs.splice(0)) off()
    this.refresher.stop()
    await this.connection.close(1000, 'client disconnect')
  }

  private connectionOptions(): ConnectionOptions {
    const o = this.options
    const out: { -readonly [K in keyof ConnectionOptions]: ConnectionOptions[K] } = { url: o.url, token: this.tokenValue }
    if (o.WebSocket !== undefined) out.WebSocket = o.WebSocket
    if (o.reconnect !== undefined) out.reconnect = o.reconnect
    if (o.auth !== undefined) out.auth = o.auth
    else if (o.identity !== undefined) out.auth = createKeyAuth(o.identity, o.url, o.now === undefined ? {} : { now: o.now })
    if (o.requestTimeoutMs !== undefined) out.requestTimeoutMs = o.requestTimeoutMs
    if (o.handshakeTimeoutMs !== undefined) out.handshakeTimeoutMs = o.handshakeTimeoutMs
    if (o.pingIntervalMs !== undefined) out.pingIntervalMs = o.pingIntervalMs
    return out
  }

  private onWelcome(welcome: Welcome): void {
    this.welcomes++
    this.identityValue = welcome.identity
    this.setToken(welcome.token)
    this.refresher.schedule(welcome.token)
    try {
      this.replica.setSchema(welcome.schema)
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
    this.sync.newSession()
    // The first Welcome's subscription is sent by open(); later ones re-subscribe everything.
    if (this.welcomes > 1) this.resubscribeAll()
  }

  private setToken(token: string): void {
    if (token === this.tokenValue) return
    this.tokenValue = token
    this.options.onTokenChange?.(token)
  }

  private report(error: ClientError): void {
    for (const fn of this.errorListeners) fn(error)
  }

  /** Applying an update threw: a listener threw (report), or the update was refused (report and re-sync). */
  private syncFailed(cause: unknown, applied: boolean): void {
    const what = applied ? 'a row or event listener threw' : 'an update could not be applied; re-syncing'
    this.report(new ClientError('ERR_SYNC_FAILED', `${what}: ${messageOf(cause)}`, { cause }))
    if (!applied) this.resync()
  }

  /** A gap: start over from fresh snapshots (the replica is not anchored again until they arrive, so this cannot repeat meanwhile). */
  private resync(): void {
    this.sync.newSession()
    this.resubscribeAll()
  }

  /**
   * Re-sends every subscription (same queryIds, which the server replaces). A failure here means the
   * connection dropped again; the next Welcome re-subscribes once more.
   */
  private resubscribeAll(): void {
    for (const [queryId, list] of this.queries) this.sendSubscribe(queryId, list).catch(() => undefined)
  }

  private async sendSubscribe(queryId: number, components: readonly string[]): Promise<void> {
    const generation = this.sync.expectSnapshot()
    let applied: SubscribeApplied
    try {
      applied = await this.request<SubscribeApplied>(
        (requestId) => ({ type: 'Subscribe', requestId, queryId, components }),
        'ERR_SUBSCRIBE_FAILED',
      )
    } catch (error) {
      this.sync.failed(generation)
      throw error
    }
    try {
      this.sync.snapshot(generation, applied)
    } catch (cause) {
      throw new ClientError('ERR_SYNC_FAILED', `the snapshot could not be applied: ${messageOf(cause)}`, { cause })
    }
  }

  private async unsubscribe(queryId: number): Promise<void> {
    if (!this.queries.delete(queryId)) return
    const reply = await this.request<Unsubscribed>((requestId) => ({ type: 'Unsubscribe', requestId, queryId }))
    this.replica.applyUnsubscribed(reply)
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

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

function componentArray(list: ComponentList): readonly Component[] {
  if (isComponentArray(list)) return list
  const out: Component[] = []
  for (const [key, c] of Object.entries(list)) {
    if (key !== c.name) throw new ClientError('ERR_INVALID_OPTIONS', `components key '${key}' holds component '${c.name}'; keys must be component names`)
    out.push(c)
  }
  return out
}

function isComponentArray(list: ComponentList): list is readonly Component[] {
  return Array.isArray(list)
}
