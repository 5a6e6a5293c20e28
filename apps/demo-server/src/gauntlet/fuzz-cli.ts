// `pnpm fuzz --frames N [--seed S] [--bots B] [--workers W] [--addresses A] [--baseline S]`: the gauntlet; one JSON line on stdout.
import { parseArgs } from 'node:util'
import { runFuzz } from './fuzz-run.js'

const { values } = parseArgs({
  args: process.argv.slice(2).filter((arg) => arg !== '--'),
  options: {
    frames: { type: 'string', default: '100000' },
    seed: { type: 'string' },
    bots: { type: 'string', default: '4' },
    workers: { type: 'string', default: '32' },
    addresses: { type: 'string', default: '4096' },
    baseline: { type: 'string', default: '5' },
  },
  strict: true,
})

const seed = values.seed === undefined ? Math.floor(Math.random() * 0x7fffffff) : Number(values.seed)
const report = await runFuzz({
  frames: Number(values.frames),
  seed,
  bots: Number(values.bots),
  workers: Number(values.workers),
  addresses: Number(values.addresses),
  baselineSec: Number(values.baseline),
  log: (line) => process.stderr.write(`[fuzz] ${line}\n`),
})
process.stdout.write(`${JSON.stringify({ seed, ...report })}\n`)
process.exit(0)
