import type { Server as HttpServer, IncomingMessage, ServerResponse } from 'node:http'
import type { ArgsSchema } from '@orrery/protocol'
import type { Logger, LoggerOptions } from 'pino'
import * as v from 'valibot'
import type { HandshakeRateLimiter } from './auth/handshake-limiter.js'
import type { Authenticator } from './authenticator.js'
import type { Clock } from './clock.js'
import type { CommitLog } from './commit-log.js'
import { limitsSchema } from './config/limits-schema.js'
import { heartbeatSchema, resumeSchema } from './config/session-schemas.js'
import { metricsOptionSchema, monitorOptionSchema } from './metrics/metrics-options.js'
import type { ModuleDef } from './module.js'
import { ServerError } from './server-error.js'

export type { ResolvedLimits, ServerLimits } from './config/limits-schema.js'

const VALUE_TYPES = ['f32', 'f64', 'i8', 'i16', 'i32', 'u8', 'u16', 'u32', 'bool', 'string', 'entity', 'json'] as const

const positiveInt = v.pipe(v.number(), v.integer(), v.minValue(1))
const isObject = (x: unknown): boolean => typeof x === 'object' && x !== null
const name = v.pipe(v.string(), v.minLength(1))

/** A value of type T checked against `shape` (the checked shape gives the error; T gives the inferred type). */
function shaped<T>(shape: v.GenericSchema, expected: string) {
  return v.custom<T>((x) => v.is(shape, x), `Invalid type: Expected ${expected}`)
}

const moduleSchema = v.object({
  name,
  components: v.array(v.looseObject({ name, fields: v.array(v.string()) })),
  reducers: v.record(v.string(), v.looseObject({ args: v.record(v.string(), v.picklist(VALUE_TYPES)), run: v.function() })),
  systems: v.optional(
    v.array(v.looseObject({ name, everyMs: v.optional(v.pipe(v.number(), v.minValue(0), v.finite())), run: v.function() })),
  ),
  serverComponents: v.optional(v.array(v.looseObject({ name, fields: v.array(v.string()) }))),
  init: v.optional(v.function()),
  onRecover: v.optional(v.function()),
  onConnect: v.optional(v.function()),
  onDisconnect: v.optional(v.function()),
  eventScope: v.optional(v.function()),
})

const authenticatorShape = v.looseObject({
  methods: v.array(v.picklist(['anonymous', 'token', 'signature'])),
  authenticate: v.function(),
  issueToken: v.function(),
})
const limiterShape = v.looseObject({ consume: v.function() })
const clockShape = v.looseObject({ now: v.function(), setTimeout: v.function(), clearTimeout: v.function() })
const commitLogShape = v.looseObject({
  durable: v.boolean(),
  recover: v.function(),
  append: v.function(),
  flush: v.function(),
  maintain: v.function(),
  close: v.function(),
})

/**
 * The schema of `createServer` options: each key's range and default, written once here
 * (`ServerOptions` is inferred from it).
 */
