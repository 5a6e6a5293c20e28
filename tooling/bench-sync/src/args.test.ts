import { describe, expect, it } from 'vitest'
import { parseBenchArgs, referenceWorldSize } from './args.js'

describe('bench:sync arguments', () => {
  it('runs 100, 500 and 2,000 clients at the reference density without flags', () => {
    const args = parseBenchArgs([])
    expect(args.sizes.map((s) => s.clients)).toEqual([100, 500, 2000])
    expect(args.sizes[0]).toEqual({ clients: 100, entities: 20_000, worldSize: referenceWorldSize(20_000), durationS: 20 })
    expect(referenceWorldSize(20_000)).toBe(5774)
    expect(args).toMatchObject({ noPin: false, cpuProfDir: undefined, help: false })
  })

  it('reads every flag, in both forms, past the -- pnpm passes', () => {
    const args = parseBenchArgs(['--', '--clients', '500', '--entities=8000', '--duration', '5', '--world-size=2000', '--no-pin', '--cpu-prof=prof'])
    expect(args.sizes).toEqual([{ clients: 500, entities: 8000, worldSize: 2000, durationS: 5 }])
    expect(args).toMatchObject({ noPin: true, cpuProfDir: 'prof', help: false })
    expect(parseBenchArgs(['--help']).help).toBe(true)
  })

  it('refuses an unknown flag (a typo must not start the 6-minute default runs) and bad values', () => {
    expect(() => parseBenchArgs(['--client', '500'])).toThrow(/Unknown option '--client'/)
    expect(() => parseBenchArgs(['--clients', 'many'])).toThrow('--clients needs a positive integer, got "many"')
    expect(() => parseBenchArgs(['--duration', '0'])).toThrow('--duration needs a positive integer, got "0"')
    expect(() => parseBenchArgs(['--world-size', '50'])).toThrow('--world-size needs an integer in [100, 1000000], got 50')
  })
})
