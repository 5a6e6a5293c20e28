import { parseArgs } from 'node:util'
import { MAX_WORLD_SIZE, MIN_WORLD_SIZE, TARGET_FOOD_COUNT, WORLD_SIZE } from '@orrery/demo-shared'

/** One run of the bench: how many clients in how big a world, for how long. */
export interface BenchSize {
  readonly clients: number
  readonly entities: number
  /** Side of the square world, world units. */
  readonly worldSize: number
  /** Measured window, seconds (after every client connected and a warmup). */
  readonly durationS: number
}

/** The sizes run without flags. */
const DEFAULT_CLIENTS = [100, 500, 2000] as const
const DEFAULT_ENTITIES = 20_000
const DEFAULT_DURATION_S = 20

/**
 * The side of a world of `entities` bodies at the reference game's density: 600 food in 1000 × 1000 world units
 * (its `target_food_count` and `world_size`), the side growing with the square root of the bodies, as a Blackholio
 * operator would size the world for more players. 20,000 bodies: 5,774.
 *
 * @param entities - bodies in the world
 * @returns the side, world units (at least the reference's 1000, at most the module's 1,000,000)
 */
export function referenceWorldSize(entities: number): number {
  return Math.min(MAX_WORLD_SIZE, Math.max(WORLD_SIZE, Math.round(WORLD_SIZE * Math.sqrt(entities / TARGET_FOOD_COUNT))))
}

/** What `pnpm bench:sync` was asked to run. */
export interface BenchArgs {
  /** The sizes to run, in order. */
  readonly sizes: readonly BenchSize[]
  /** `--no-pin`: leave both processes to the scheduler instead of one core each. */
  readonly noPin: boolean
  /** `--cpu-prof=DIR`: both children write V8 CPU profiles there. */
  readonly cpuProfDir: string | undefined
  /** `--help`: print {@link BENCH_USAGE} and run nothing. */
  readonly help: boolean
}

/** The usage text of `pnpm bench:sync`. */
export const BENCH_USAGE = `usage: pnpm bench:sync [options]
  --clients N      simulated clients (default: three runs, of ${DEFAULT_CLIENTS.join(', ')})
  --entities M     bodies in the world (default ${DEFAULT_ENTITIES})
  --duration S     measured seconds, after every client joined and a warm-up (default ${DEFAULT_DURATION_S})
  --world-size W   side of the world, world units, in [${MIN_WORLD_SIZE}, ${MAX_WORLD_SIZE}] (default: the reference game's density)
  --no-pin         leave the server and the clients to the scheduler (default: one core each, with taskset)
  --cpu-prof=DIR   both processes write V8 CPU profiles to DIR
  --help           this text`

function positiveInt(name: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined
  const value = Number(text)
  if (text.trim() === '' || !Number.isInteger(value) || value <= 0) throw new Error(`--${name} needs a positive integer, got ${JSON.stringify(text)}`)
  return value
}

/**
 * Reads `--clients N --entities M --duration S --world-size W --no-pin --cpu-prof=DIR --help` (also
 * `--name=value`; a lone `--`, as pnpm passes it, is skipped). Without `--clients` the bench runs 100, 500 and
 * 2,000 clients; without `--world-size` the world has the reference game's density (see
 * {@link referenceWorldSize}).
 *
 * @param argv - the command-line arguments after the script
 * @returns what to run
 * @throws Error on an unknown flag, a flag's value that is not a positive integer, or a `--world-size`
 *   outside [100, 1,000,000]
 */
export function parseBenchArgs(argv: readonly string[]): BenchArgs {
  const { values } = parseArgs({
    args: argv.filter((arg) => arg !== '--'),
    options: {
      clients: { type: 'string' },
      entities: { type: 'string' },
      duration: { type: 'string' },
      'world-size': { type: 'string' },
      'no-pin': { type: 'boolean', default: false },
      'cpu-prof': { type: 'string' },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  })
  const clients = positiveInt('clients', values.clients)
  const entities = positiveInt('entities', values.entities) ?? DEFAULT_ENTITIES
  const durationS = positiveInt('duration', values.duration) ?? DEFAULT_DURATION_S
  const worldSize = positiveInt('world-size', values['world-size']) ?? referenceWorldSize(entities)
  if (worldSize < MIN_WORLD_SIZE || worldSize > MAX_WORLD_SIZE) {
    throw new Error(`--world-size needs an integer in [${MIN_WORLD_SIZE}, ${MAX_WORLD_SIZE}], got ${worldSize}`)
  }
  const counts = clients === undefined ? DEFAULT_CLIENTS : [clients]
  return {
    sizes: counts.map((n) => ({ clients: n, entities, worldSize, durationS })),
    noPin: values['no-pin'],
    cpuProfDir: values['cpu-prof'],
    help: values.help,
  }
}
