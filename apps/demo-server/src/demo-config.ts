import {
  type AnyConfigKey,
  type ConfigValues,
  configKey,
  describeRange,
  keyEnvNames,
  keyFlag,
  type LoadedConfig,
  loadConfig,
  SERVER_CONFIG_KEYS,
  valueKind,
} from '@orrery/server'
import { MAX_WORLD_SIZE, MIN_WORLD_SIZE } from '@orrery/demo-shared'
import * as v from 'valibot'

const count = v.pipe(v.number(), v.integer(), v.minValue(0))
const ms = v.pipe(v.number(), v.minValue(0), v.finite())

/**
 * The demo's own configuration keys, read like the server's (`ORRERY_BOTS`, `--bots`, `"bots"` in
 * orrery.config.json). A new flag is one entry here.
 */
export const DEMO_CONFIG_KEYS = {
  bots: configKey({ schema: v.optional(count, 8), description: 'bots to start in a separate process' }),
  agents: configKey({ schema: v.optional(count, 0), description: 'agents playing the sample behaviours in sandboxes on worker threads' }),
  endlessAgents: configKey({ schema: v.optional(count, 0), description: 'agents whose behaviour loops forever (suspended by the CPU budget)' }),
  seed: configKey({ schema: v.optional(count), description: 'world seed: the same seed gives the same food layout (default: random)' }),
  headless: configKey({ schema: v.optional(v.boolean(), false), description: 'no web client; progress on stderr, one JSON report line on stdout' }),
  duration: configKey({ schema: v.optional(v.pipe(v.number(), v.gtValue(0), v.finite())), description: 'stop after S seconds (required with --headless)' }),
  latency: configKey({ schema: v.optional(ms, 0), description: 'simulated one-way delay between the bots and the server, ms (the RTT grows by 2 × MS)' }),
  jitter: configKey({ schema: v.optional(ms, 0), description: 'simulated delay variation, ± ms per frame (frames stay in order, as over TCP)' }),
  loss: configKey({ schema: v.optional(v.pipe(v.number(), v.minValue(0), v.maxValue(100)), 0), description: 'simulated loss, percent of frames, as a 200 ms retransmission delay' }),
  prediction: configKey({ schema: v.optional(v.boolean(), true), description: 'bots predict their own circles (--no-prediction: interpolate them)', flag: 'no-prediction', negatedFlag: true }),
  chaos: configKey({ schema: v.optional(v.boolean(), false), description: "a fault-injecting proxy cuts or stalls each bot's connection every few seconds" }),
  inMemory: configKey({ schema: v.optional(v.boolean(), false), description: 'keep nothing: the world in memory, keys and bot identities in a temporary folder' }),
  serverNames: configKey({
    schema: v.optional(v.array(v.pipe(v.string(), v.minLength(1))), []),
    description: 'a name clients reach this server by (repeatable; localhost and 127.0.0.1 always work)',
    flag: 'name',
  }),
  build: configKey({ schema: v.optional(v.boolean(), true), description: 'build the web client when stale (--no-build: serve the existing build)', flag: 'no-build', negatedFlag: true }),
  worldSize: configKey({
    schema: v.optional(v.pipe(v.number(), v.integer(), v.minValue(MIN_WORLD_SIZE), v.maxValue(MAX_WORLD_SIZE))),
    description: 'side of the square world, world units (default 1000, as in the reference game)',
  }),
  loggedOutExpiry: configKey({ schema: v.optional(ms), description: 'keep a player who left for S seconds for its return (default 1800)' }),
} as const

/** Every key of the demo: the server's (the data folder also as `--data`) and its own. */
export const KEYS = {
  ...SERVER_CONFIG_KEYS,
  dataDir: { ...SERVER_CONFIG_KEYS.dataDir, description: 'data folder: the world, token signing keys, bot identities', flagAliases: ['data'] },
  ...DEMO_CONFIG_KEYS,
} as const

/** The demo's configuration values. */
export type DemoConfig = ConfigValues<typeof KEYS>

/** Where the demo reads its configuration. */
export interface DemoConfigSource {
  readonly argv: readonly string[]
  readonly env: Readonly<Record<string, string | undefined>>
  readonly cwd: string
}

/**
 * Loads the demo's configuration. Its defaults differ from the server's: port 3000 on every interface,
 * keys for sign-in, `.orrery/` as data folder, room in the handshake limits for the bots; headless, an
 * ephemeral port on 127.0.0.1 and warnings only.
 *
 * @throws ServerError `ERR_INVALID_CONFIG`, `ERR_UNSAFE_CONFIG` (see `loadConfig`)
 */
export function loadDemoConfig(source: DemoConfigSource): LoadedConfig<typeof KEYS> {
  const first = loadConfig({ keys: KEYS, ...source, defaults: demoDefaults(false, 8, false) })
  const { headless, bots, chaos } = first.values
  return loadConfig({ keys: KEYS, ...source, defaults: demoDefaults(headless, bots, chaos) })
}

function demoDefaults(headless: boolean, bots: number, chaos: boolean): Partial<DemoConfig> {
  return {
    port: headless ? 0 : 3000,
    host: headless ? '127.0.0.1' : '0.0.0.0',
    auth: 'key',
    dataDir: '.orrery',
    ...(headless ? { logLevel: 'warn' as const } : {}),
    // The bots all sign in from this machine's address: room for each of them (and a reconnect) besides the people,
    // and for `pnpm loadtest` from one address (up to 256 clients). Under --chaos they sign in again every few seconds.
    'limits.handshakesPerIp': chaos ? 1_000 : 30 + 2 * bots + 256,
    ...(chaos ? { 'limits.handshakesPerIdentity': 1_000 } : {}),
    'limits.maxConnectionsPerIp': 64 + bots + 256,
    'limits.connectionBurst': 100 + bots,
  }
}

/** `--help`: every flag with its environment variable, generated from the keys. */
export function usage(): string {
  const lines = ['usage: pnpm demo [options]', '  every option can also be set by its environment variable or in orrery.config.json (ORRERY_CONFIG)', '']
  for (const [key, def] of Object.entries(KEYS) as [string, AnyConfigKey][]) {
    if (key.startsWith('limits.')) continue
    const flag = keyFlag(key, def)
    if (flag === null) continue
    const boolean = valueKind(def.schema) === 'boolean'
    const env = keyEnvNames(key, def).join(', ')
    const range = boolean ? '' : `: ${describeRange(def.schema)}`
    lines.push(`  --${`${flag}${boolean ? '' : ' V'}`.padEnd(22)} ${def.description}${range} [${env}]`)
  }
  lines.push(
    `  --${'limits-<name> N'.padEnd(22)} any server limit, e.g. --limits-messages-per-second 30 [ORRERY_LIMITS_<NAME>]`,
    `  --${'profile P'.padEnd(22)} development or production (refuses unsafe settings) [ORRERY_PROFILE, NODE_ENV]`,
    `  --${'config FILE'.padEnd(22)} the config file (default ./orrery.config.json) [ORRERY_CONFIG]`,
    `  --${'print-config'.padEnd(22)} print the effective configuration and where each value came from, then exit`,
    `  --${'cluster N'.padEnd(22)} (with --headless) Redis and N world host processes; also --worlds W, --kill-one-at S (see the README)`,
    `  --${'help'.padEnd(22)} this text`,
  )
  return lines.join('\n')
}
