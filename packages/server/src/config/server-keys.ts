import * as v from 'valibot'
import { optionsSchema, type ServerOptions } from '../options.js'
import { type AnyConfigKey, type ConfigKey, type ConfigValues, configKey } from './config-key.js'
import { limitsSchema, RELOADABLE_LIMITS, type ResolvedLimits } from './limits-schema.js'

/** pino's levels, most severe first; 'silent' logs nothing. */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const

/** A pino level, see {@link LOG_LEVELS}. */
export type LogLevel = (typeof LOG_LEVELS)[number]

/** How log lines are written: one JSON object a line, or colored human-readable lines (pino-pretty). */
export type LogFormat = 'json' | 'pretty'

const entries = optionsSchema.entries
const reloadable = new Set<string>(RELOADABLE_LIMITS)

type LimitKeys = { readonly [L in keyof ResolvedLimits as `limits.${L}`]: ConfigKey<ResolvedLimits[L]> }

const limitKeys = Object.fromEntries(
  Object.entries(limitsSchema.entries).map(([name, schema]): [string, AnyConfigKey] => [
    `limits.${name}`,
    { schema, description: `limit: ${name} (see ServerLimits)`, reload: reloadable.has(name) ? 'live' : 'restart' },
  ]),
) as unknown as LimitKeys

/**
 * The server's configuration keys: network, tick, data folder, logging, profile-checked security settings,
 * AOI hysteresis and every limit (`limits.messagesPerSecond` → `ORRERY_LIMITS_MESSAGES_PER_SECOND`,
 * `--limits-messages-per-second`). Spread them with an application's own keys into `loadConfig`.
 */
export const SERVER_CONFIG_KEYS = {
  port: configKey({
    schema: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(65_535)), v.getDefault(entries.port)),
    description: 'TCP port (0: a free one)',
    env: ['ORRERY_PORT', 'PORT'],
  }),
  host: configKey({ schema: v.optional(v.pipe(v.string(), v.minLength(1)), v.getDefault(entries.host)), description: 'interface to bind (0.0.0.0: every interface)' }),
  tickRate: configKey({
    schema: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(240)), v.getDefault(entries.tickRate)),
    description: 'ticks per second (Hz)',
  }),
  dataDir: configKey({ schema: v.optional(v.pipe(v.string(), v.minLength(1))), description: 'data folder: commit log, snapshots, keys' }),
  logLevel: configKey({ schema: v.optional(v.picklist(LOG_LEVELS), 'info'), description: 'log level', reload: 'live' }),
  logFormat: configKey<LogFormat>({
    schema: v.optional(v.picklist(['json', 'pretty']), 'pretty'),
    productionDefault: 'json',
    description: 'log lines: json (production default) or pretty (pino-pretty)',
  }),
  allowedOrigins: configKey({
    schema: v.optional(v.array(v.pipe(v.string(), v.minLength(1)))),
    description: 'page origins allowed to open a WebSocket (default: any; required in production)',
    flag: 'origin',
  }),
  auth: configKey({ schema: v.optional(v.picklist(['anonymous', 'key']), 'anonymous'), description: 'authenticator: anonymous (development) or key' }),
  monitor: configKey<boolean>({ schema: v.optional(v.boolean(), true), productionDefault: false, description: 'the live monitor page (off in production unless enabled)' }),
  hysteresis: configKey({ schema: v.optional(v.pipe(v.number(), v.minValue(0), v.finite())), description: 'AOI hysteresis, world units', reload: 'live' }),
  ...limitKeys,
} as const

/** The values of {@link SERVER_CONFIG_KEYS}. */
export type ServerConfig = ConfigValues<typeof SERVER_CONFIG_KEYS>

/**
 * The `createServer` options a configuration sets: port, host, tick rate, limits, AOI hysteresis and the
 * Origin allow-list (add the module, logger, authenticator and commit log yourself).
 *
 * @param config - the values of {@link SERVER_CONFIG_KEYS} (from `loadConfig(...).values`)
 * @returns options to spread into `createServer`
 */
export function serverOptionsFromConfig(config: ServerConfig): Omit<ServerOptions, 'module'> {
  return {
    port: config.port,
    host: config.host,
    tickRate: config.tickRate,
    limits: limitsFromConfig(config),
    monitor: config.monitor,
    ...(config.hysteresis === undefined ? {} : { hysteresis: config.hysteresis }),
    ...(config.allowedOrigins === undefined ? {} : { allowedOrigins: config.allowedOrigins }),
  }
}

/** The limits of a configuration, by their `ServerLimits` names. */
export function limitsFromConfig(config: ServerConfig): ResolvedLimits {
  const limits: Record<string, unknown> = {}
  for (const name of Object.keys(limitsSchema.entries)) limits[name] = config[`limits.${name}` as keyof ServerConfig]
  return limits as unknown as ResolvedLimits
}
