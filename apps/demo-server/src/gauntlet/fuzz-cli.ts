// `pnpm fuzz --frames N [--seed S] [--bots B] [--workers W] [--addresses A] [--baseline S]`: the gauntlet; one JSON line on stdout.
import { flagsOrExit } from './command-flags.js'
import { runFuzz } from './fuzz-run.js'

const flags = flagsOrExit(
  'fuzz',
  'hostile frames from many connections and addresses against one server while honest bots play; prints one JSON report line on stdout',
  {
    frames: { default: 100_000, min: 1, integer: true, help: 'hostile frames sent in all' },
    seed: { min: 0, integer: true, help: 'seed of the frames and the server (default: random, printed in the report)' },
    bots: { default: 4, min: 0, integer: true, help: 'honest bots playing meanwhile' },
    workers: { default: 32, min: 1, integer: true, help: 'attacking connections at once' },
    addresses: { default: 4096, min: 1, integer: true, help: 'loopback addresses the attackers come from (127.1.0.1 onwards)' },
    baseline: { default: 5, min: 1, integer: false, help: 'seconds the honest figures are measured before the attack' },
  },
  process.argv.slice(2),
)

const seed = flags.seed ?? Math.floor(Math.random() * 0x7fffffff)
const report = await runFuzz({
  frames: flags.frames ?? 100_000,
  seed,
  bots: flags.bots ?? 4,
  workers: flags.workers ?? 32,
  addresses: flags.addresses ?? 4096,
  baselineSec: flags.baseline ?? 5,
  log: (line) => process.stderr.write(`[fuzz] ${line}\n`),
})
process.stdout.write(`${JSON.stringify({ seed, ...report })}\n`)
process.exit(0)
