// pnpm bench:reconnect [--cuts N]: time from a cut to a consistent replica, and the bytes of a resume
// against a full re-sync, at 0 and 100 ms added RTT. Prints a table on stderr and JSON lines on stdout.
import { parseArgs } from 'node:util'
import { jsonLine, ratio, table } from '@orrery/tooling-bench'
import { measureReconnects, type ReconnectResult } from './reconnect-bench.js'

// `pnpm bench:reconnect -- --cuts N` forwards the `--` separator; drop it.
const { values } = parseArgs({ args: process.argv.slice(2).filter((arg) => arg !== '--'), options: { cuts: { type: 'string', default: '200' } } })
const cuts = Number(values.cuts)
if (!Number.isInteger(cuts) || cuts < 1) throw new Error(`--cuts must be a positive integer, got ${values.cuts}`)

const results: ReconnectResult[] = []
for (const rttMs of [0, 100]) {
  for (const resume of [true, false]) {
    process.stderr.write(`measuring ${cuts} cuts at +${rttMs} ms RTT, resume ${resume ? 'on' : 'off'}…\n`)
    const result = await measureReconnects({ rttMs, resume, cuts })
    results.push(result)
    process.stdout.write(`${jsonLine('reconnect', { ...result })}\n`)
  }
}
process.stderr.write(
  `${table(
    ['added RTT ms', 'session', 'cuts', 'p50 ms', 'p99 ms', 'max ms', 'p99 − RTT ms', 'bytes p50', 'after Welcome p50', 'resumed', 'fresh'],
    results.map((r) => [
      r.rttMs,
      r.resume ? 'resumed' : 'fresh (re-sync)',
      r.cuts,
      r.p50Ms,
      r.p99Ms,
      r.maxMs,
      Math.round((r.p99Ms - r.rttMs) * 10) / 10,
      r.bytesP50,
      r.payloadBytesP50,
      r.resumed,
      r.fresh,
    ]),
  )}\n`,
)
for (const rttMs of [0, 100]) {
  const resumed = results.find((r) => r.rttMs === rttMs && r.resume)
  const full = results.find((r) => r.rttMs === rttMs && !r.resume)
  if (resumed === undefined || full === undefined) continue
  const line = {
    rttMs,
    resumeBytes: resumed.bytesP50,
    resyncBytes: full.bytesP50,
    ratio: ratio(resumed.bytesP50, full.bytesP50),
    resumePayloadBytes: resumed.payloadBytesP50,
    resyncPayloadBytes: full.payloadBytesP50,
    payloadRatio: ratio(resumed.payloadBytesP50, full.payloadBytesP50),
  }
  process.stdout.write(`${jsonLine('reconnect-bytes', line)}\n`)
  process.stderr.write(
    `+${rttMs} ms RTT: a resume costs ${resumed.bytesP50} B (${resumed.payloadBytesP50} B after Welcome), ` +
      `a full re-sync ${full.bytesP50} B (${full.payloadBytesP50} B after Welcome): ×${line.ratio} (×${line.payloadRatio} after Welcome)\n`,
  )
}
