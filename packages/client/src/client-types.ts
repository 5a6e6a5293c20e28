import type { KeyIdentity } from '@orrery/auth'
import type { Connection, ConnectionOptions } from '@orrery/connection'
import type { Component } from '@orrery/ecs'
import type { Area, ArgsSchema } from '@orrery/protocol'
import type { Replica } from '@orrery/sync'
import type { ClientError } from './client-error.js'
import type { Reducers } from './reducer-proxy.js'
import type { Table } from './table.js'

/** The schema of a component type. */
type SchemaOf<K> = K extends Component<infer S> ? S : never

/** The components a client replicates: an array, or a record keyed by component name (`{ Body, Player }`). */
export type ComponentList = readonly Component[] | { readonly [name: string]: Component }

/** `client.db`: one typed {@link Table} per component, keyed by component name. */
export type Db<C extends ComponentList> = C extends readonly Component[]
  ? { readonly [K in C[number] as K['name']]: Table<SchemaOf<K>> }
  : { readonly [K in keyof C & string]: Table<SchemaOf<C[K]>> }

/** Options of {@link connect}. */
export interface ConnectOptions<C extends ComponentList, R extends Record<string, ArgsSchema>> {
  /** The server's WebSocket URL, e.g. `ws://localhost:3000`. */
  readonly url: string
  /** The components the client replicates (the same descriptors the server module uses), as an array or a record by name. */
  readonly components: C
  /** The reducers' arg schemas by name (the same object the server module uses). */
  readonly reducers: R
  /** A token from an earlier session (see `onTokenChange`) to come back as the same identity. */
  readonly token?: string | null
  /**
   * Subscriptions made at connect: 'all' (every component in `components`, whole tables), component names
   * (one whole-table subscription), or a list of {@link SubscriptionSpec} (each with an optional area of
   * interest). Default 'all'.
   */
  readonly subscribe?: readonly string[] | 'all' | readonly SubscriptionSpec[]
  /** Called with each new token (first Welcome, a changed token on reconnect, `refreshToken()`); persist it. */
  readonly onTokenChange?: (token: string) => void
  /** WebSocket implementation; default `globalThis.WebSocket`, else `ws` in Node. */
  readonly WebSocket?: ConnectionOptions['WebSocket']
  /**
   * A world of a world host (`@orrery/cluster`) to connect to: `url` is then the address of any of its processes
   * (`http(s)://` or `ws(s)://host:port`) and each connect first asks where the world lives, so the client follows
   * it to another process (failover) and resumes there.
   */
  readonly world?: string
  /** With `world`: the seat ticket (a matchmaking reservation). Default: a random one per client, kept across reconnects. */
  readonly ticket?: string
  /** With `world`: more process addresses to ask where the world lives when `url`'s process is down. */
  readonly processes?: readonly string[]
  /** With `world`: its WebSocket URL for the first connect, when known (matchmaking's answer). */
  readonly worldUrl?: string
  /** Reconnect backoff, see `@orrery/connection`. */
  readonly reconnect?: ConnectionOptions['reconnect']
  /**
   * The client's key identity (`@orrery/auth`): the client signs the server's Challenge with it,
   * keeps the token it gets in memory, presents it on reconnects while it is valid, refreshes it
   * before it expires, and signs in again when the server refuses it.
   */
  readonly identity?: KeyIdentity
  /** With a token that expires: refresh it this long before `exp`, ms. Default 60 000. */
  readonly tokenRefreshMarginMs?: number
  /** Wall-clock time for token expiry, ms since the epoch. Default `Date.now`. */
  readonly now?: () => number
  /** The auth seam, see `@orrery/connection`; default: key signatures with `identity`, else the token when one is known, else 'anonymous'. */
  readonly auth?: ConnectionOptions['auth']
  /** Request (reducer call, subscription) timeout in ms. Default 10 000. */
  readonly requestTimeoutMs?: number
  /** Handshake timeout in ms. Default 10 000. */
  readonly handshakeTimeoutMs?: number
  /** Ping interval in ms for RTT. Default 2 000. */
  readonly pingIntervalMs?: number
  /** A socket that receives nothing for this long (ms) is replaced (a half-open socket). Default 3 × pingIntervalMs + 1 000. */
  readonly heartbeatTimeoutMs?: number
  /** Window of the bytes-per-second figures of `stats()`, ms. Default 5 000. */
  readonly statsWindowMs?: number
}

/**
 * One subscription to make at connect: component names and, optionally, an area of interest (world units).
 *
 * @example
 * ```ts
 * const spec: SubscriptionSpec = { components: ['Body', 'Circle', 'Food'], area: { minX: 0, minY: 0, maxX: 160, maxY: 100, margin: 20 } }
 * ```
 */
export interface SubscriptionSpec {
  readonly components: readonly string[]
  /** Only the rows of entities whose position (a component with a spatial index) lies in this area. */
  readonly area?: Area
}

