import type { Server as HttpServer, IncomingMessage, ServerResponse } from 'node:http'
import type { ArgsSchema } from '@orrery/protocol'
import type { Logger, LoggerOptions } from 'pino'
import * as v from 'valibot'
import type { HandshakeRateLimiter } from './auth/handshake-limiter.js'
import type { Authenticator } from './authenticator.js'
import type { Clock } from './clock.js'
import type { CommitLog } from './commit-log.js'
import type { HeartbeatOptions } from './heartbeat.js'
import type { ModuleDef } from './module.js'
import type { ResumeOptions } from './resume/resume-options.js'
import { ServerError } from './server-error.js'

/** Per-connection limits; every one is enforced, see the package README for what a client gets when it crosses one. */
export interface ServerLimits {
  /** Largest accepted frame in bytes (ws `maxPayload`; larger → close 1009). Default 65 536. */
  readonly maxFrameBytes?: number
  /** Sustained messages per second per connection (token bucket refill). Default 60. */
  readonly messagesPerSecond?: number
  /** Token bucket size: messages accepted in a burst. Default 120. */
  readonly messageBurst?: number
  /** Sustained bytes per second per connection, charged before decoding (token bucket refill). Default 65 536. */
  readonly bytesPerSecond?: number
  /** Bytes accepted in a burst (raised to `maxFrameBytes` when smaller). Default 262 144. */
  readonly byteBurst?: number
  /**
   * Most msgpack values in one frame (every level counted: the frame array, each element, each map key and value),
   * counted by the frame scan before decoding; more → Error ERR_LIMIT_EXCEEDED, close CloseCode.ProtocolError. Default 4096.
   */
  readonly maxFrameElements?: number
  /** Sustained msgpack values per second per connection, charged before decoding. Default 8192. */
  readonly elementsPerSecond?: number
  /** msgpack values accepted in a burst (raised to `maxFrameElements` when smaller). Default 32 768. */
  readonly elementBurst?: number
  /** Largest frame accepted before Welcome, bytes; larger → close 1009 (MessageTooBig). Default 8192. */
  readonly handshakeFrameBytes?: number
  /** Most msgpack values in one frame before Welcome; more → close CloseCode.ProtocolError. Default 64. */
  readonly handshakeFrameElements?: number
  /** Open connections the server accepts in all; more → close CloseCode.ServerFull (4012). Default 10 000. */
  readonly maxConnections?: number
  /** Open connections one IP address may hold; more → close CloseCode.TooManyConnections (4013). Default 64. */
  readonly maxConnectionsPerIp?: number
  /**
   * New connections per second the server accepts from everyone together (each handshake verifies a signature
   * or token); more → the upgrade is refused with HTTP 503 before a WebSocket exists. Default 50.
   */
  readonly connectionsPerSecond?: number
  /** New connections accepted at once above that rate. Default 100. */
  readonly connectionBurst?: number
  /** Message-budget tokens one Subscribe costs (each may send a whole view): 10 makes it 6 a second, bursts of 12. Default 10. */
  readonly subscribeCost?: number
  /** Message-budget tokens one RefreshToken costs (each signs a token): 30 makes it 2 a second, bursts of 4. Default 30. */
  readonly refreshTokenCost?: number
  /**
   * Handshakes of its IP address and identity windows that a connection closed for abuse costs (a malformed or
   * oversized frame, repeated rate limiting, a message out of order): repeated abuse is refused at the next
   * handshakes. Default 10.
   */
  readonly abusePenalty?: number
  /** Over-limit messages tolerated within {@link ServerLimits.strikeWindowMs} before the close with CloseCode.RateLimited. Default 60. */
  readonly rateLimitStrikes?: number
  /** Window in ms over which strikes are forgiven (strikes refill at `rateLimitStrikes` per window). Default 10 000. */
  readonly strikeWindowMs?: number
  /** Active subscriptions per client (more → Error ERR_TOO_MANY_SUBSCRIPTIONS). Default 16. */
  readonly maxSubscriptionsPerClient?: number
  /** Bytes queued on a socket (ws `bufferedAmount`) above which the client is closed with CloseCode.SlowConsumer. Default 4 MiB. */
  readonly maxOutboxBytes?: number
  /** Time in ms from the socket opening to Welcome before the close with CloseCode.HandshakeTimeout. Default 10 000. */
  readonly handshakeTimeoutMs?: number
  /** Handshakes one IP address may start per `handshakeIpWindowMs`; more close with CloseCode.RateLimited. Default 30. */
  readonly handshakesPerIp?: number
  /** Window of `handshakesPerIp`, ms (whole seconds). Default 10 000. */
  readonly handshakeIpWindowMs?: number
  /** Sign-ins one identity may complete per `handshakeIdentityWindowMs`; more close with CloseCode.RateLimited. Default 10. */
  readonly handshakesPerIdentity?: number
  /** Window of `handshakesPerIdentity`, ms (whole seconds). Default 60 000. */
  readonly handshakeIdentityWindowMs?: number
  /**
   * Bytes queued on a socket above which the client is a slow reader: its updates wait, collapsed to the
   * newest value of each changed field, until it catches up. Default 262 144.
   */
  readonly slowReaderBytes?: number
  /** Time in ms a client may stay a slow reader before the close with CloseCode.SlowConsumer. Default 15 000. */
  readonly slowReaderTimeoutMs?: number
  /**
   * Estimated bytes of one client's update per tick; rows beyond it wait for later ticks, the nearest and
   * longest-waiting first. Default 16 384.
   */
  readonly updateBudgetBytes?: number
}

