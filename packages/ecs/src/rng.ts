/**
 * A seeded, deterministic random number generator whose whole state is one 32-bit number.
 *
 * @see https://gist.github.com/tommyettinger/46a874533244883189143505d203312c (Mulberry32, Tommy Ettinger)
 * @see https://github.com/bryc/code/blob/master/jshash/PRNGs.md#mulberry32 (JavaScript form)
 */
export interface Rng {
  /** The next number, uniform in [0, 1). */
  next(): number
  /** An integer uniform in [min, maxExclusive). */
  int(min: number, maxExclusive: number): number
  /** A number uniform in [min, max). */
  range(min: number, max: number): number
  /** The seed the generator started from. */
  readonly seed: number
  /** The current state (a uint32), to save and restore. */
  getState(): number
  /** Restores a state returned by {@link Rng.getState}. */
  setState(state: number): void
}

class Mulberry32 implements Rng {
  readonly seed: number
  private state: number

  constructor(seed: number) {
    this.seed = seed >>> 0
    this.state = this.seed
  }

  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0
    let t = this.state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }

  int(min: number, maxExclusive: number): number {
    return min + Math.floor(this.next() * (maxExclusive - min))
  }

  range(min: number, max: number): number {
    return min + this.next() * (max - min)
  }

  getState(): number {
    return this.state
  }

  setState(state: number): void {
    this.state = state >>> 0
  }
}

/**
 * Creates a Mulberry32 generator: same seed, same sequence, on every platform.
 *
 * @param seed - any number; it is taken modulo 2^32
 * @returns a fresh {@link Rng}
 * @example
 * ```ts
 * const rng = createRng(42)
 * const roll = rng.int(1, 7) // a die roll, 1..6
 * ```
 * @see https://gist.github.com/tommyettinger/46a874533244883189143505d203312c
 */
export function createRng(seed: number): Rng {
  return new Mulberry32(seed)
}
