/** Timing helpers shared by the benchmark processes (no imports, so they run from any build). */
import { performance } from 'node:perf_hooks'

/** Runs `fn` `count` times; returns the elapsed milliseconds. */
export function runFor(fn: () => void, count: number): number {
  const start = performance.now()
  for (let i = 0; i < count; i++) fn()
  return performance.now() - start
}

/** The rate of a timed run: by the wall clock, as the suite reports it, and by the process's CPU time. */
export interface Rates {
  /** Operations per second of wall-clock time. */
  readonly hz: number
  /**
   * Operations per second of the process's CPU time (user + system, every thread: the main thread
   * and V8's compiler and GC helpers). Time the process spends waiting for a core, which other
   * work on a shared machine causes, is not in it.
   */
  readonly cpuHz: number
}

/**
 * Measures `fn` the way the public ecs-benchmark suite does (src/bench_worker.js): doubling
 * cycles until `cycleMs` have run, then one timed run sized for `timedMs`.
 *
 * @returns the rates of the timed run (operations per second)
 */
export function suiteHz(fn: () => void, cycleMs: number, timedMs: number): Rates {
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
  const cpuStart = process.cpuUsage()
  const ms = runFor(fn, target)
  const cpu = process.cpuUsage(cpuStart)
  return { hz: (target / ms) * 1000, cpuHz: (target / (cpu.user + cpu.system)) * 1e6 }
}