/** What to do when an identity connects while a connection with the same identity is open. */
export type DuplicateIdentityPolicy = 'replace' | 'allow'

/** Options of `createServer`. */
export interface ServerOptions<R extends Record<string, ArgsSchema> = Record<string, ArgsSchema>> {
  /** The module to host: components, reducers, systems and hooks. */
  readonly module: ModuleDef<R>
  /** TCP port; 0 picks a free one (see the `listen()` result). Default 0. Ignored with `httpServer`. */
  readonly port?: number
  /** Interface to bind. Default '127.0.0.1'; use '0.0.0.0' to accept remote clients. Ignored with `httpServer`. */
  readonly host?: string
  /** Ticks per second (Hz). Default 20. */
  readonly tickRate?: number
  /** Start the tick loop in `listen()`; with false, ticks run only through `server.step()`. Default true. */
  readonly autoStart?: boolean
  /** Ticks run back to back at most when the loop is late; older missed ticks are skipped. Default 4. */
  readonly maxCatchUpTicks?: number
  /** Seed of the world's random number generator (`ctx.rng`). Default: random. */
  readonly seed?: number
  /** A pino logger, pino options, or false to log nothing. Default: pino at level 'info'. */
  readonly logger?: Logger | LoggerOptions | false
  /** Connection limits, see {@link ServerLimits}. */
  readonly limits?: ServerLimits
  /**
   * Origins (`scheme://host[:port]`, exactly as browsers send the `Origin` header) allowed to open a WebSocket;
   * an upgrade with another Origin is refused with HTTP 403. Requests without an Origin (non-browser clients)
   * are allowed. Default: any origin.
   */
  readonly allowedOrigins?: readonly string[]
  /** Serves plain HTTP requests (e.g. static files of a web client) on the same port. Default: 426 Upgrade Required. */
  readonly httpHandler?: (request: IncomingMessage, response: ServerResponse) => void
  /** Attach to this existing HTTP server instead of creating one; `listen()` starts it when not listening, `close()` leaves it open. */
  readonly httpServer?: HttpServer
  /**
   * Accept WebSocket upgrades only on this URL path (e.g. `/worlds/arena-1`), leaving other paths to other
   * servers on the same `httpServer`: how one HTTP server carries many worlds. Default: any path.
   */
  readonly path?: string
  /**
   * A last check of each upgrade request (after origin and rate checks), e.g. a seat reservation: resolves the
   * HTTP status to refuse it with (404, 409, 410, 503...), or null to accept. Default: accept.
   */
  readonly admitUpgrade?: (request: IncomingMessage) => Promise<number | null>
  /** The auth seam. Default: `createAnonymousAuthenticator()` (random secret per process). */
  readonly authenticator?: Authenticator
  /** A second connection with an open identity: 'replace' closes the first with CloseCode.SessionReplaced; 'allow' keeps both. Default 'replace'. */
  readonly duplicateIdentity?: DuplicateIdentityPolicy
  /** Replacements for the memory handshake limiters (rate-limiter-flexible instances, e.g. on Redis for a cluster); keys are IP addresses and identities. */
  readonly handshakeLimiters?: { readonly ip?: HandshakeRateLimiter; readonly identity?: HandshakeRateLimiter }
  /** World units beyond an area's margin before an entity leaves a client's view. Default: a tenth of the area's larger side. */
  readonly hysteresis?: number
  /** Time source and timers of the tick loop (inject a fake one in tests). Default: the system clock. */
  readonly clock?: Clock
  /**
   * Where every committed transaction is written, and the world recovered from at start.
   * Default: `createMemoryCommitLog()` (nothing survives the process); `@orrery/sqlite` gives a durable one.
   */
  readonly commitLog?: CommitLog
  /** Group commit every this many ms as well as at every tick end (durable logs only). Default: at tick ends only. */
  readonly groupCommitMs?: number
  /** Commit entries kept in memory for `server.history()`. Default 1024. */
  readonly recentCommits?: number
  /** How long sessions outlive a dropped socket and how much of their stream is kept for a resume; see {@link ResumeOptions}. */
  readonly resume?: ResumeOptions
  /** Server pings and the idle timeout (close 4011); see {@link HeartbeatOptions}. */
  readonly heartbeat?: HeartbeatOptions
}

