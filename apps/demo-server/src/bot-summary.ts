import type { BotStats } from '@orrery/demo-client/bots'

/** What a group of bots reports to the launcher. */
export interface BotSummary {
  /** Bots started. */
  readonly bots: number
  /** Bots connected now. */
  readonly connected: number
  /** Bots connected now as the identity of their own key. */
  readonly authenticated: number
  /** Bots that entered the game at least once. */
  readonly entered: number
  /** Bots that failed to start, with the reason. */
  readonly failures: readonly string[]
  /** Input messages sent, all bots. */
  readonly inputsSent: number
  /** Reducer calls that failed or timed out, all bots. */
  readonly reducerErrors: number
  /** Respawns after being eaten, all bots. */
  readonly respawns: number
  /** Split calls, all bots. */
  readonly splits: number
  /** Largest total mass one bot reached. */
  readonly maxMass: number
  /** Bytes the bots received, all bots. */
  readonly bytesReceived: number
  /** Bytes the bots sent, all bots. */
  readonly bytesSent: number
  /** Distinct error messages seen (at most 10). */
  readonly errors: readonly string[]
  /** Own-circle prediction of the bots: 'on', 'off', or 'mixed'. */
  readonly prediction: 'on' | 'off' | 'mixed'
  /** Inputs acknowledged while predicting, all bots. */
  readonly acknowledgedInputs: number
  /** Share of those whose predicted position was corrected by more than 1.5 wire steps (3/32 world units), or null when none. */
  readonly mispredictionRate: number | null
  /** Largest of the bots' 95th percentile corrections, world units. */
  readonly correctionP95: number
  /** Median input-to-display latency over all bots' recent samples, ms, or null without samples. */
  readonly inputToDisplayMsP50: number | null
  /** 99th percentile input-to-display latency, ms, or null. */
  readonly inputToDisplayMsP99: number | null
  /** Times the bots came back after a drop, all bots. */
  readonly reconnects: number
  /** Of those, sessions the server resumed. */
  readonly resumedFromHistory: number
  /** Of those, fresh sessions (re-synced from fresh rows). */
  readonly resumedFromSnapshot: number
  /** Distinct reducer calls sent, per bot identity and reducer name (counted only in chaos mode). */
  readonly calls: Readonly<Record<string, Readonly<Record<string, number>>>>
}

/** The `p`-quantile (0..1) of sorted samples by nearest rank, rounded to 0.1 ms; null when empty. */
function quantile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null
  const v = sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))] as number
  return Math.round(v * 10) / 10
}

/**
 * Sums the stats of a group of bots.
 *
 * @param stats - each bot's stats
 * @param failures - start failures
 * @returns the summary
 * @example
 * summarizeBots(group.stats(), group.failures)
 */
export function summarizeBots(stats: readonly BotStats[], failures: readonly string[]): BotSummary {
  const errors = new Set<string>()
  for (const f of failures) if (errors.size < 10) errors.add(f)
  let connected = 0
  let authenticated = 0
  let entered = 0
  let inputsSent = 0
  let reducerErrors = 0
  let respawns = 0
  let splits = 0
  let maxMass = 0
  let bytesReceived = 0
  let bytesSent = 0
  let acknowledgedInputs = 0
  let mispredictedInputs = 0
  let correctionP95 = 0
  const modes = new Set<BotStats['prediction']>()
  const latencies: number[] = []
  let reconnects = 0
  let resumedFromHistory = 0
  let resumedFromSnapshot = 0
  const calls: Record<string, Readonly<Record<string, number>>> = {}
  for (const s of stats) {
    reconnects += s.reconnects
    resumedFromHistory += s.resumedFromHistory
    resumedFromSnapshot += s.resumedFromSnapshot
    if (s.identity !== '') calls[s.identity] = s.calls
    modes.add(s.prediction)
    acknowledgedInputs += s.acknowledgedInputs
    mispredictedInputs += s.mispredictedInputs
    correctionP95 = Math.max(correctionP95, s.correctionP95)
    for (const ms of s.inputToDisplayMs) latencies.push(ms)
    if (s.connected) connected++
    if (s.authenticated) authenticated++
    if (s.entered) entered++
    inputsSent += s.inputsSent
    reducerErrors += s.reducerErrors
    respawns += s.respawns
    splits += s.splits
    maxMass = Math.max(maxMass, s.maxMass)
    bytesReceived += s.bytesReceived
    bytesSent += s.bytesSent
    if (s.lastError !== null && errors.size < 10) errors.add(s.lastError)
  }
  return {
    bots: stats.length,
    connected,
    authenticated,
    entered,
    failures,
    inputsSent,
    reducerErrors,
    respawns,
    splits,
    maxMass,
    bytesReceived,
    bytesSent,
    errors: [...errors],
    prediction: modes.size === 1 ? ([...modes][0] as BotStats['prediction']) : modes.size === 0 ? 'off' : 'mixed',
    acknowledgedInputs,
    mispredictionRate: acknowledgedInputs === 0 ? null : mispredictedInputs / acknowledgedInputs,
    correctionP95,
    inputToDisplayMsP50: quantile(latencies.sort((a, b) => a - b), 0.5),
    inputToDisplayMsP99: quantile(latencies, 0.99),
    reconnects,
    resumedFromHistory,
    resumedFromSnapshot,
    calls,
  }
}
