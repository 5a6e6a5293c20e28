/** Timing helpers shared by the benchmark processes (no imports, so they run from any build). */
import { performance } from 'node:perf_hooks'

/** Runs `fn` `count` times; returns the elapsed milliseconds. */
export function runFor(fn: () => void, count: number): number {
  const start = performance.now()
  for (let i = 0; i < count; i++) fn()
  return performance.now() - start
}

/**
 * Measures `fn` the way the public ecs-benchmark suite does (src/bench_worker.js): doubling
 * cycles until `cycleMs` have run, then one timed run sized for `timedMs`.
 *
 * @returns operations per second of the timed run
 */
export function suiteHz(fn: () => void, cycleMs: number, timedMs: number): number {
  let n = 1
  let perOp = 0
  let total = 0
  while (total < cycleMs) {
    const t = runFor(fn, n)
    perOp = t / n
    n *= 2
    total += t
  }
  const target = Math.max(1, Math.round(timedMs / perOp))
  return (target / runFor(fn, target)) * 1000
}

/**
 * Microseconds per call of `fn`: warmup, then the median of `samples` timed runs of about
 * `sampleMs` each.
 */
export function medianUs(fn: () => void, warmupMs = 500, samples = 7, sampleMs = 100): number {
  let n = 1
  let perOp = 0
  let spent = 0
  while (spent < warmupMs) {
    const t = runFor(fn, n)
    spent += t
    perOp = t / n
    if (t < warmupMs / 8) n *= 2
  }
  const count = Math.max(1, Math.round(sampleMs / Math.max(perOp, 1e-6)))
  const us: number[] = []
  for (let s = 0; s < samples; s++) us.push((runFor(fn, count) * 1000) / count)
  return us.sort((a, b) => a - b)[us.length >> 1] as number
}