/** {@link ServerLimits} with every default applied. */
export type ResolvedLimits = { readonly [K in keyof ServerLimits]-?: NonNullable<ServerLimits[K]> }

const VALUE_TYPES = ['f32', 'f64', 'i8', 'i16', 'i32', 'u8', 'u16', 'u32', 'bool', 'string', 'entity', 'json'] as const

const positiveInt = v.pipe(v.number(), v.integer(), v.minValue(1))
const isObject = (x: unknown): boolean => typeof x === 'object' && x !== null

const moduleSchema = v.object({
  name: v.pipe(v.string(), v.minLength(1)),
  components: v.array(
    v.looseObject({ name: v.pipe(v.string(), v.minLength(1)), fields: v.array(v.string()) }),
  ),
  reducers: v.record(
    v.string(),
    v.looseObject({ args: v.record(v.string(), v.picklist(VALUE_TYPES)), run: v.function() }),
  ),
  systems: v.optional(
    v.array(
      v.looseObject({
        name: v.pipe(v.string(), v.minLength(1)),
        everyMs: v.optional(v.pipe(v.number(), v.minValue(0), v.finite())),
        run: v.function(),
      }),
    ),
  ),
  serverComponents: v.optional(
    v.array(v.looseObject({ name: v.pipe(v.string(), v.minLength(1)), fields: v.array(v.string()) })),
  ),
  init: v.optional(v.function()),
  onRecover: v.optional(v.function()),
  onConnect: v.optional(v.function()),
  onDisconnect: v.optional(v.function()),
  eventScope: v.optional(v.function()),
})

const optionsSchema = v.strictObject({
  module: moduleSchema,
  port: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(65_535))),
  host: v.optional(v.pipe(v.string(), v.minLength(1))),
  tickRate: v.optional(v.pipe(v.number(), v.minValue(0.1), v.maxValue(1000))),
  autoStart: v.optional(v.boolean()),
  maxCatchUpTicks: v.optional(positiveInt),
  seed: v.optional(v.pipe(v.number(), v.finite())),
  logger: v.optional(v.union([v.literal(false), v.custom<object>(isObject, 'Invalid type: Expected a pino logger, pino options or false')])),
  limits: v.optional(
    v.strictObject({
      maxFrameBytes: v.optional(v.pipe(positiveInt, v.minValue(64))),
      messagesPerSecond: v.optional(v.pipe(v.number(), v.minValue(0.001), v.finite())),
      messageBurst: v.optional(positiveInt),
      bytesPerSecond: v.optional(positiveInt),
      byteBurst: v.optional(positiveInt),
      maxFrameElements: v.optional(v.pipe(positiveInt, v.minValue(8))),
      elementsPerSecond: v.optional(positiveInt),
      elementBurst: v.optional(positiveInt),
      handshakeFrameBytes: v.optional(v.pipe(positiveInt, v.minValue(64))),
      handshakeFrameElements: v.optional(v.pipe(positiveInt, v.minValue(8))),
      maxConnections: v.optional(positiveInt),
      maxConnectionsPerIp: v.optional(positiveInt),
      connectionsPerSecond: v.optional(positiveInt),
      connectionBurst: v.optional(positiveInt),
      subscribeCost: v.optional(positiveInt),
      refreshTokenCost: v.optional(positiveInt),
      abusePenalty: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0))),
      rateLimitStrikes: v.optional(positiveInt),
      strikeWindowMs: v.optional(positiveInt),
      maxSubscriptionsPerClient: v.optional(positiveInt),
      maxOutboxBytes: v.optional(positiveInt),
      handshakeTimeoutMs: v.optional(positiveInt),
      handshakesPerIp: v.optional(positiveInt),
      handshakeIpWindowMs: v.optional(v.pipe(positiveInt, v.multipleOf(1000))),
      handshakesPerIdentity: v.optional(positiveInt),
      handshakeIdentityWindowMs: v.optional(v.pipe(positiveInt, v.multipleOf(1000))),
      slowReaderBytes: v.optional(positiveInt),
      slowReaderTimeoutMs: v.optional(positiveInt),
      updateBudgetBytes: v.optional(positiveInt),
    }),
  ),
  allowedOrigins: v.optional(v.array(v.pipe(v.string(), v.minLength(1)))),
  httpHandler: v.optional(v.function()),
  httpServer: v.optional(v.custom<object>(isObject, 'Invalid type: Expected an http.Server')),
  path: v.optional(v.pipe(v.string(), v.startsWith('/'))),
  admitUpgrade: v.optional(v.function()),
  authenticator: v.optional(
    v.looseObject({ methods: v.array(v.picklist(['anonymous', 'token', 'signature'])), authenticate: v.function(), issueToken: v.function() }),
  ),
  handshakeLimiters: v.optional(
    v.strictObject({
      ip: v.optional(v.looseObject({ consume: v.function() })),
      identity: v.optional(v.looseObject({ consume: v.function() })),
    }),
  ),
  duplicateIdentity: v.optional(v.picklist(['replace', 'allow'])),
  hysteresis: v.optional(v.pipe(v.number(), v.minValue(0), v.finite())),
  clock: v.optional(v.looseObject({ now: v.function(), setTimeout: v.function(), clearTimeout: v.function() })),
  commitLog: v.optional(
    v.looseObject({
      durable: v.boolean(),
      recover: v.function(),
      append: v.function(),
      flush: v.function(),
      maintain: v.function(),
      close: v.function(),
    }),
  ),
  groupCommitMs: v.optional(v.pipe(v.number(), v.minValue(0), v.finite())),
  recentCommits: v.optional(positiveInt),
  resume: v.optional(
    v.strictObject({
      graceMs: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0))),
      historyBytes: v.optional(positiveInt),
      totalHistoryBytes: v.optional(positiveInt),
      recentRequests: v.optional(positiveInt),
    }),
  ),
  heartbeat: v.optional(
    v.strictObject({
      pingIntervalMs: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0))),
      idleTimeoutMs: v.optional(positiveInt),
    }),
  ),
})

