import { createRng } from '@orrery/ecs'

/**
 * The moves every codec case replays: each entity runs a circle at 2–10 world units per tick (a
 * Blackholio circle covers up to 10 per 50 ms step), so after {@link CYCLE} ticks every entity is back
 * where it started and a recorded cycle of frames can be replayed forever. Every position stays in
 * {@link MOTION_BOX}, about what a large player's camera shows.
 */

/** Ticks in one cycle of moves (4 s at 20 Hz). */
export const CYCLE = 80

/** The square every position stays in, world units. */
export const MOTION_BOX = { minX: 340, minY: 340, maxX: 660, maxY: 660 } as const

/** Precomputed positions: tick `t` (0 ≤ t < CYCLE), entity `i` at `x[t * n + i]`, `y[t * n + i]`. */
export interface Motion {
  readonly n: number
  /** f32 positions, world units, inside {@link MOTION_BOX}. */
  readonly x: Float32Array
  readonly y: Float32Array
  /** u32 masses (they do not change). */
  readonly mass: Uint32Array
}

/**
 * Builds the moves of `n` entities, the same for every library (seeded).
 *
 * @param n - number of moving entities
 * @returns positions per tick and masses
 */
export function motion(n: number): Motion {
  const rng = createRng(7 + n)
  const rnd = (): number => rng.next()
  const x = new Float32Array(CYCLE * n)
  const y = new Float32Array(CYCLE * n)
  const mass = new Uint32Array(n)
  for (let i = 0; i < n; i++) {
    const speed = 2 + 8 * rnd()
    const radius = (speed * CYCLE) / (2 * Math.PI)
    const cx = 480 + 40 * rnd()
    const cy = 480 + 40 * rnd()
    const phase = 2 * Math.PI * rnd()
    const turn = rnd() < 0.5 ? -1 : 1
    mass[i] = 10 + Math.floor(490 * rnd())
    for (let t = 0; t < CYCLE; t++) {
      const a = phase + (turn * 2 * Math.PI * t) / CYCLE
      x[t * n + i] = cx + radius * Math.cos(a)
      y[t * n + i] = cy + radius * Math.sin(a)
    }
  }
  return { n, x, y, mass }
}
