import { fork } from 'node:child_process'
import { setPriority } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { forkBots } from '../bot-runner.js'
import { percentile } from '../probe/percentile.js'
import { startServerProcess } from './server-host.js'

const HERE = dirname(fileURLToPath(import.meta.url))

/** Options of {@link runFuzz}. */
export interface FuzzOptions {
  /** Hostile frames to send in all. */
  readonly frames: number
  /** Seed of the attackers' choices and of the world. */
  readonly seed: number
  /** Honest bots playing meanwhile. Default 4. */
  readonly bots?: number
  /** Concurrent attacking connections. Default 32. */
  readonly workers?: number
  /** Loopback addresses the attackers come from (127.1.0.1 onwards). Default 4096. */
  readonly addresses?: number
  /** Seconds of the honest baseline before the attack. Default 5. */
  readonly baselineSec?: number
  /** Progress lines. */
  readonly log?: (line: string) => void
}

/** The one JSON line of `pnpm fuzz`. */
export interface FuzzReport {
  readonly framesSent: number
  readonly attackSec: number
  readonly connections: number
  readonly serverCrashes: number
  readonly unhandledErrors: number
  readonly honestPingP99MsBefore: number | null
  readonly honestPingP99Ms: number | null
  /** The honest clients' own process: its worst one-second event-loop delay p99 before and during the attack, ms. */
  readonly honestClientLoopDelayP99MsBefore: number
  readonly honestClientLoopDelayP99Ms: number
  readonly eventLoopDelayP99MsBefore: number
  readonly eventLoopDelayP99Ms: number
  readonly honestTickP99Ms: number
  readonly honestUpdateGapP99Ms: number | null
  /** Bytes per second the honest probe received (the whole world in view) before and during the attack. */
  readonly honestProbeBytesPerSecBefore: number
  readonly honestProbeBytesPerSec: number
  readonly honestDisconnects: number
  readonly closeCodes: Readonly<Record<string, number>>
  readonly scenarios: Readonly<Record<string, number>>
  readonly rssGrowthMB: number
  readonly heapGrowthMB: number
  readonly faults: readonly string[]
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

/** Shortest window the honest probe is measured in during the attack, ms. */
const MIN_WINDOW_MS = 500

/**
 * The gauntlet: a Blackholio server in its own process, honest bots and an honest probe in a second one,
 * and attackers in a third sending `frames` hostile frames from many connections and addresses; measures
 * the honest figures before and during the attack.
 *
 * @param options - see {@link FuzzOptions}
 * @returns the report
 * @throws Error when the server or the bots cannot start
 */
export async function runFuzz(options: FuzzOptions): Promise<FuzzReport> {
  const log = options.log ?? (() => undefined)
  const server = await startServerProcess({ seed: options.seed, execArgv: ['--expose-gc'] })
  const bots = forkBots({ url: server.url, count: options.bots ?? 4, probes: 1, reportMs: 500, output: process.stderr })
  try {
    await bots.ready
    await sleep(1_500)
    bots.takeProbeSamples()
    await server.snapshot({ reset: true })
    await sleep((options.baselineSec ?? 5) * 1000)
    const before = bots.takeProbeSamples()
    const base = await server.snapshot({ reset: true, gc: true })
    log(`baseline: ping p99 ${percentile(before.rttMs, 0.99)} ms, loop delay p99 ${base.eventLoop.p99Ms} ms; attacking with ${options.frames} frames`)

    const started = performance.now()
    const attacker = fork(
      join(HERE, 'attacker.ts'),
      ['--url', server.url, '--frames', String(options.frames), '--seed', String(options.seed), '--workers', String(options.workers ?? 32), '--addresses', String(options.addresses ?? 4096)],
      { cwd: resolve(HERE, '../..'), execArgv: ['--conditions=@orrery/source', '--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] },
    )
    // The attackers stand for other machines: at the lowest priority they take no core the server or the
    // honest clients need, so the figures measure the server's defences, not this machine's scheduler.
    if (attacker.pid !== undefined) {
      try {
        setPriority(attacker.pid, 19)
      } catch {
        // not permitted here: the figures then include the attackers' own CPU use
      }
    }
    const result = await new Promise<{ framesSent: number; closeCodes: Record<string, number>; connections: number; scenarios: Record<string, number> }>((res) => {
      let last = { framesSent: 0, closeCodes: {}, connections: 0, scenarios: {} }
      attacker.on('message', (message: unknown) => {
        const m = message as { type?: string; framesSent?: number }
        if (m.type === 'progress') log(`${((performance.now() - started) / 1000).toFixed(0)} s: ${m.framesSent} frames`)
        if (m.type === 'done') last = m as typeof last
      })
      attacker.once('exit', () => res(last))
    })
    // A short attack can end between two of the probe's Pings (one every 100 ms): the window it is measured
    // in lasts at least half a second, so that the figures during the attack always hold samples.
    const elapsedMs = performance.now() - started
    if (elapsedMs < MIN_WINDOW_MS) await sleep(MIN_WINDOW_MS - elapsedMs)
    const attackSec = (performance.now() - started) / 1000
    const during = bots.takeProbeSamples()
    const crashed = server.crashed()
    const end = crashed ? null : await server.snapshot({ gc: true })
    const summary = await bots.stop()
    const botsDown = Math.max(0, (options.bots ?? 4) - (summary?.connected ?? 0))
    return {
      framesSent: result.framesSent,
      attackSec: Math.round(attackSec * 10) / 10,
      connections: result.connections,
      serverCrashes: crashed ? 1 : 0,
      unhandledErrors: server.faults.unhandled.length + server.faults.crashes.length,
      honestPingP99MsBefore: percentile(before.rttMs, 0.99),
      honestPingP99Ms: percentile(during.rttMs, 0.99),
      honestClientLoopDelayP99MsBefore: before.clientLoopDelayP99Ms ?? 0,
      honestClientLoopDelayP99Ms: during.clientLoopDelayP99Ms ?? 0,
      eventLoopDelayP99MsBefore: base.eventLoop.p99Ms,
      eventLoopDelayP99Ms: end?.eventLoop.p99Ms ?? -1,
      honestTickP99Ms: Math.round((end?.tickP99Ms ?? -1) * 1000) / 1000,
      honestUpdateGapP99Ms: percentile(during.updateGapMs, 0.99),
      honestProbeBytesPerSecBefore: Math.round(before.bytesReceived / (options.baselineSec ?? 5)),
      honestProbeBytesPerSec: Math.round(during.bytesReceived / attackSec),
      honestDisconnects: during.disconnects + before.disconnects + botsDown,
      closeCodes: result.closeCodes,
      scenarios: result.scenarios,
      rssGrowthMB: end === null ? -1 : Math.round(((end.rssBytes - base.rssBytes) / 2 ** 20) * 10) / 10,
      heapGrowthMB: end === null ? -1 : Math.round(((end.heapUsedBytes - base.heapUsedBytes) / 2 ** 20) * 10) / 10,
      faults: [...server.faults.crashes, ...server.faults.unhandled].slice(0, 5),
    }
  } finally {
    await bots.stop()
    await server.stop()
  }
}
