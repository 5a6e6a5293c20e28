/**
 * `pnpm bench:ecs`: the five scenarios of the public ecs-benchmark suite for @orrery/ecs
 * (change tracking on, as the server runs, and off) and bitECS 0.4, in one process run, each
 * measurement in its own worker thread like the suite; then the costs of Orrery's own
 * transactions (a 10,000-entity move, its change set, a rollback).
 */
import { Worker } from 'node:worker_threads'
import { jsonLine, ratio, table } from '@orrery/tooling-bench'
import type { Job } from './worker.js'

const allScenarios: readonly { name: string; label: string; extra?: boolean }[] = [
  { name: 'packed_5', label: 'packed_5' },
  { name: 'simple_iter', label: 'simple_iter' },
  { name: 'frag_iter', label: 'frag_iter' },
  { name: 'entity_cycle', label: 'entity_cycle' },
  { name: 'add_remove', label: 'add_remove' },
  { name: 'packed_5_inc', label: 'packed_5 +1 (extra)', extra: true },
]

// `--only=packed_5,frag_iter` measures a subset; `--quick` shortens every measurement.
const only = process.argv.find((a) => a.startsWith('--only='))?.slice('--only='.length).split(',')
const scenarios = allScenarios.filter((s) => only === undefined || only.includes(s.name))
const quick = process.argv.includes('--quick')
const opts = quick ? { warmupMs: 300, samples: 3, sampleMs: 60 } : { warmupMs: 800, samples: 7, sampleMs: 120 }
/** Every cell is measured in this many fresh workers, interleaved, and the median is kept. */
const rounds = quick ? 1 : 3
const libs = ['bitecs', 'orrery-tracked', 'orrery-untracked'] as const

function run<T>(job: Job): Promise<T> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./worker-entry.mjs', import.meta.url), { workerData: job })
    worker.once('message', (value: T) => {
      resolve(value)
      void worker.terminate()
    })
    worker.once('error', reject)
  })
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[sorted.length >> 1] as number
}

// Rounds interleave all cells, so a burst of load on the machine hits different cells each time.
const results = new Map<string, number[]>()
for (let r = 0; r < rounds; r++) {
  for (const s of scenarios) {
    for (const lib of libs) {
      const key = `${s.name}/${lib}`
      results.set(key, [...(results.get(key) ?? []), await run<number>({ scenario: s.name, lib, opts })])
    }
  }
}

const rows: (string | number)[][] = []
const ratiosOn: Record<string, number> = {}
const ratiosOff: Record<string, number> = {}
for (const s of scenarios) {
  const [b, on, off] = libs.map((lib) => median(results.get(`${s.name}/${lib}`) ?? [])) as [number, number, number]
  rows.push([s.label, b, on, off, ratio(on, b), ratio(off, b)])
  if (!s.extra) {
    ratiosOn[s.name] = ratio(on, b)
    ratiosOff[s.name] = ratio(off, b)
  }
}

console.log(
  `@orrery/ecs vs bitECS 0.4.0 — ops/s, median of ${opts.samples} samples per worker, median of ${rounds} workers; node ${process.version}\n`,
)
console.log(
  table(['scenario', 'bitECS', 'orrery tracked', 'orrery untracked', 'ratio tracked', 'ratio untracked'], rows),
)
console.log('\n"tracked": each op is one world.transaction with trackChanges: true (as the server runs systems).')
console.log('"untracked": trackChanges: false, no transaction. Each cell ran in its own worker thread.')
console.log('"packed_5 +1 (extra)" adds 1 instead of doubling zeros, so every write is a real change.\n')

const costs = only !== undefined ? { rows: [], us: {} } : await run<{ rows: (string | number)[][]; us: Record<string, number> }>({
  scenario: 'costs',
  lib: 'costs',
  opts,
})
if (only === undefined) console.log(table(['orrery transaction cost (10,000 entities)', 'µs/op', 'ops/s'], costs.rows))
console.log()
console.log(jsonLine('ecs', { ratiosTracked: ratiosOn, ratiosUntracked: ratiosOff, costsUs: costs.us }))
