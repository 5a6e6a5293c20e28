import { type ParseArgsConfig, parseArgs } from 'node:util'
import * as v from 'valibot'
import { ServerError } from '../server-error.js'
import { configFilePath, readConfigFile } from './config-file.js'
import {
  type ConfigKeys,
  type ConfigProfile,
  type ConfigValues,
  describeRange,
  fromText,
  keyEnvNames,
  keyFlag,
  keyLabel,
  valueKind,
} from './config-key.js'
import { unsafeSettings } from './production-checks.js'

/** Where a value came from: its default, the config file, an environment variable or a command-line flag. */
export type ConfigSource =
  | { readonly kind: 'default' }
  | { readonly kind: 'file'; readonly path: string }
  | { readonly kind: 'env'; readonly name: string }
  | { readonly kind: 'flag'; readonly name: string }

/** The effective configuration, see {@link loadConfig}. */
export interface LoadedConfig<K extends ConfigKeys> {
  /** The keys it was loaded with. */
  readonly keys: K
  /** The value of every key. */
  readonly values: ConfigValues<K>
  /** Where each value came from. */
  readonly sources: { readonly [P in keyof K]: ConfigSource }
  /** The profile, and where it came from (`--profile`, `ORRERY_PROFILE`, `NODE_ENV=production`, the file's `profile`). */
  readonly profile: ConfigProfile
  readonly profileSource: ConfigSource
  /** The config file read, or null; and what named it (`--config`, `ORRERY_CONFIG`, or found in the working directory: default). */
  readonly file: string | null
  readonly fileSource: ConfigSource
  /** `--help` was given. */
  readonly help: boolean
  /** `--print-config` was given. */
  readonly printConfig: boolean
}

/** Options of {@link loadConfig}. */
export interface LoadConfigOptions<K extends ConfigKeys> {
  /** The keys, e.g. `{ ...SERVER_CONFIG_KEYS, ...myKeys }`. */
  readonly keys: K
  /** Command-line arguments (a `--` separator is skipped). Default `process.argv.slice(2)`. */
  readonly argv?: readonly string[]
  /** The environment. Default `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>
  /** Where `orrery.config.json` and relative paths are looked for. Default `process.cwd()`. */
  readonly cwd?: string
  /** Defaults replacing those of the keys' schemas (an application's own defaults); still the lowest layer. */
  readonly defaults?: Partial<ConfigValues<K>>
}

const PROFILES = ['development', 'production'] as const
const META_FLAGS = {
  help: { type: 'boolean' },
  'print-config': { type: 'boolean' },
  config: { type: 'string' },
  profile: { type: 'string' },
} as const satisfies ParseArgsConfig['options']

/**
 * Loads the configuration: defaults < config file (`--config`, `ORRERY_CONFIG` or `orrery.config.json` in
 * `cwd`) < environment (`ORRERY_PORT`, …) < command-line flags (`--port`, …). Every value is checked by its
 * key's valibot schema; under the production profile unsafe settings are refused.
 *
 * @param options - the keys and where to read them, see {@link LoadConfigOptions}
 * @returns the effective values and where each came from
 * @throws {ServerError} `ERR_INVALID_CONFIG` listing every bad value as
 *   `ORRERY_TICK_RATE=abc (environment): tick rate must be an integer from 1 to 240`, an unknown key or flag,
 *   an unreadable file; `ERR_UNSAFE_CONFIG` listing the settings the production profile refuses
 * @example
 * ```ts
 * const module = defineModule({ name: 'empty', components: [], reducers: {} })
 * const config = loadConfig({ keys: SERVER_CONFIG_KEYS })
 * const server = createServer({ module, ...serverOptionsFromConfig(config.values) })
 * ```
 */
