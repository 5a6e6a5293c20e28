import { monitorEventLoopDelay } from 'node:perf_hooks'

/** Event-loop delay percentiles, ms. */
export interface EventLoopDelay {
  readonly p50Ms: number
  readonly p99Ms: number
  readonly maxMs: number
}

/** A running event-loop delay monitor of this process. */
export interface EventLoopMonitor {
  /** The delays since the start or the last reset. */
  summary(): EventLoopDelay
  /** Starts a new window. */
  reset(): void
  /** Stops measuring. */
  stop(): void
}

/** Sampling interval of the histogram, ms: each sample is the time between two timer runs, so this much is no delay. */
const RESOLUTION_MS = 10

const delayMs = (ns: number): number => Math.max(0, Math.round((ns / 1e6 - RESOLUTION_MS) * 100) / 100)

/**
 * Measures how late this process's event loop runs its timers (`perf_hooks.monitorEventLoopDelay` at a
 * 10 ms resolution, the resolution itself subtracted): the time every frame, Pong and tick of the server
 * waits behind other work. Unlike the tick time, it includes decoding, handshakes and anything else
 * outside the tick.
 *
 * @returns the monitor, already running
 * @example
 * const loop = startEventLoopMonitor()
 * // ... later
 * loop.summary().p99Ms
 */
export function startEventLoopMonitor(): EventLoopMonitor {
  const histogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS })
  histogram.enable()
  return {
    summary: () =>
      histogram.count === 0
        ? { p50Ms: 0, p99Ms: 0, maxMs: 0 }
        : { p50Ms: delayMs(histogram.percentile(50)), p99Ms: delayMs(histogram.percentile(99)), maxMs: delayMs(histogram.max) },
    reset: () => histogram.reset(),
    stop: () => histogram.disable(),
  }
}
