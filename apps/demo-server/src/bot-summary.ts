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
  for (const s of stats) {
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
  }
}
