import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { createRng } from './rng.js'

describe('createRng (Mulberry32)', () => {
  it('is deterministic per seed and differs across seeds', () => {
    const a = createRng(42)
    const b = createRng(42)
    const c = createRng(43)
    const xs = Array.from({ length: 8 }, () => a.next())
    expect(Array.from({ length: 8 }, () => b.next())).toEqual(xs)
    expect(Array.from({ length: 8 }, () => c.next())).not.toEqual(xs)
  })

  it('matches the reference Mulberry32 sequence', () => {
    // The reference form from bryc/code jshash/PRNGs.md, verbatim apart from types.
    function mulberry32(seed: number): () => number {
      let a = seed
      return () => {
        a += 0x6d2b79f5
        let t = a
        t = Math.imul(t ^ (t >>> 15), t | 1)
        t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
        return ((t ^ (t >>> 14)) >>> 0) / 4294967296
      }
    }
    for (const seed of [0, 1, 42, 123456789, 0xffffffff]) {
      const ref = mulberry32(seed)
      const rng = createRng(seed)
      for (let k = 0; k < 100; k++) expect(rng.next()).toBe(ref())
    }
  })

  it('stays in range and restores from a saved state', () => {
    fc.assert(
      fc.property(fc.integer(), fc.integer({ min: -1000, max: 1000 }), fc.integer({ min: 1, max: 1000 }), (seed, min, span) => {
        const rng = createRng(seed)
        const n = rng.next()
        expect(n).toBeGreaterThanOrEqual(0)
        expect(n).toBeLessThan(1)
        const i = rng.int(min, min + span)
        expect(Number.isInteger(i)).toBe(true)
        expect(i).toBeGreaterThanOrEqual(min)
        expect(i).toBeLessThan(min + span)
        const r = rng.range(min, min + span)
        expect(r).toBeGreaterThanOrEqual(min)
        expect(r).toBeLessThan(min + span)
        const state = rng.getState()
        const next = [rng.next(), rng.next()]
        rng.setState(state)
        expect([rng.next(), rng.next()]).toEqual(next)
        expect(rng.seed).toBe(seed >>> 0)
      }),
      { numRuns: 100 },
    )
  })
})
