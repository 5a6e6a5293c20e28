/**
 * `pnpm bench:ecs`: the five scenarios of the public ecs-benchmark suite for @orrery/ecs and its
 * peers (bitECS 0.3.34 as the suite pins it, bitECS 0.4.0, piecs 0.4.0), each cell measured in
 * several fresh Node processes (min / median / max), plus:
 *
 * - Orrery bundled by esbuild (one file, top-level `const` turned into `var`) and by Vite's
 *   production build;
 * - tracked mode (each op one `world.transaction`, change set built) against bitECS 0.3 running
 *   its own change detection (`Changed` queries, `enterQuery`/`exitQuery`);
 * - growth: accessors created at capacity 1,024 vs after the world grew to 20,000 entities;
 * - `simple_iter` and `frag_iter` with systems that look up `query.snapshot()` themselves
 *   instead of `query.system()`;
 * - Orrery's own transaction costs.
 *
 * Each process reports its rate by the wall clock (as the suite does) and by its CPU time; the
 * tables give wall-clock rates, and the "slowest / median" of Orrery's cells in both: on a shared
 * machine a burst of other work slows a process by the wall clock only, while a slow state of
 * the code (V8 running a loop from its on-stack-replacement code) shows in both.
 *
 * Options: `--rounds=N` (fresh processes per cell, default 8), `--only=packed_5,frag_iter`,
 * `--quick` (shorter timings, 3 rounds). Rounds interleave all cells, so a burst of load on a
 * shared machine hits different cells each time.
 */
import { execFileSync } from 'node:child_process'
import { jsonLine, ratio, table } from '@orrery/tooling-bench'
import { type BuildKind, buildBench } from './build.js'
import { type Lib, SCENARIOS, SNAPSHOT_SCENARIOS } from './cases/index.js'
import { type Spread, ratioCell, roundRatios, spread, spreadCell } from './spread.js'

const arg = (name: string): string | undefined =>
  process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3)
const quick = process.argv.includes('--quick')
const rounds = Number(arg('rounds') ?? (quick ? 3 : 8))
const [cycleMs, timedMs] = quick ? [200, 200] : [400, 400]
const only = arg('only')?.split(',')
const scenarios = SCENARIOS.filter((s) => only === undefined || only.includes(s))

/** A measured cell: which build, library and scenario. */
interface CellKey {
  readonly build: BuildKind
  readonly lib: Lib
  readonly scenario: string
}

const untrackedLibs: readonly Lib[] = ['bitecs-0.3', 'bitecs-0.4', 'piecs', 'orrery']
const trackedLibs: readonly Lib[] = ['bitecs-0.3-changed', 'orrery-tracked']
const cells: CellKey[] = []
for (const scenario of scenarios) {
  for (const lib of [...untrackedLibs, ...trackedLibs]) cells.push({ build: 'plain', lib, scenario })
  cells.push({ build: 'bundled', lib: 'orrery', scenario })
  cells.push({ build: 'vite', lib: 'orrery', scenario })
  if ((SNAPSHOT_SCENARIOS as readonly string[]).includes(scenario)) {
    cells.push({ build: 'plain', lib: 'orrery-snapshot', scenario })
  }
}
if (only === undefined || only.includes('growth')) {
  cells.push({ build: 'plain', lib: 'orrery', scenario: 'growth_before' })
  cells.push({ build: 'plain', lib: 'orrery', scenario: 'growth_after' })
}
const keyOf = (c: CellKey): string => `${c.build}/${c.lib}/${c.scenario}`

const entry = await buildBench()
const results = new Map<string, number[]>()
const cpuResults = new Map<string, number[]>()
const started = Date.now()
for (let r = 0; r < rounds; r++) {
  for (const c of cells) {
    const out = execFileSync(process.execPath, [entry[c.build], c.lib, c.scenario, String(cycleMs), String(timedMs)], {
      encoding: 'utf8',
    })
    const { hz, cpuHz } = JSON.parse(out) as { hz: number; cpuHz: number }
    results.set(keyOf(c), [...(results.get(keyOf(c)) ?? []), hz])
    cpuResults.set(keyOf(c), [...(cpuResults.get(keyOf(c)) ?? []), cpuHz])
  }
  process.stderr.write(`round ${r + 1}/${rounds} done (${Math.round((Date.now() - started) / 1000)} s)\n`)
}