/** A live subscription, see {@link OrreryClient.subscribe}. */
export interface Subscription {
  /** The client-chosen id of the subscription. */
  readonly queryId: number
  /** The component names it covers. */
  readonly components: readonly string[]
  /** Its area of interest, or null for whole tables. */
  readonly area: Area | null
  /**
   * Moves its area (as the camera moves): entities entering and leaving arrive as inserts and deletes.
   * Counts against the server's message rate: send at most a few times per second. Ignored for whole-table subscriptions.
   */
  setArea(area: Area): void
  /** Ends it; rows of components no other subscription covers leave the tables (onDelete fires). */
  unsubscribe(): Promise<void>
}

/** Figures of {@link OrreryClient.stats}. */
export interface ClientStats {
  /** Smoothed round-trip time from Ping/Pong, ms, or null before the first Pong. */
  readonly rttMs: number | null
  /** Bytes received per second over the stats window. */
  readonly bytesReceivedPerSec: number
  /** Bytes sent per second over the stats window. */
  readonly bytesSentPerSec: number
  /** The seq of the last applied update. */
  readonly seq: number
  /** Sessions after the first: how often the client came back after a drop. */
  readonly reconnects: number
  /** Reconnects where the server resumed the session, replaying what the client missed. */
  readonly resumedFromHistory: number
  /** Reconnects into a fresh session, where the client re-synced from fresh rows (diffed against its replica). */
  readonly resumedFromSnapshot: number
}

/**
 * How the client came back after a drop.
 *
 * @example
 * ```ts
 * declare const client: OrreryClient<[], {}>
 * client.onReconnect(({ resumed }: ReconnectInfo) => { if (!resumed) console.warn('continuity lost: re-synced') })
 * ```
 */
export interface ReconnectInfo {
  /**
   * true: the server resumed the session and replayed every frame missed (events included). false: a fresh
   * session; the replica was re-synced by diffing fresh rows against it (row callbacks fired for what changed),
   * but events of the gap were lost and calls in flight failed with `ERR_DISCONNECTED`.
   */
  readonly resumed: boolean
}

/** A connected client, see {@link connect}. */
export interface OrreryClient<C extends ComponentList, R extends Record<string, ArgsSchema>> {
  /** Who the server says this client is (stable across reconnects with the token). */
  readonly identity: string
  /** The current token; present it later (option `token`) to be the same identity. */
  readonly token: string
  /** The underlying connection (state, events, raw requests). */
  readonly connection: Connection
  /** The replica world the tables read from. */
  readonly replica: Replica
  /** Typed tables by component name. */
  readonly db: Db<C>
  /** Typed reducer callers by name. */
  readonly reducers: Reducers<R>
  /**
   * Subscribes to more components; resolves when their rows are applied.
   * @param components - component names
   * @param options - `area`: only the rows of entities whose position lies in it (world units)
   * @returns the subscription
   * @throws {ClientError} `ERR_SUBSCRIBE_FAILED` (remoteCode `ERR_UNKNOWN_COMPONENT`, `ERR_TOO_MANY_SUBSCRIPTIONS`, `ERR_NO_POSITION`), `ERR_TIMEOUT`, `ERR_DISCONNECTED`, `ERR_NOT_CONNECTED`
   */
  subscribe(components: readonly string[], options?: { readonly area?: Area }): Promise<Subscription>
  /** Moves the area of every area subscription (see {@link Subscription.setArea}). */
  setArea(area: Area): void
  /** Calls `fn` for each event of each applied update; returns the unsubscribe function. */
  onEvent(fn: (name: string, payload: unknown) => void): () => void
  /**
   * Calls `fn` each time the client is back after a drop and its replica is consistent again: after a resumed
   * Welcome, or once a fresh session's subscriptions are re-applied. Returns the unsubscribe function.
   */
  onReconnect(fn: (info: ReconnectInfo) => void): () => void
  /**
   * Calls `fn` for failures that no call of yours awaits: `ERR_SYNC_FAILED` (an update could not be applied and the
   * client re-syncs, or one of your row/event listeners threw), `ERR_SCHEMA_MISMATCH` (after a reconnect the server's
   * tables differ; the client disconnects). Returns the unsubscribe function.
   */
  onError(fn: (error: ClientError) => void): () => void
  /**
   * Asks the server for a fresh token (also passed to `onTokenChange`).
   * @returns the new token
   * @throws {ClientError} `ERR_REMOTE`, `ERR_TIMEOUT`, `ERR_DISCONNECTED`, `ERR_NOT_CONNECTED`
   */
  refreshToken(): Promise<string>
  /** @returns RTT, bytes per second in and out, and the replica's seq */
  stats(): ClientStats
  /** Closes the connection for good (no reconnect). */
  disconnect(): Promise<void>
}
