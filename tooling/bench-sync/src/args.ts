/** One run of the bench: how many clients in how big a world, for how long. */
export interface BenchSize {
  readonly clients: number
  readonly entities: number
  /** Measured window, seconds (after every client connected and a warmup). */
  readonly durationS: number
}

/** The sizes run without flags. */
const DEFAULT_CLIENTS = [100, 500, 2000] as const
const DEFAULT_ENTITIES = 20_000
const DEFAULT_DURATION_S = 20

function flag(argv: readonly string[], name: string): number | undefined {
  const i = argv.findIndex((a) => a === name || a.startsWith(`${name}=`))
  if (i === -1) return undefined
  const arg = argv[i] as string
  const text = arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : argv[i + 1]
  const value = Number(text)
  if (text === undefined || !Number.isInteger(value) || value <= 0) throw new Error(`${name} needs a positive integer, got ${JSON.stringify(text)}`)
  return value
}

/**
 * Reads `--clients N --entities M --duration S` (also `--name=value`); without `--clients` the bench runs
 * 100, 500 and 2,000 clients.
 *
 * @param argv - the command-line arguments after the script
 * @returns the sizes to run, in order
 * @throws Error when a flag's value is not a positive integer
 */
export function parseSizes(argv: readonly string[]): BenchSize[] {
  const clients = flag(argv, '--clients')
  const entities = flag(argv, '--entities') ?? DEFAULT_ENTITIES
  const durationS = flag(argv, '--duration') ?? DEFAULT_DURATION_S
  const counts = clients === undefined ? DEFAULT_CLIENTS : [clients]
  return counts.map((n) => ({ clients: n, entities, durationS }))
}
