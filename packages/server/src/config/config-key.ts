import type * as v from 'valibot'

/** The configuration profile: `production` refuses unsafe settings and changes a few defaults. */
export type ConfigProfile = 'development' | 'production'

/**
 * One configuration key: its valibot schema (range and default), where it is read from and whether a
 * running server takes a new value at once.
 *
 * @example
 * ```ts
 * import * as v from 'valibot'
 * const bots = configKey({ schema: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0)), 8), description: 'bots to start' })
 * ```
 */
export interface ConfigKey<T> {
  /** The value's schema; `v.optional(schema, default)` gives the key its default. Text from the environment or a flag is converted to its type first. */
  readonly schema: v.GenericSchema<unknown, T>
  /** One line for `--help` and `--print-config`. */
  readonly description: string
  /** Environment variables, the first set one wins. Default: `ORRERY_` and the key in upper snake case (`limits.messagesPerSecond` → `ORRERY_LIMITS_MESSAGES_PER_SECOND`). */
  readonly env?: readonly string[]
  /** The command-line flag, without dashes; false for none. Default: the key in kebab case (`tickRate` → `tick-rate`). */
  readonly flag?: string | false
  /** Other names of the flag (`data` for `data-dir`). */
  readonly flagAliases?: readonly string[]
  /** A boolean key whose flag turns it off (`--no-build` sets `build` to false). */
  readonly negatedFlag?: boolean
  /** The default under the production profile, when it differs. */
  readonly productionDefault?: T
  /** Masked in `--print-config` and in logs. */
  readonly secret?: boolean
  /** 'live': a running server takes a new value on reload; 'restart' (default): a change is logged as needing a restart. */
  readonly reload?: 'live' | 'restart'
}

/** Any configuration key. */
// biome-ignore lint/suspicious/noExplicitAny: a table holds keys of every value type
export type AnyConfigKey = ConfigKey<any>

/** A table of configuration keys by name (dotted names such as `limits.messagesPerSecond` for nested ones). */
export type ConfigKeys = Readonly<Record<string, AnyConfigKey>>

/** The values of a table of keys. */
export type ConfigValues<K extends ConfigKeys> = { -readonly [P in keyof K]: K[P] extends ConfigKey<infer T> ? T : never }

/**
 * Declares a configuration key; the value type is inferred from the schema.
 * @param key - see {@link ConfigKey}
 * @returns the key as given
 */
export function configKey<T>(key: ConfigKey<T>): ConfigKey<T> {
  return key
}

/** The base type of a key's schema: how text from the environment or a flag is read. */
export type ValueKind = 'number' | 'boolean' | 'list' | 'string'

interface SchemaNode {
  readonly type: string
  readonly kind?: string
  readonly wrapped?: SchemaNode
  readonly pipe?: readonly SchemaNode[]
  readonly options?: readonly unknown[]
  readonly item?: SchemaNode
  readonly requirement?: unknown
}

/** The schema under `optional` and `pipe`, and every validation of the pipes on the way. */
function inspect(schema: unknown): { base: SchemaNode; checks: SchemaNode[] } {
  let node = schema as SchemaNode
  const checks: SchemaNode[] = []
  for (;;) {
    if ((node.type === 'optional' || node.type === 'nullable' || node.type === 'nullish') && node.wrapped !== undefined) {
      node = node.wrapped
    } else if (node.pipe !== undefined && node.pipe[0] !== undefined && node.pipe[0] !== node) {
      const [first, ...rest] = node.pipe
      checks.push(...rest.filter((item) => item.kind === 'validation'))
      node = first
    } else {
      return { base: node, checks }
    }
  }
}

/**
 * How text for a key is read: as a number, a boolean, a comma-separated list or a string.
 * @param schema - the key's valibot schema
 */
export function valueKind(schema: unknown): ValueKind {
  const { base } = inspect(schema)
  if (base.type === 'number') return 'number'
  if (base.type === 'boolean') return 'boolean'
  if (base.type === 'array') return 'list'
  return 'string'
}

