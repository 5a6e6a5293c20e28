import * as v from 'valibot'

const positiveInt = v.pipe(v.number(), v.integer(), v.minValue(1))
const wholeSeconds = v.pipe(positiveInt, v.multipleOf(1000))

/**
 * The schema of the `limits` server option: each key's range and its default, written once here
 * (`ServerLimits` and `ResolvedLimits` are inferred from it).
 */
export const limitsSchema = v.strictObject({
  /** Largest accepted frame in bytes (ws `maxPayload`; larger → close 1009). Default 65 536. */
  maxFrameBytes: v.optional(v.pipe(positiveInt, v.minValue(64)), 64 * 1024),
  /** Sustained messages per second per connection (token bucket refill). Default 60. */
  messagesPerSecond: v.optional(v.pipe(v.number(), v.minValue(0.001), v.finite()), 60),
  /** Token bucket size: messages accepted in a burst. Default 120. */
  messageBurst: v.optional(positiveInt, 120),
  /** Sustained bytes per second per connection, charged before decoding (token bucket refill). Default 65 536. */
  bytesPerSecond: v.optional(positiveInt, 64 * 1024),
  /** Bytes accepted in a burst (raised to `maxFrameBytes` when smaller). Default 262 144. */
  byteBurst: v.optional(positiveInt, 256 * 1024),
  /**
   * Most msgpack values in one frame (every level counted: the frame array, each element, each map key and value),
   * counted by the frame scan before decoding; more → Error ERR_LIMIT_EXCEEDED, close CloseCode.ProtocolError. Default 4096.
   */
  maxFrameElements: v.optional(v.pipe(positiveInt, v.minValue(8)), 4096),
  /** Sustained msgpack values per second per connection, charged before decoding. Default 8192. */
  elementsPerSecond: v.optional(positiveInt, 8192),
  /** msgpack values accepted in a burst (raised to `maxFrameElements` when smaller). Default 32 768. */
  elementBurst: v.optional(positiveInt, 32 * 1024),
  /** Largest frame accepted before Welcome, bytes; larger → close 1009 (MessageTooBig). Default 8192. */
  handshakeFrameBytes: v.optional(v.pipe(positiveInt, v.minValue(64)), 8192),
  /** Most msgpack values in one frame before Welcome; more → close CloseCode.ProtocolError. Default 64. */
  handshakeFrameElements: v.optional(v.pipe(positiveInt, v.minValue(8)), 64),
  /** Open connections the server accepts in all; more → close CloseCode.ServerFull (4012). Default 10 000. */
  maxConnections: v.optional(positiveInt, 10_000),
  /** Open connections one IP address may hold; more → close CloseCode.TooManyConnections (4013). Default 64. */
  maxConnectionsPerIp: v.optional(positiveInt, 64),
  /**
   * New connections per second the server accepts from everyone together (each handshake verifies a signature
   * or token); more → the upgrade is refused with HTTP 503 before a WebSocket exists. Default 50.
   */
  connectionsPerSecond: v.optional(positiveInt, 50),
  /** New connections accepted at once above that rate. Default 100. */
  connectionBurst: v.optional(positiveInt, 100),
  /** Message-budget tokens one Subscribe costs (each may send a whole view): 10 makes it 6 a second, bursts of 12. Default 10. */
  subscribeCost: v.optional(positiveInt, 10),
  /** Message-budget tokens one RefreshToken costs (each signs a token): 30 makes it 2 a second, bursts of 4. Default 30. */
  refreshTokenCost: v.optional(positiveInt, 30),
  /**
   * Handshakes of its IP address and identity windows that a connection closed for abuse costs (a malformed or
   * oversized frame, repeated rate limiting, a message out of order): repeated abuse is refused at the next
   * handshakes. Default 10.
   */
  abusePenalty: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0)), 10),
  /** Over-limit messages tolerated within `strikeWindowMs` before the close with CloseCode.RateLimited. Default 60. */
  rateLimitStrikes: v.optional(positiveInt, 60),
  /** Window in ms over which strikes are forgiven (strikes refill at `rateLimitStrikes` per window). Default 10 000. */
  strikeWindowMs: v.optional(positiveInt, 10_000),
  /** Active subscriptions per client (more → Error ERR_TOO_MANY_SUBSCRIPTIONS). Default 16. */
  maxSubscriptionsPerClient: v.optional(positiveInt, 16),
  /** Bytes queued on a socket (ws `bufferedAmount`) above which the client is closed with CloseCode.SlowConsumer. Default 4 MiB. */
  maxOutboxBytes: v.optional(positiveInt, 4 * 1024 * 1024),
  /** Time in ms from the socket opening to Welcome before the close with CloseCode.HandshakeTimeout. Default 10 000. */
  handshakeTimeoutMs: v.optional(positiveInt, 10_000),
  /** Handshakes one IP address may start per `handshakeIpWindowMs`; more close with CloseCode.RateLimited. Default 30. */
  handshakesPerIp: v.optional(positiveInt, 30),
  /** Window of `handshakesPerIp`, ms (whole seconds). Default 10 000. */
  handshakeIpWindowMs: v.optional(wholeSeconds, 10_000),
  /** Sign-ins one identity may complete per `handshakeIdentityWindowMs`; more close with CloseCode.RateLimited. Default 10. */
  handshakesPerIdentity: v.optional(positiveInt, 10),
  /** Window of `handshakesPerIdentity`, ms (whole seconds). Default 60 000. */
  handshakeIdentityWindowMs: v.optional(wholeSeconds, 60_000),
  /**
   * Bytes queued on a socket above which the client is a slow reader: its updates wait, collapsed to the
   * newest value of each changed field, until it catches up. Default 262 144.
   */
  slowReaderBytes: v.optional(positiveInt, 256 * 1024),
  /** Time in ms a client may stay a slow reader before the close with CloseCode.SlowConsumer. Default 15 000. */
  slowReaderTimeoutMs: v.optional(positiveInt, 15_000),
  /**
   * Estimated bytes of one client's update per tick; rows beyond it wait for later ticks, the nearest and
   * longest-waiting first. Default 16 384.
   */
  updateBudgetBytes: v.optional(positiveInt, 16 * 1024),
})

/** Per-connection limits; every one is enforced, see the package README for what a client gets when it crosses one. */
export type ServerLimits = Readonly<v.InferInput<typeof limitsSchema>>

/** {@link ServerLimits} with every default applied. */
export type ResolvedLimits = Readonly<v.InferOutput<typeof limitsSchema>>

/**
 * The limits a running server takes at once (`server.reconfigure`): the message, byte and element budgets,
 * the strike window, request costs, the outbox and slow-reader thresholds, the connection caps and the update
 * budget. Every other limit is read once at start and needs a restart.
 */
export const RELOADABLE_LIMITS = [
  'messagesPerSecond',
  'messageBurst',
  'bytesPerSecond',
  'byteBurst',
  'elementsPerSecond',
  'elementBurst',
  'rateLimitStrikes',
  'strikeWindowMs',
  'subscribeCost',
  'refreshTokenCost',
  'abusePenalty',
  'maxOutboxBytes',
  'slowReaderBytes',
  'slowReaderTimeoutMs',
  'maxConnections',
  'maxConnectionsPerIp',
  'updateBudgetBytes',
] as const satisfies readonly (keyof ResolvedLimits)[]

/** A limit that a running server takes at once, see {@link RELOADABLE_LIMITS}. */
export type ReloadableLimit = (typeof RELOADABLE_LIMITS)[number]
