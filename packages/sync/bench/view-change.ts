import { createRng } from '@orrery/ecs'

/**
 * The view-change cases of `bench:codec`: a client's view jumps between two groups of `n` entities at rest
 * (a camera jump, a respawn, a teleport), so every frame carries `n` entities leaving and `n` entering with
 * all their fields. Positions and masses are seeded, the same for every library.
 */

/** Frames in one cycle: the view goes to the second group and back. */
export const VIEW_CYCLE = 2

/** The area (world units) of group 0; group 1 is the same square moved by {@link GROUP_OFFSET} along x. */
export const GROUP_BOX = { minX: 0, minY: 0, maxX: 320, maxY: 320 } as const
export const GROUP_OFFSET = 1_000

/** Two groups of entities at rest: entity `i` of group `g` at `x[g * n + i]`, `y[g * n + i]`. */
export interface ViewGroups {
  readonly n: number
  /** f32 positions, world units. */
  readonly x: Float32Array
  readonly y: Float32Array
  /** u32 masses. */
  readonly mass: Uint32Array
}

/**
 * Places two groups of `n` entities, group 0 in {@link GROUP_BOX} and group 1 {@link GROUP_OFFSET} units
 * to its right.
 *
 * @param n - entities per group
 */
export function viewGroups(n: number): ViewGroups {
  const rng = createRng(11 + n)
  const x = new Float32Array(2 * n)
  const y = new Float32Array(2 * n)
  const mass = new Uint32Array(2 * n)
  const side = GROUP_BOX.maxX - GROUP_BOX.minX
  for (let k = 0; k < 2 * n; k++) {
    x[k] = GROUP_BOX.minX + side * rng.next() + (k < n ? 0 : GROUP_OFFSET)
    y[k] = GROUP_BOX.minY + side * rng.next()
    mass[k] = 2 + Math.floor(498 * rng.next())
  }
  return { n, x, y, mass }
}