/**
 * The accepted values of a schema in words, read from its checks: `an integer from 1 to 240`,
 * `a number ≥ 0`, `one of json, pretty`.
 */
export function describeRange(schema: unknown): string {
  const { base, checks } = inspect(schema)
  if (base.type === 'picklist') return `one of ${(base.options ?? []).join(', ')}`
  if (base.type === 'boolean') return 'true or false'
  if (base.type === 'array') return 'a comma-separated list'
  if (base.type !== 'number') {
    const min = checks.find((c) => c.type === 'min_length')?.requirement
    return min === undefined ? 'a string' : 'a non-empty string'
  }
  const integer = checks.some((c) => c.type === 'integer')
  const mins = checks.filter((c) => c.type === 'min_value').map((c) => Number(c.requirement))
  const maxs = checks.filter((c) => c.type === 'max_value').map((c) => Number(c.requirement))
  const multiple = checks.find((c) => c.type === 'multiple_of')?.requirement
  const min = mins.length === 0 ? undefined : Math.max(...mins)
  const max = maxs.length === 0 ? undefined : Math.min(...maxs)
  let text = integer ? 'an integer' : 'a number'
  const above = checks.find((c) => c.type === 'gt_value')?.requirement
  if (min !== undefined && max !== undefined) text += ` from ${min} to ${max}`
  else if (min !== undefined) text += ` ≥ ${min}`
  else if (above !== undefined) text += ` > ${above}`
  if (max !== undefined && min === undefined) text += ` ≤ ${max}`
  if (multiple !== undefined) text += `, a multiple of ${multiple}`
  return text
}

/** `limits.messagesPerSecond` → `limits messages per second`. */
export function keyLabel(key: string): string {
  return key
    .split('.')
    .map((part) => part.replace(/[A-Z]/g, (c) => ` ${c.toLowerCase()}`))
    .join(' ')
}

/** `limits.messagesPerSecond` → `ORRERY_LIMITS_MESSAGES_PER_SECOND`. */
export function defaultEnvName(key: string): string {
  return `ORRERY_${key.replace(/\./g, '_').replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}`
}

/** `limits.messagesPerSecond` → `limits-messages-per-second`. */
export function defaultFlagName(key: string): string {
  return key.replace(/\./g, '-').replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)
}

/**
 * The command-line flag of a key, without dashes (`tickRate` → `tick-rate`), or null when it has none.
 * @param name - the key's name in its table
 * @param key - the key
 */
export function keyFlag(name: string, key: AnyConfigKey): string | null {
  if (key.flag === false) return null
  return key.flag ?? defaultFlagName(name)
}

/**
 * The environment variables of a key, the first set one winning (`tickRate` → `ORRERY_TICK_RATE`).
 * @param name - the key's name in its table
 * @param key - the key
 */
export function keyEnvNames(name: string, key: AnyConfigKey): readonly string[] {
  return key.env ?? [defaultEnvName(name)]
}

const TRUE = new Set(['true', '1', 'yes', 'on'])
const FALSE = new Set(['false', '0', 'no', 'off'])

/**
 * Converts text from the environment or a flag to a key's value type; text that does not convert is
 * passed on as is, so that the schema refuses it with the key's range.
 */
export function fromText(schema: unknown, text: string | readonly string[]): unknown {
  const kind = valueKind(schema)
  if (kind === 'list') {
    const parts = typeof text === 'string' ? [text] : text
    return parts.flatMap((part) => part.split(',')).map((part) => part.trim()).filter((part) => part !== '')
  }
  const last = typeof text === 'string' ? text : (text[text.length - 1] ?? '')
  if (kind === 'number') {
    const n = last.trim() === '' ? Number.NaN : Number(last)
    return Number.isNaN(n) ? last : n
  }
  if (kind === 'boolean') {
    const lower = last.trim().toLowerCase()
    if (TRUE.has(lower)) return true
    if (FALSE.has(lower)) return false
  }
  return last
}