export const optionsSchema = v.strictObject({
  /** The module to host: components, reducers, systems and hooks. */
  module: moduleSchema,
  /** TCP port; 0 picks a free one (see the `listen()` result). Default 0. Ignored with `httpServer`. */
  port: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(65_535)), 0),
  /** Interface to bind. Default '127.0.0.1'; use '0.0.0.0' to accept remote clients. Ignored with `httpServer`. */
  host: v.optional(name, '127.0.0.1'),
  /** Ticks per second (Hz). Default 20. */
  tickRate: v.optional(v.pipe(v.number(), v.minValue(0.1), v.maxValue(1000)), 20),
  /** Start the tick loop in `listen()`; with false, ticks run only through `server.step()`. Default true. */
  autoStart: v.optional(v.boolean(), true),
  /** Ticks run back to back at most when the loop is late; older missed ticks are skipped. Default 4. */
  maxCatchUpTicks: v.optional(positiveInt, 4),
  /** Seed of the world's random number generator (`ctx.rng`). Default: random. */
  seed: v.optional(v.pipe(v.number(), v.finite())),
  /** A pino logger, pino options, or false to log nothing. Default: pino at level 'info'. */
  logger: v.optional(
    v.custom<Logger | LoggerOptions | false>((x) => x === false || isObject(x), 'Invalid type: Expected a pino logger, pino options or false'),
  ),
  /** Connection limits, see `ServerLimits`. */
  limits: v.optional(limitsSchema, {}),
  /**
   * Origins (`scheme://host[:port]`, exactly as browsers send the `Origin` header) allowed to open a WebSocket;
   * an upgrade with another Origin is refused with HTTP 403. Requests without an Origin (non-browser clients)
   * are allowed. Default: any origin.
   */
  allowedOrigins: v.optional(shaped<readonly string[]>(v.array(name), 'a list of origins')),
  /** Serves plain HTTP requests (e.g. static files of a web client) on the same port. Default: 426 Upgrade Required. */
  httpHandler: v.optional(
    v.custom<(request: IncomingMessage, response: ServerResponse) => void>((x) => typeof x === 'function', 'Invalid type: Expected a function'),
  ),
  /** Attach to this existing HTTP server instead of creating one; `listen()` starts it when not listening, `close()` leaves it open. */
  httpServer: v.optional(v.custom<HttpServer>(isObject, 'Invalid type: Expected an http.Server')),
  /**
   * Accept WebSocket upgrades only on this URL path (e.g. `/worlds/arena-1`), leaving other paths to other
   * servers on the same `httpServer`: how one HTTP server carries many worlds. Default: any path.
   */
  path: v.optional(v.pipe(v.string(), v.startsWith('/'))),
  /**
   * A last check of each upgrade request (after origin and rate checks), e.g. a seat reservation: resolves the
   * HTTP status to refuse it with (404, 409, 410, 503...), or null to accept. Default: accept.
   */
  admitUpgrade: v.optional(
    v.custom<(request: IncomingMessage) => Promise<number | null>>((x) => typeof x === 'function', 'Invalid type: Expected a function'),
  ),
  /** The auth seam. Default: `createAnonymousAuthenticator()` (random secret per process). */
  authenticator: v.optional(shaped<Authenticator>(authenticatorShape, 'an authenticator { methods, authenticate, issueToken }')),
  /** A second connection with an open identity: 'replace' closes the first with CloseCode.SessionReplaced; 'allow' keeps both. Default 'replace'. */
  duplicateIdentity: v.optional(v.picklist(['replace', 'allow']), 'replace'),
  /** Replacements for the memory handshake limiters (rate-limiter-flexible instances, e.g. on Redis for a cluster); keys are IP addresses and identities. */
  handshakeLimiters: v.optional(
    v.strictObject({
      ip: v.optional(shaped<HandshakeRateLimiter>(limiterShape, 'a rate limiter { consume }')),
      identity: v.optional(shaped<HandshakeRateLimiter>(limiterShape, 'a rate limiter { consume }')),
    }),
  ),
  /** World units beyond an area's margin before an entity leaves a client's view. Default: a tenth of the area's larger side. */
  hysteresis: v.optional(v.pipe(v.number(), v.minValue(0), v.finite())),
  /** Time source and timers of the tick loop (inject a fake one in tests). Default: the system clock. */
  clock: v.optional(shaped<Clock>(clockShape, 'a clock { now, setTimeout, clearTimeout }')),
  /**
   * Where every committed transaction is written, and the world recovered from at start.
   * Default: `createMemoryCommitLog()` (nothing survives the process); `@orrery/sqlite` gives a durable one.
   */
  commitLog: v.optional(shaped<CommitLog>(commitLogShape, 'a commit log')),
  /** Group commit every this many ms as well as at every tick end (durable logs only). Default: at tick ends only. */
  groupCommitMs: v.optional(v.pipe(v.number(), v.minValue(0), v.finite())),
  /** Commit entries kept in memory for `server.history()`. Default 1024. */
  recentCommits: v.optional(positiveInt, 1024),
  /** How long sessions outlive a dropped socket and how much of their stream is kept for a resume; see `ResumeOptions`. */
  resume: v.optional(resumeSchema, {}),
  /** Server pings and the idle timeout (close 4011); see `HeartbeatOptions`. */
  heartbeat: v.optional(heartbeatSchema, {}),
  /** Prometheus metrics at `GET /metrics` on the server's HTTP port (true, or a registry and prefix, see `MetricsOptions`). Default false. */
  metrics: metricsOptionSchema,
  /**
   * The live monitor page at `GET /monitor` and its data at `GET /monitor/data`; it lists identities and addresses:
   * leave it off in production unless the port is private. Default false.
   */
  monitor: monitorOptionSchema,
})

type OptionsInput = v.InferInput<typeof optionsSchema>

/** What to do when an identity connects while a connection with the same identity is open. */
export type DuplicateIdentityPolicy = NonNullable<OptionsInput['duplicateIdentity']>

/** Options of `createServer`; every key but `module` is optional and has its default in the option schema. */
export interface ServerOptions<R extends Record<string, ArgsSchema> = Record<string, ArgsSchema>>
  extends Readonly<Omit<OptionsInput, 'module'>> {
  /** The module to host: components, reducers, systems and hooks. */
  readonly module: ModuleDef<R>
}

/** The plain settings of {@link ServerOptions} with every default applied (objects such as the module are taken from the options as given). */
export type ResolvedServerOptions = Readonly<Omit<v.InferOutput<typeof optionsSchema>, 'module'>>

/**
 * Checks `createServer` options and applies their defaults.
 * @param options - the options as given
 * @returns the options as given, the settings with defaults applied and the limits with defaults applied
 * @throws {ServerError} `ERR_INVALID_OPTIONS` listing every invalid field and its path
 */
export function validateOptions<R extends Record<string, ArgsSchema>>(
  options: ServerOptions<R>,
): { options: ServerOptions<R>; resolved: ResolvedServerOptions; limits: ResolvedServerOptions['limits'] } {
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
  return { options, resolved: result.output, limits: result.output.limits }
}