const raw = (lib: Lib, scenario: string, build: CellKey['build'] = 'plain'): number[] =>
  results.get(keyOf({ build, lib, scenario })) ?? []
const get = (lib: Lib, scenario: string, build: CellKey['build'] = 'plain'): Spread => spread(raw(lib, scenario, build))
/** Slowest ÷ median of a cell's CPU-time rates. */
const cpuSteadiness = (lib: Lib, scenario: string): number => {
  const cpu = spread(cpuResults.get(keyOf({ build: 'plain', lib, scenario })) ?? [])
  return ratio(cpu.min, cpu.median)
}
/** Ratios of two cells measured one after the other in each round: load on the machine cancels. */
const paired = (a: number[], b: number[]): Spread => roundRatios(a, b)

console.log(
  `@orrery/ecs vs bitECS 0.3.34, bitECS 0.4.0, piecs 0.4.0 — ops/s, median (min–max) of ${rounds} fresh processes per cell; node ${process.version}`,
)
console.log(
  '"paired": the ratio of two cells measured one after the other in the same round, median (min–max) over the rounds.\n',
)

// Untracked: Orrery against the peers, and against itself bundled.
const json: Record<string, unknown> = { node: process.version, rounds }
const untracked: Record<string, unknown> = {}
const rowsU: (string | number)[][] = []
for (const s of scenarios) {
  const [b3, b4, pi, or, bu, vi] = [
    get('bitecs-0.3', s),
    get('bitecs-0.4', s),
    get('piecs', s),
    get('orrery', s),
    get('orrery', s, 'bundled'),
    get('orrery', s, 'vite'),
  ]
  const vsPiecs = paired(raw('orrery', s), raw('piecs', s))
  const bundledVsPlain = paired(raw('orrery', s, 'bundled'), raw('orrery', s))
  const viteVsPlain = paired(raw('orrery', s, 'vite'), raw('orrery', s))
  rowsU.push([
    s,
    spreadCell(b3),
    spreadCell(b4),
    spreadCell(pi),
    spreadCell(or),
    `${ratio(or.min, or.median)} (piecs ${ratio(pi.min, pi.median)})`,
    `${cpuSteadiness('orrery', s)} (piecs ${cpuSteadiness('piecs', s)})`,
    spreadCell(bu),
    ratioCell(bundledVsPlain),
    spreadCell(vi),
    ratioCell(viteVsPlain),
    ratioCell(vsPiecs),
    ratio(or.median, b3.median),
  ])
  untracked[s] = {
    bitecs03: b3,
    bitecs04: b4,
    piecs: pi,
    orrery: or,
    orreryBundled: bu,
    orreryVite: vi,
    vsPiecs: ratio(or.median, pi.median),
    vsBitecs03: ratio(or.median, b3.median),
    slowestVsMedian: ratio(or.min, or.median),
    piecsSlowestVsMedian: ratio(pi.min, pi.median),
    slowestVsMedianCpu: cpuSteadiness('orrery', s),
    piecsSlowestVsMedianCpu: cpuSteadiness('piecs', s),
    bundledVsPlain: ratio(bu.median, or.median),
    pairedVsPiecs: vsPiecs,
    pairedBundledVsPlain: bundledVsPlain,
    pairedViteVsPlain: viteVsPlain,
  }
}
json.untracked = untracked
console.log('Untracked (trackChanges: false, no transaction):\n')
console.log(
  table(
    [
      'scenario',
      'bitECS 0.3',
      'bitECS 0.4',
      'piecs',
      'orrery',
      'slowest / median',
      'slowest / median, CPU time',
      'orrery bundled (esbuild)',
      'esbuild / plain, paired',
      'orrery bundled (vite)',
      'vite / plain, paired',
      'orrery / piecs, paired',
      'orrery / bitECS 0.3',
    ],
    rowsU,
  ),
)