/**
 * Checks `createServer` options and fills in the limit defaults.
 * @param options - the options as given
 * @returns the validated options and the limits with defaults applied
 * @throws {ServerError} `ERR_INVALID_OPTIONS` listing every invalid field and its path
 */
export function validateOptions<R extends Record<string, ArgsSchema>>(
  options: ServerOptions<R>,
): { options: ServerOptions<R>; limits: ResolvedLimits } {
  const result = v.safeParse(optionsSchema, options)
  if (!result.success) {
    throw new ServerError('ERR_INVALID_OPTIONS', `invalid server options:\n${v.summarize(result.issues)}`)
  }
  const names = new Set<string>()
  for (const c of [...options.module.components, ...(options.module.serverComponents ?? [])]) {
    if (names.has(c.name)) {
      throw new ServerError('ERR_INVALID_OPTIONS', `invalid server options: component '${c.name}' is listed twice`)
    }
    names.add(c.name)
  }
  const l = options.limits ?? {}
  const limits: ResolvedLimits = {
    maxFrameBytes: l.maxFrameBytes ?? 64 * 1024,
    messagesPerSecond: l.messagesPerSecond ?? 60,
    messageBurst: l.messageBurst ?? 120,
    bytesPerSecond: l.bytesPerSecond ?? 64 * 1024,
    byteBurst: l.byteBurst ?? 256 * 1024,
    maxFrameElements: l.maxFrameElements ?? 4096,
    elementsPerSecond: l.elementsPerSecond ?? 8192,
    elementBurst: l.elementBurst ?? 32 * 1024,
    handshakeFrameBytes: l.handshakeFrameBytes ?? 8192,
    handshakeFrameElements: l.handshakeFrameElements ?? 64,
    maxConnections: l.maxConnections ?? 10_000,
    maxConnectionsPerIp: l.maxConnectionsPerIp ?? 64,
    connectionsPerSecond: l.connectionsPerSecond ?? 50,
    connectionBurst: l.connectionBurst ?? 100,
    subscribeCost: l.subscribeCost ?? 10,
    refreshTokenCost: l.refreshTokenCost ?? 30,
    abusePenalty: l.abusePenalty ?? 10,
    rateLimitStrikes: l.rateLimitStrikes ?? 60,
    strikeWindowMs: l.strikeWindowMs ?? 10_000,
    maxSubscriptionsPerClient: l.maxSubscriptionsPerClient ?? 16,
    maxOutboxBytes: l.maxOutboxBytes ?? 4 * 1024 * 1024,
    handshakeTimeoutMs: l.handshakeTimeoutMs ?? 10_000,
    handshakesPerIp: l.handshakesPerIp ?? 30,
    handshakeIpWindowMs: l.handshakeIpWindowMs ?? 10_000,
    handshakesPerIdentity: l.handshakesPerIdentity ?? 10,
    handshakeIdentityWindowMs: l.handshakeIdentityWindowMs ?? 60_000,
    slowReaderBytes: l.slowReaderBytes ?? 256 * 1024,
    slowReaderTimeoutMs: l.slowReaderTimeoutMs ?? 15_000,
    updateBudgetBytes: l.updateBudgetBytes ?? 16 * 1024,
  }
  return { options, limits }
}
