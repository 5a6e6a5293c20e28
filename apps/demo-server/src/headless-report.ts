import type { ServerMetrics } from '@orrery/server'
import type { BotSummary } from './bot-summary.js'
import type { BlackholioStats } from './module.js'
import type { EventLoopDelay } from './probe/event-loop-delay.js'
import type { ProbeSamples } from './probe/honest-probe.js'
import { percentile } from './probe/percentile.js'

/** The one JSON line a headless run prints on stdout. */
export interface HeadlessReport {
  /** Wall-clock length of the measured window, s. */
  readonly durationSec: number
  /** The world seed. */
  readonly seed: number
  /** Ticks run in the window. */
  readonly ticks: number
  /** Ticks per second over the window (target 20). */
  readonly tickRateHz: number
  /** Median time to compute one tick (systems, replication, encoding), ms. */
  readonly tickP50Ms: number
  /** 99th percentile of the time to compute one tick, ms. */
  readonly tickP99Ms: number
  /** Longest tick, ms. */
  readonly tickMaxMs: number
  /** Schedule slots the tick loop skipped because it fell behind. */
  readonly skippedTicks: number
  /** Bots started. */
  readonly bots: number
  /** Bots connected at the end of the window. */
  readonly botsConnected: number
  /** Bots connected at the end of the window as the identity of their own Ed25519 key. */
  readonly authenticated: number
  /** Food entities eaten. */
  readonly foodEaten: number
  /** Circles eaten by other players' circles. */
  readonly circlesEaten: number
  /** Circles created by splits. */
  readonly splits: number
  /** Largest total mass one player reached. */
  readonly maxMass: number
  /** The seq the world was recovered at from the data folder (0: a new world, or `--in-memory`). */
  readonly recoveredSeq: number
  /** Players that came back from the logged-out state with their circles (after a restart: the bots of the last run). */
  readonly restoredPlayers: number
  /** Total mass of the circles those players got back. */
  readonly restoredMass: number
  /** Bytes the server sent to all connections (any attacker's included) per connected bot per second. */
  readonly bytesSentPerClientPerSec: number
  /** Bytes the server received from all connections per connected bot per second. */
  readonly bytesReceivedPerClientPerSec: number
  /** Bytes the bots themselves received, per bot per second (their own sockets). */
  readonly honestBytesReceivedPerBotPerSec: number
  /** Median and 99th percentile Ping → Pong round trip of the honest probes (a Ping every 100 ms), ms; null without samples. */
  readonly honestPingP50Ms: number | null
  readonly honestPingP99Ms: number | null
  /** Median and 99th percentile time between two updates an honest probe received (target 50 at 20 Hz), ms. */
  readonly honestUpdateGapP50Ms: number | null
  readonly honestUpdateGapP99Ms: number | null
  /** Bytes an honest probe received per second (its own socket; it sees the whole world). */
  readonly honestProbeBytesPerSec: number
  /** The server process's event-loop delay (`monitorEventLoopDelay`): the wait of every frame, Pong and tick, ms. */
  readonly eventLoopDelayP50Ms: number
  readonly eventLoopDelayP99Ms: number
  readonly eventLoopDelayMaxMs: number
  /** Reducer calls answered by the server in the window. */
  readonly reducerCalls: number
  /** The simulated network between the bots and the server. */
  readonly network: { readonly latencyMs: number; readonly jitterMs: number; readonly lossPct: number }
  /** Own-circle prediction of the bots: 'on', 'off' (--no-prediction) or 'mixed'. */
  readonly prediction: string
  /** Share of acknowledged inputs whose predicted position differed from the server's by more than 1.5 wire steps (3/32 world units), or null without prediction. */
  readonly mispredictionRate: number | null
  /** 95th percentile prediction correction (largest over the bots), world units. */
  readonly correctionP95: number
  /** Median time from an input to the first frame drawn from a state that includes it, ms (null without samples). */
  readonly inputToDisplayMsP50: number | null
  /** 99th percentile of the same, ms. */
  readonly inputToDisplayMsP99: number | null
  /** Server errors + failed reducer calls + bots that failed to start or to stay connected. */
  readonly errors: number
  /** Where the errors came from. */
  readonly errorDetails: {
    readonly server: number
    readonly reducerErrors: number
    readonly botFailures: number
    readonly botsDisconnected: number
    readonly messages: readonly string[]
  }
}

const round = (x: number, digits: number): number => Number(x.toFixed(digits))

