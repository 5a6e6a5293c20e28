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