export function loadConfig<K extends ConfigKeys>(options: LoadConfigOptions<K>): LoadedConfig<K> {
  const { keys } = options
  const env = options.env ?? process.env
  const cwd = options.cwd ?? process.cwd()
  const flags = parseFlags(keys, options.argv ?? process.argv.slice(2))
  const issues: string[] = []
  const located = configFilePath(flags.config as string | undefined, env, cwd)
  const file = located.path
  const fromFile = file === null ? new Map<string, unknown>() : readConfigFile(file, (key) => key in keys)
  for (const key of fromFile.keys()) {
    if (!(key in keys) && key !== 'profile') issues.push(`${key} (file ${file}): unknown key`)
  }
  const profile = resolveProfile(flags.profile as string | undefined, env, file === null ? undefined : fromFile.get('profile'), file, issues)
  const values: Record<string, unknown> = {}
  const sources: Record<string, ConfigSource> = {}
  const defaults = (options.defaults ?? {}) as Record<string, unknown>
  for (const [key, def] of Object.entries(keys)) {
    const label = keyLabel(key)
    const accept = (raw: unknown, value: unknown, source: ConfigSource): void => {
      const result = v.safeParse(def.schema, value)
      if (result.success) {
        values[key] = result.output
        sources[key] = source
      } else {
        issues.push(`${shown(key, raw, source, def.secret === true)} (${describeSource(source)}): ${label} must be ${describeRange(def.schema)}`)
      }
    }
    values[key] = undefined
    sources[key] = { kind: 'default' }
    const fallback = key in defaults ? defaults[key] : profile.value === 'production' && def.productionDefault !== undefined ? def.productionDefault : v.getDefault(def.schema)
    if (fallback !== undefined) accept(fallback, fallback, { kind: 'default' })
    if (fromFile.has(key) && file !== null) {
      const raw = fromFile.get(key)
      accept(raw, typeof raw === 'string' ? fromText(def.schema, raw) : raw, { kind: 'file', path: file })
    }
    const envName = keyEnvNames(key, def).find((name) => env[name] !== undefined && env[name] !== '')
    if (envName !== undefined) {
      const raw = env[envName] as string
      accept(raw, fromText(def.schema, raw), { kind: 'env', name: envName })
    }
    const flag = keyFlag(key, def)
    if (flag !== null) {
      const given = [flag, ...(def.flagAliases ?? [])].filter((name) => flags[name] !== undefined)
      const first = given[0]
      if (given.length > 1 && given.some((name) => JSON.stringify(flags[name]) !== JSON.stringify(flags[first as string]))) {
        issues.push(`--${given.join(' and --')} (command line): the same setting twice, give one of them`)
      } else if (first !== undefined) {
        const raw = flags[first] as string | string[] | boolean
        const value = typeof raw === 'boolean' ? (def.negatedFlag === true ? !raw : raw) : fromText(def.schema, raw)
        accept(raw, value, { kind: 'flag', name: `--${first}` })
      }
    }
  }
  if (issues.length > 0) throw new ServerError('ERR_INVALID_CONFIG', `invalid configuration:\n  ${issues.join('\n  ')}`)
  if (profile.value === 'production') {
    const unsafe = unsafeSettings(values, sources)
    if (unsafe.length > 0) throw new ServerError('ERR_UNSAFE_CONFIG', `the production profile refuses:\n  ${unsafe.join('\n  ')}`)
  }
  return {
    keys,
    values: values as ConfigValues<K>,
    sources: sources as { [P in keyof K]: ConfigSource },
    profile: profile.value,
    profileSource: profile.source,
    file,
    fileSource: located.source,
    help: flags.help === true,
    printConfig: flags['print-config'] === true,
  }
}

/**
 * Where a value came from, in words.
 * @returns `default`, `file /path/orrery.config.json`, `environment` or `command line`
 */
export function describeSource(source: ConfigSource): string {
  if (source.kind === 'default') return 'default'
  if (source.kind === 'file') return `file ${source.path}`
  return source.kind === 'env' ? 'environment' : 'command line'
}

function shown(key: string, raw: unknown, source: ConfigSource, secret: boolean): string {
  const text = secret ? '********' : typeof raw === 'string' ? raw : JSON.stringify(raw)
  if (source.kind === 'env') return `${source.name}=${text}`
  if (source.kind === 'flag') return typeof raw === 'boolean' ? source.name : `${source.name}=${text}`
  return `${key}=${text}`
}

function parseFlags(keys: ConfigKeys, argv: readonly string[]): Record<string, string | boolean | (string | boolean)[] | undefined> {
  const options: NonNullable<ParseArgsConfig['options']> = { ...META_FLAGS }
  for (const [key, def] of Object.entries(keys)) {
    const flag = keyFlag(key, def)
    if (flag === null) continue
    const kind = valueKind(def.schema)
    const option = kind === 'boolean' ? { type: 'boolean' as const } : { type: 'string' as const, multiple: kind === 'list' }
    for (const name of [flag, ...(def.flagAliases ?? [])]) options[name] = option
  }
  try {
    // `pnpm run x -- --flag` forwards the `--` separator; drop it so the flags after it are parsed.
    return parseArgs({ args: argv.filter((arg) => arg !== '--'), options, strict: true, allowPositionals: false }).values
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error)
    throw new ServerError('ERR_INVALID_CONFIG', `invalid configuration:\n  ${reason} (command line)`, { cause: error })
  }
}

interface ResolvedProfile {
  readonly value: ConfigProfile
  readonly source: ConfigSource
}

function resolveProfile(
  flag: string | undefined,
  env: Readonly<Record<string, string | undefined>>,
  fromFile: unknown,
  file: string | null,
  issues: string[],
): ResolvedProfile {
  const check = (raw: unknown, source: ConfigSource): ResolvedProfile | null => {
    if (PROFILES.includes(raw as ConfigProfile)) return { value: raw as ConfigProfile, source }
    issues.push(`${shown('profile', raw, source, false)} (${describeSource(source)}): profile must be one of ${PROFILES.join(', ')}`)
    return null
  }
  const chosen =
    (flag !== undefined ? check(flag, { kind: 'flag', name: '--profile' }) : null) ??
    (env.ORRERY_PROFILE ? check(env.ORRERY_PROFILE, { kind: 'env', name: 'ORRERY_PROFILE' }) : null) ??
    (env.NODE_ENV === 'production' ? { value: 'production' as const, source: { kind: 'env' as const, name: 'NODE_ENV' } } : null) ??
    (fromFile !== undefined && file !== null ? check(fromFile, { kind: 'file', path: file }) : null) ??
    ({ value: 'development', source: { kind: 'default' } } as const)
  return chosen
}