/**
 * Builds the headless report from server metrics at the start and end of the window, the module's counters
 * and the bots' last summary.
 *
 * @param input - window bounds (ms), metrics at both ends, game counters, bot summary, seed and largest mass seen
 * @returns the report
 * @example
 * const report = buildHeadlessReport({ startedAt, endedAt, start, end, game, bots, seed, maxMass, recoveredSeq })
 * process.stdout.write(`${JSON.stringify(report)}\n`)
 */
export function buildHeadlessReport(input: {
  readonly startedAt: number
  readonly endedAt: number
  readonly start: ServerMetrics
  readonly end: ServerMetrics
  readonly game: BlackholioStats
  readonly bots: BotSummary | null
  readonly botCount: number
  readonly seed: number
  readonly maxMass: number
  readonly network?: HeadlessReport['network']
  readonly recoveredSeq: number
  readonly probe?: ProbeSamples | null
  readonly probes?: number
  readonly eventLoop?: EventLoopDelay
}): HeadlessReport {
  const probe = input.probe ?? { rttMs: [], updateGapMs: [], bytesReceived: 0, disconnects: 0 }
  const eventLoop = input.eventLoop ?? { p50Ms: 0, p99Ms: 0, maxMs: 0 }
  const seconds = Math.max(0.001, (input.endedAt - input.startedAt) / 1000)
  const ticks = input.end.ticks - input.start.ticks
  const clients = Math.max(1, input.bots?.connected ?? input.end.clients)
  const reducerErrors = Math.max(input.end.reducerErrors - input.start.reducerErrors, input.bots?.reducerErrors ?? 0)
  const server = input.end.errors - input.start.errors
  const botFailures = input.bots === null ? input.botCount : input.bots.failures.length
  const botsConnected = input.bots?.connected ?? 0
  const botsDisconnected = Math.max(0, input.botCount - botsConnected - botFailures)
  const misprediction = input.bots?.mispredictionRate ?? null
  return {
    durationSec: round(seconds, 3),
    seed: input.seed,
    ticks,
    tickRateHz: round(ticks / seconds, 3),
    tickP50Ms: round(input.end.tickDurationsMs.p50, 3),
    tickP99Ms: round(input.end.tickDurationsMs.p99, 3),
    tickMaxMs: round(input.end.tickDurationsMs.max, 3),
    skippedTicks: input.end.skippedTicks - input.start.skippedTicks,
    bots: input.botCount,
    botsConnected,
    authenticated: input.bots?.authenticated ?? 0,
    foodEaten: input.game.foodEaten,
    circlesEaten: input.game.circlesEaten,
    splits: input.game.splits,
    maxMass: Math.max(input.maxMass, input.bots?.maxMass ?? 0),
    recoveredSeq: input.recoveredSeq,
    restoredPlayers: input.game.restoredPlayers,
    restoredMass: input.game.restoredMass,
    bytesSentPerClientPerSec: Math.round((input.end.bytesSent - input.start.bytesSent) / clients / seconds),
    bytesReceivedPerClientPerSec: Math.round((input.end.bytesReceived - input.start.bytesReceived) / clients / seconds),
    honestBytesReceivedPerBotPerSec: Math.round((input.bots?.bytesReceived ?? 0) / Math.max(1, input.botCount) / seconds),
    honestPingP50Ms: percentile(probe.rttMs, 0.5),
    honestPingP99Ms: percentile(probe.rttMs, 0.99),
    honestUpdateGapP50Ms: percentile(probe.updateGapMs, 0.5),
    honestUpdateGapP99Ms: percentile(probe.updateGapMs, 0.99),
    honestProbeBytesPerSec: Math.round(probe.bytesReceived / Math.max(1, input.probes ?? 1) / seconds),
    eventLoopDelayP50Ms: eventLoop.p50Ms,
    eventLoopDelayP99Ms: eventLoop.p99Ms,
    eventLoopDelayMaxMs: eventLoop.maxMs,
    reducerCalls: input.end.reducerCalls - input.start.reducerCalls,
    network: input.network ?? { latencyMs: 0, jitterMs: 0, lossPct: 0 },
    prediction: input.bots?.prediction ?? 'off',
    mispredictionRate: misprediction === null ? null : round(misprediction, 4),
    correctionP95: round(input.bots?.correctionP95 ?? 0, 3),
    inputToDisplayMsP50: input.bots?.inputToDisplayMsP50 ?? null,
    inputToDisplayMsP99: input.bots?.inputToDisplayMsP99 ?? null,
    errors: server + reducerErrors + botFailures + botsDisconnected,
    errorDetails: {
      server,
      reducerErrors,
      botFailures,
      botsDisconnected,
      messages: input.bots?.errors ?? [],
    },
  }
}
