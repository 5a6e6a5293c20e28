import { parseArgs } from 'node:util'

/** A numeric flag of a long-run command (`pnpm soak`, `pnpm fuzz`). */
export interface NumberFlag {
  /** The value when the flag is absent; none: absent stays undefined. */
  readonly default?: number
  /** The least value taken. */
  readonly min: number
  /** Whole numbers only. */
  readonly integer: boolean
  /** One line for the usage text. */
  readonly help: string
}

/** What {@link readFlags} gives back: the values read, or the text to print and the exit code. */
export type FlagsOutcome<K extends string> =
  | { readonly kind: 'values'; readonly values: Readonly<Record<K, number | undefined>> }
  | { readonly kind: 'exit'; readonly code: 0 | 2; readonly text: string }

/** The usage text of a command: its synopsis, then a line per flag with its default. */
export function flagsUsage(command: string, synopsis: string, flags: Readonly<Record<string, NumberFlag>>): string {
  const lines = [`usage: pnpm ${command} [options]`, `  ${synopsis}`]
  for (const [name, flag] of Object.entries(flags)) {
    const fallback = flag.default === undefined ? '' : ` (default ${flag.default})`
    lines.push(`  --${name.padEnd(10)} ${flag.help}${fallback}`)
  }
  lines.push(`  --${'help'.padEnd(10)} this text`)
  return lines.join('\n')
}

/**
 * Reads numeric flags (`--name V` or `--name=V`; a lone `--`, as pnpm passes it, is skipped).
 *
 * @param command - the command's name, for messages
 * @param synopsis - one line on what the command does
 * @param flags - the flags by name (without the dashes)
 * @param argv - the arguments after the script
 * @returns the values, or what to print and the exit code: 0 with the usage on `--help`, 2 with the problem
 *   and the usage on an unknown flag or a value that is not a number at least the flag's `min` (a whole one
 *   where the flag says `integer`)
 */
export function readFlags<K extends string>(
  command: string,
  synopsis: string,
  flags: Readonly<Record<K, NumberFlag>>,
  argv: readonly string[],
): FlagsOutcome<K> {
  const usage = flagsUsage(command, synopsis, flags)
  const options: Record<string, { type: 'string' | 'boolean' }> = { help: { type: 'boolean' } }
  for (const name of Object.keys(flags)) options[name] = { type: 'string' }
  let parsed: Record<string, string | boolean | undefined>
  try {
    parsed = parseArgs({ args: argv.filter((arg) => arg !== '--'), options, strict: true }).values
  } catch (error) {
    return { kind: 'exit', code: 2, text: `${command}: ${(error as Error).message}\n${usage}` }
  }
  if (parsed.help === true) return { kind: 'exit', code: 0, text: usage }
  const values = {} as Record<K, number | undefined>
  for (const name of Object.keys(flags) as K[]) {
    const flag = flags[name]
    const text = parsed[name]
    if (typeof text !== 'string') {
      values[name] = flag.default
      continue
    }
    const value = text.trim() === '' ? Number.NaN : Number(text)
    if (!Number.isFinite(value) || value < flag.min || (flag.integer && !Number.isInteger(value))) {
      const kind = flag.integer ? 'a whole number' : 'a number'
      return { kind: 'exit', code: 2, text: `${command}: --${name} needs ${kind} of at least ${flag.min}, got ${JSON.stringify(text)}\n${usage}` }
    }
    values[name] = value
  }
  return { kind: 'values', values }
}

/** {@link readFlags} for a command's entry point: prints and exits on `--help` or a bad flag, else returns the values. */
export function flagsOrExit<K extends string>(
  command: string,
  synopsis: string,
  flags: Readonly<Record<K, NumberFlag>>,
  argv: readonly string[],
): Readonly<Record<K, number | undefined>> {
  const outcome = readFlags(command, synopsis, flags, argv)
  if (outcome.kind === 'values') return outcome.values
  ;(outcome.code === 0 ? process.stdout : process.stderr).write(`${outcome.text}\n`)
  process.exit(outcome.code)
}
