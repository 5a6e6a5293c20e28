import { existsSync, readFileSync } from 'node:fs'
import { isAbsolute, resolve } from 'node:path'
import { ServerError } from '../server-error.js'

/** The file name looked for in the working directory when `ORRERY_CONFIG` and `--config` are not given. */
export const CONFIG_FILE_NAME = 'orrery.config.json'

/**
 * Where the configuration file is: `--config`, else `ORRERY_CONFIG`, else `orrery.config.json` in `cwd` when it
 * exists; null for none.
 * @returns the absolute path, or null, and what named it
 */
export function configFilePath(
  flag: string | undefined,
  env: Readonly<Record<string, string | undefined>>,
  cwd: string,
): { readonly path: string | null; readonly source: { kind: 'flag' | 'env'; name: string } | { kind: 'default' } } {
  const absolute = (given: string): string => (isAbsolute(given) ? given : resolve(cwd, given))
  if (flag !== undefined) return { path: absolute(flag), source: { kind: 'flag', name: '--config' } }
  if (env.ORRERY_CONFIG !== undefined && env.ORRERY_CONFIG !== '') return { path: absolute(env.ORRERY_CONFIG), source: { kind: 'env', name: 'ORRERY_CONFIG' } }
  const found = resolve(cwd, CONFIG_FILE_NAME)
  return { path: existsSync(found) ? found : null, source: { kind: 'default' } }
}

/**
 * Reads a JSON configuration file into dotted keys: `{ "limits": { "messagesPerSecond": 30 } }` gives
 * `limits.messagesPerSecond`. A nested object is opened only where no key has its name.
 *
 * @param path - the file
 * @param known - whether a dotted name is a key
 * @returns the values by key, `$schema` left out
 * @throws {ServerError} `ERR_INVALID_CONFIG` when the file cannot be read or is not a JSON object
 */
export function readConfigFile(path: string, known: (key: string) => boolean): Map<string, unknown> {
  let parsed: unknown
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'))
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error)
    throw new ServerError('ERR_INVALID_CONFIG', `invalid configuration: the config file ${path} cannot be read: ${reason}`, { cause: error })
  }
  if (!isPlainObject(parsed)) throw new ServerError('ERR_INVALID_CONFIG', `invalid configuration: the config file ${path} must hold a JSON object`)
  const values = new Map<string, unknown>()
  const walk = (object: Record<string, unknown>, prefix: string): void => {
    for (const [name, value] of Object.entries(object)) {
      const key = prefix + name
      if (key === '$schema') continue
      if (!known(key) && isPlainObject(value)) walk(value, `${key}.`)
      else values.set(key, value)
    }
  }
  walk(parsed, '')
  return values
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
