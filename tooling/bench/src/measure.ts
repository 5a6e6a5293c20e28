import { performance } from 'node:perf_hooks'

/** How to sample a benchmark. */
export interface MeasureOptions {
  /** Time spent running the function before measuring, in ms (default 300). */
  readonly warmupMs?: number
  /** Number of timed samples; the median is reported (default 7). */
  readonly samples?: number
  /** Target duration of one sample, in ms (default 150). */
  readonly sampleMs?: number
}

/** The result of {@link measure}. */
export interface Measurement {
  /** Median operations per second over the samples. */
  readonly opsPerSec: number
  /** Median time per operation, in microseconds. */
  readonly usPerOp: number
  /** Operations per second of every sample, in run order. */
  readonly samples: readonly number[]
}

function timeLoop(fn: () => void, n: number): number {
  const start = performance.now()
  for (let i = 0; i < n; i++) fn()
  return performance.now() - start
}

// Make the call site in timeLoop megamorphic up front, so the optimizer never inlines one
// benchmark into the loop (which would make results depend on which ran first): every
// benchmarked function is then compiled on its own, as a host calls its systems.
const sink: number[] = []
const distinct: (() => void)[] = [
  () => {
    sink.push(1)
  },
  () => {
    sink.push(2)
  },
  () => {
    sink.push(3)
  },
  () => {
    sink.push(4)
  },
  () => {
    sink.push(5)
  },
  () => {
    sink.push(6)
  },
]
for (const fn of distinct) timeLoop(fn, 1000)

/**
 * Runs `fn` for a warmup, calibrates an iteration count per sample, then times several samples
 * and reports the median ops/s (the median resists GC pauses and scheduler noise).
 *
 * @param fn - one operation
 * @param options - warmup, sample count and sample duration
 * @returns the median ops/s, µs/op and every sample
 * @example
 * ```ts
 * const { opsPerSec } = measure(() => JSON.parse('{"a":1}'))
 * ```
 */
export function measure(fn: () => void, options: MeasureOptions = {}): Measurement {
  const warmupMs = options.warmupMs ?? 300
  const samples = options.samples ?? 7
  const sampleMs = options.sampleMs ?? 150
  let n = 1
  let spent = 0
  let perOp = 0
  while (spent < warmupMs) {
    const t = timeLoop(fn, n)
    spent += t
    perOp = t / n
    if (t < warmupMs / 8) n *= 2
  }
  const iterations = Math.max(1, Math.round(sampleMs / Math.max(perOp, 1e-6)))
  const rates: number[] = []
  for (let s = 0; s < samples; s++) {
    const t = timeLoop(fn, iterations)
    rates.push((iterations / t) * 1000)
  }
  const sorted = [...rates].sort((a, b) => a - b)
  const opsPerSec = sorted[sorted.length >> 1] as number
  return { opsPerSec, usPerOp: 1e6 / opsPerSec, samples: rates }
}