// Tracked: Orrery's transactions with change sets against bitECS 0.3's own change detection.
const tracked: Record<string, unknown> = {}
const rowsT: (string | number)[][] = []
for (const s of scenarios) {
  const [bc, ot, b4] = [get('bitecs-0.3-changed', s), get('orrery-tracked', s), get('bitecs-0.4', s)]
  const vsChanged = paired(raw('orrery-tracked', s), raw('bitecs-0.3-changed', s))
  rowsT.push([
    s,
    spreadCell(bc),
    spreadCell(ot),
    ratio(ot.min, ot.median),
    cpuSteadiness('orrery-tracked', s),
    ratioCell(vsChanged),
    ratio(ot.median, b4.median),
  ])
  tracked[s] = {
    bitecs03Changed: bc,
    orreryTracked: ot,
    vsBitecs03Changed: ratio(ot.median, bc.median),
    pairedVsBitecs03Changed: vsChanged,
    vsBitecs04: ratio(ot.median, b4.median),
    slowestVsMedian: ratio(ot.min, ot.median),
    slowestVsMedianCpu: cpuSteadiness('orrery-tracked', s),
  }
}
json.tracked = tracked
console.log('\nTracked (each op one world.transaction with its change set; bitECS 0.3 runs Changed/enter/exit queries):\n')
console.log(
  table(
    [
      'scenario',
      'bitECS 0.3 + Changed',
      'orrery tracked',
      'slowest / median',
      'slowest / median, CPU time',
      'orrery / bitECS 0.3 + Changed, paired',
      'orrery / bitECS 0.4 (untracked)',
    ],
    rowsT,
  ),
)

if (results.has('plain/orrery/growth_before')) {
  const [before, after] = [get('orrery', 'growth_before'), get('orrery', 'growth_after')]
  console.log('\nGrowth (20,000 moving entities, x += vx, y += vy; untracked):\n')
  console.log(
    table(
      ['accessors and query created', 'ops/s', 'slowest / median', 'slowest / median, CPU time'],
      [
        [
          'at capacity 1,024, before the world grew',
          spreadCell(before),
          ratio(before.min, before.median),
          cpuSteadiness('orrery', 'growth_before'),
        ],
        [
          'after the world grew to 20,000',
          spreadCell(after),
          ratio(after.min, after.median),
          cpuSteadiness('orrery', 'growth_after'),
        ],
      ],
    ),
  )
  const pairedGrowth = paired(raw('orrery', 'growth_before'), raw('orrery', 'growth_after'))
  console.log(`\nbefore / after: ${ratio(before.median, after.median)}; paired by round: ${ratioCell(pairedGrowth)}`)
  json.growth = { before, after, beforeVsAfter: ratio(before.median, after.median), pairedBeforeVsAfter: pairedGrowth }
}

const snapshotRows = scenarios.filter((s) => results.has(`plain/orrery-snapshot/${s}`))
if (snapshotRows.length > 0) {
  console.log('\nSystems that look up query.snapshot() themselves, instead of query.system() (untracked):\n')
  const measured: Record<string, unknown> = {}
  const rows = snapshotRows.map((s) => {
    const [sys, snap] = [get('orrery', s), get('orrery-snapshot', s)]
    const pairedSnap = paired(raw('orrery-snapshot', s), raw('orrery', s))
    measured[s] = { system: sys, snapshotInSystem: snap, pairedSnapshotVsSystem: pairedSnap }
    return [s, spreadCell(sys), ratio(sys.min, sys.median), spreadCell(snap), ratio(snap.min, snap.median), ratioCell(pairedSnap)]
  })
  const head = ['scenario', 'query.system()', 'slowest / median', 'snapshot() in the system', 'slowest / median']
  console.log(table([...head, 'snapshot() / system(), paired'], rows))
  json.snapshotInSystem = measured
}

if (only === undefined) {
  const costs = JSON.parse(execFileSync(process.execPath, [entry.plain, 'costs'], { encoding: 'utf8' })) as {
    rows: (string | number)[][]
    us: Record<string, number>
  }
  console.log('\nOrrery transaction costs (10,000 entities, one process):\n')
  console.log(table(['transaction cost', 'µs/op', 'ops/s'], costs.rows))
  json.costsUs = costs.us
}
console.log()
console.log(jsonLine('ecs', json))
