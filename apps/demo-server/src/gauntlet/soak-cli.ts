// `pnpm soak --minutes M --clients C [--seed S]`: players connect, play and leave at random; one JSON line on stdout.
import { flagsOrExit } from './command-flags.js'
import { runSoak } from './soak-run.js'

const flags = flagsOrExit(
  'soak',
  'players connect, play and leave at random against one server; prints one JSON report line on stdout',
  {
    minutes: { default: 1, min: 0.01, integer: false, help: 'minutes measured, after a warm-up of a tenth of them' },
    clients: { default: 50, min: 1, integer: true, help: 'players at once' },
    seed: { default: 1, min: 0, integer: true, help: 'seed of the server and the players' },
  },
  process.argv.slice(2),
)

const report = await runSoak({
  minutes: flags.minutes ?? 1,
  clients: flags.clients ?? 50,
  seed: flags.seed ?? 1,
  log: (line) => process.stderr.write(`[soak] ${line}\n`),
})
process.stdout.write(`${JSON.stringify(report)}\n`)
process.exit(0)
