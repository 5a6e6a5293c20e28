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
 * Reads `--clients N --entities M --duration S --world-size W` (also `--name=value`); without `--clients` the
 * bench runs 100, 500 and 2,000 clients; without `--world-size` the world has the reference game's density
 * (see {@link referenceWorldSize}).
 *
 * @param argv - the command-line arguments after the script
 * @returns the sizes to run, in order
 * @throws Error when a flag's value is not a positive integer, or `--world-size` is outside [100, 1,000,000]
 */
export function parseSizes(argv: readonly string[]): BenchSize[] {
  const clients = flag(argv, '--clients')
  const entities = flag(argv, '--entities') ?? DEFAULT_ENTITIES
  const durationS = flag(argv, '--duration') ?? DEFAULT_DURATION_S
  const worldSize = flag(argv, '--world-size') ?? referenceWorldSize(entities)
  if (worldSize < MIN_WORLD_SIZE || worldSize > MAX_WORLD_SIZE) {
    throw new Error(`--world-size needs an integer in [${MIN_WORLD_SIZE}, ${MAX_WORLD_SIZE}], got ${worldSize}`)
  }
  const counts = clients === undefined ? DEFAULT_CLIENTS : [clients]
  return counts.map((n) => ({ clients: n, entities, worldSize, durationS }))
}
