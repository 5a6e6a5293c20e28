// `pnpm soak --minutes M --clients C [--seed S]`: players connect, play and leave at random; one JSON line on stdout.
import { parseArgs } from 'node:util'
import { runSoak } from './soak-run.js'

const { values } = parseArgs({
  args: process.argv.slice(2).filter((arg) => arg !== '--'),
  options: {
    minutes: { type: 'string', default: '1' },
    clients: { type: 'string', default: '50' },
    seed: { type: 'string', default: '1' },
  },
  strict: true,
})

const report = await runSoak({
  minutes: Number(values.minutes),
  clients: Number(values.clients),
  seed: Number(values.seed),
  log: (line) => process.stderr.write(`[soak] ${line}\n`),
})
process.stdout.write(`${JSON.stringify(report)}\n`)
process.exit(0)
