import type { ConfigKeys } from './config-key.js'
import { type ConfigSource, describeSource, type LoadedConfig } from './load-config.js'

/** What a masked value shows. */
export const MASK = '********'

/**
 * A value as `--print-config` and reload logs show it: masked when its key is secret, `(unset)` when it
 * has none, lists comma-separated.
 */
export function showValue(value: unknown, secret: boolean): string {
  if (value === undefined) return '(unset)'
  if (secret) return MASK
  if (Array.isArray(value)) return value.length === 0 ? '(none)' : value.join(',')
  return String(value)
}

function showSource(source: ConfigSource): string {
  if (source.kind === 'env' || source.kind === 'flag') return `${describeSource(source)} (${source.name})`
  return describeSource(source)
}

/**
 * The effective configuration as a table, one key a line: its value (secrets masked) and where it came
 * from (`default`, `file <path>`, `environment (ORRERY_PORT)`, `command line (--port)`).
 *
 * @param config - the result of `loadConfig`
 * @returns the table, ending with a newline
 * @example
 * ```ts
 * const config = loadConfig({ keys: SERVER_CONFIG_KEYS })
 * if (config.printConfig) process.stdout.write(formatConfig(config))
 * ```
 */
export function formatConfig<K extends ConfigKeys>(config: LoadedConfig<K>): string {
  const rows: [string, string, string][] = [
    ['profile', config.profile, showSource(config.profileSource)],
    ['config file', config.file ?? '(none)', showSource(config.fileSource)],
  ]
  for (const [key, def] of Object.entries(config.keys)) {
    rows.push([key, showValue(config.values[key], def.secret === true), showSource(config.sources[key] as ConfigSource)])
  }
  const keyWidth = Math.max(...rows.map((row) => row[0].length))
  const valueWidth = Math.min(40, Math.max(...rows.map((row) => row[1].length)))
  const header: [string, string, string] = ['key', 'value', 'source']
  return `${[header, ...rows].map(([key, value, source]) => `${key.padEnd(keyWidth)}  ${value.padEnd(valueWidth)}  ${source}`).join('\n')}\n`
}
