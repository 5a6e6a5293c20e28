import { describe, expect, it } from 'vitest'
import { type NumberFlag, readFlags } from '../src/gauntlet/command-flags.js'

const flags: Record<'frames' | 'seed' | 'baseline', NumberFlag> = {
  frames: { default: 100, min: 1, integer: true, help: 'frames in all' },
  seed: { min: 0, integer: true, help: 'seed' },
  baseline: { default: 5, min: 1, integer: false, help: 'seconds before' },
}
const read = (argv: string[]) => readFlags('fuzz', 'the gauntlet', flags, argv)

describe('long-run command flags', () => {
  it('reads --name V and --name=V past the -- pnpm passes, with defaults for the rest', () => {
    expect(read(['--', '--frames', '300', '--baseline=1.5'])).toEqual({ kind: 'values', values: { frames: 300, seed: undefined, baseline: 1.5 } })
    expect(read([])).toEqual({ kind: 'values', values: { frames: 100, seed: undefined, baseline: 5 } })
  })

  it('prints the usage on --help, exit 0, with every flag and its default', () => {
    const outcome = read(['--help'])
    expect(outcome).toMatchObject({ kind: 'exit', code: 0 })
    const text = outcome.kind === 'exit' ? outcome.text : ''
    expect(text).toMatch(/^usage: pnpm fuzz \[options\]/)
    expect(text).toContain('--frames     frames in all (default 100)')
    expect(text).toContain('--seed       seed\n')
    expect(text).toContain('--help')
  })

  it('refuses an unknown flag and a value that is not a number in range, exit 2, naming the flag', () => {
    for (const [argv, says] of [
      [['--frame', '3'], "Unknown option '--frame'"],
      [['--frames', 'many'], '--frames needs a whole number of at least 1, got "many"'],
      [['--frames', '2.5'], '--frames needs a whole number'],
      [['--frames', '0'], '--frames needs a whole number of at least 1, got "0"'],
      [['--seed', ''], '--seed needs a whole number of at least 0, got ""'],
      [['--baseline', '0.5'], '--baseline needs a number of at least 1, got "0.5"'],
    ] as const) {
      const outcome = read([...argv])
      expect(outcome).toMatchObject({ kind: 'exit', code: 2 })
      expect(outcome.kind === 'exit' ? outcome.text : '').toContain(says)
      expect(outcome.kind === 'exit' ? outcome.text : '').toContain('usage: pnpm fuzz')
    }
  })
})
