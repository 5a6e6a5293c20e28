/**
 * `pnpm bench:behaviors`: how many agents a pool runs per tick at 20 Hz within a 25 ms budget, and the
 * per-call overhead, with one and two worker threads.
 *
 * - agents per tick: the largest batch of a forager behaviour (nearest of 24 food in a view of ~2 KB of
 *   JSON) whose median wall time, from `run` to the last outcome, stays within 25 ms, batches
 *   sent every 50 ms as the tick does (binary search between 25 and `--max`, default 1600 agents);
 * - overhead: the round trip of a batch of one trivial call, the wall time per call of a batch of 1000
 *   trivial calls, and a trivial and a forager call on the caller's thread (no worker).
 *
 * Options: `--max=N` agents at most, `--threads=1,2`.
 */
import { jsonLine, table } from '@orrery/tooling-bench'
import { type BehaviorPool, createBehaviorPool } from '../src/behavior-pool.js'
import { loadQuickJS, Sandbox } from '../src/sandbox.js'
import type { AgentCall } from '../src/worker-protocol.js'

const arg = (name: string): string | undefined => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3)
const MAX = Number(arg('max') ?? 1600)
const THREADS = (arg('threads') ?? '1,2').split(',').map(Number)
const BUDGET_MS = 25
const TICK_MS = 50

const FORAGER = `function tick(view) {
  if (!view.self.alive) return { dirX: 0, dirY: 0, respawn: true }
  let best = null
  for (const f of view.food) {
    const d = (f.x - view.self.x) ** 2 + (f.y - view.self.y) ** 2
    if (best === null || d < best.d) best = { x: f.x, y: f.y, d }
  }
  return best === null ? { dirX: 1, dirY: 0 } : { dirX: best.x - view.self.x, dirY: best.y - view.self.y }
}`
const TRIVIAL = 'function tick() { return null }'

function view(i: number): string {
  const r = (k: number): number => Math.round(((Math.sin(i * 31 + k * 17) + 1) * 500) * 10) / 10
  const food = Array.from({ length: 24 }, (_, k) => ({ x: r(k), y: r(k + 100), mass: 2 + (k % 3) }))
  const others = Array.from({ length: 6 }, (_, k) => ({ x: r(k + 200), y: r(k + 300), mass: 20 + k }))
  return JSON.stringify({ tick: 1, self: { alive: true, x: r(-1), y: r(-2), mass: 40, circles: [{ x: r(-1), y: r(-2), mass: 40 }] }, food, others, world: { size: 1000 } })
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))
const quantile = (xs: number[], q: number): number => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))] ?? 0

async function batchMs(pool: BehaviorPool, calls: AgentCall[], batches: number): Promise<number[]> {
  const times: number[] = []
  for (let b = 0; b < batches; b++) {
    const started = performance.now()
    await pool.run(calls)
    const took = performance.now() - started
    times.push(took)
    await sleep(Math.max(0, TICK_MS - took))
  }
  return times
}

function callsFor(prefix: string, n: number, input: (i: number) => string): AgentCall[] {
  return Array.from({ length: n }, (_, i) => ({ agent: `${prefix}${i}`, input: input(i), seed: i, now: 0 }))
}

async function capacity(pool: BehaviorPool): Promise<{ agents: number; p50Ms: number; p90Ms: number }> {
  let loaded = 0
  const ensure = (n: number): void => {
    for (; loaded < n; loaded++) pool.load(`f${loaded}`, FORAGER)
  }
  let loP90 = 0
  const p50 = async (n: number): Promise<[number, number]> => {
    ensure(n)
    const calls = callsFor('f', n, view)
    await batchMs(pool, calls, 5)
    const times = await batchMs(pool, calls, 15)
    return [quantile(times, 0.5), quantile(times, 0.9)]
  }
  let lo = 0
  let loMs = 0
  let hi = MAX
  let n = 50
  while (n <= MAX) {
    const [ms, ms90] = await p50(n)
    if (ms > BUDGET_MS) {
      hi = n
      break
    }
    lo = n
    loMs = ms
    loP90 = ms90
    n *= 2
  }
  while (hi - lo > Math.max(10, lo * 0.05) && lo < MAX) {
    const mid = Math.round((lo + hi) / 2)
    const [ms, ms90] = await p50(mid)
    if (ms <= BUDGET_MS) {
      lo = mid
      loMs = ms
      loP90 = ms90
    } else hi = mid
  }
  return { agents: lo, p50Ms: loMs, p90Ms: loP90 }
}

const module = await loadQuickJS()
const local = (code: string, input: string): number => {
  const sandbox = new Sandbox(module, code, { cpuBudgetMs: 1000 })
  for (let i = 0; i < 200; i++) sandbox.call(input, i, 0)
  const n = 2000
  const started = performance.now()
  for (let i = 0; i < n; i++) sandbox.call(input, i, 0)
  const us = ((performance.now() - started) / n) * 1000
  sandbox.dispose()
  return us
}
const localTrivialUs = local(TRIVIAL, '{}')
const localForagerUs = local(FORAGER, view(1))

const rows: Array<Array<string | number>> = []
const results: Record<string, unknown>[] = []
for (const threads of THREADS) {
  const pool = await createBehaviorPool({ threads, nice: 0 })
  try {
    const trivial = callsFor('t', 1000, () => '{}')
    for (const call of trivial) pool.load(call.agent, TRIVIAL)
    pool.load('one', TRIVIAL)
    const one: AgentCall[] = [{ agent: 'one', input: '{}', seed: 0, now: 0 }]
    await batchMs(pool, one, 20)
    const roundTripUs = quantile(await batchMs(pool, one, 100), 0.5) * 1000
    await batchMs(pool, trivial, 3)
    const perCallUs = (quantile(await batchMs(pool, trivial, 10), 0.5) / trivial.length) * 1000
    for (const call of trivial) pool.unload(call.agent)
    await batchMs(pool, one, 5)
    const cap = await capacity(pool)
    rows.push([threads, cap.agents, cap.p50Ms, cap.p90Ms, roundTripUs, perCallUs, localTrivialUs, localForagerUs])
    results.push({ threads, agentsPerTick: cap.agents, batchP50Ms: cap.p50Ms, batchP90Ms: cap.p90Ms, roundTripUs, perCallInBatchUs: perCallUs })
  } finally {
    await pool.close()
  }
}

console.log(`Behaviour pool: agents per tick at 20 Hz with the batch's median within ${BUDGET_MS} ms, and per-call overhead (µs)\n`)
console.log(
  table(
    ['threads', 'agents per tick', 'batch p50 ms', 'batch p90 ms', 'round trip, 1 call µs', 'per call in a batch of 1000 µs', 'trivial call, same thread µs', 'forager call, same thread µs'],
    rows,
  ),
)
console.log(`\n${jsonLine('behaviors', { budgetMs: BUDGET_MS, localTrivialUs, localForagerUs, results })}`)
