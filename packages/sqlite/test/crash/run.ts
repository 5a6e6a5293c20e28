// pnpm test:crash — the SIGKILL crash test at full length: `--kills N` (default 24), `--seed S` (default 1).
import { parseArgs } from 'node:util'
import { runCrashTest } from './harness.js'

const { values } = parseArgs({ options: { kills: { type: 'string', default: '24' }, seed: { type: 'string', default: '1' } } })
const kills = Number(values.kills)
const seed = Number(values.seed)
const started = performance.now()
try {
  const results = await runCrashTest(kills, seed, (r) => {
    process.stdout.write(`kill ${r.kill} after ${r.afterMs} ms: log at seq ${r.lastSeq}, ${r.durableAcked} durable transfers all present, restart recovered ${r.recoveredSeq}\n`)
  })
  const last = results.at(-1)
  process.stdout.write(
    `${JSON.stringify({ crash: 'ok', kills: results.length, seed, lastSeq: last?.lastSeq ?? 0, durableAcked: last?.durableAcked ?? 0, seconds: Math.round((performance.now() - started) / 100) / 10 })}\n`,
  )
} catch (error) {
  process.stderr.write(`crash test failed: ${(error as Error).message}\n`)
  process.exitCode = 1
}
