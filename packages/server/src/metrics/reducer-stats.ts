import { DurationStats, type DurationSummary } from '../duration-stats.js'
import { DurationBuckets, REDUCER_BOUNDS_MS } from './duration-buckets.js'

/** How a reducer call ended: the `outcome` label of the reducer metrics. */
export type ReducerOutcome = 'ok' | 'failed' | 'invalid_arguments' | 'unknown_reducer'

/** Every {@link ReducerOutcome}, in export order. */
export const REDUCER_OUTCOMES: readonly ReducerOutcome[] = ['ok', 'failed', 'invalid_arguments', 'unknown_reducer']

/** The name under which calls of reducers the module does not define are counted (names from the network are untrusted). */
export const UNKNOWN_REDUCER = '(unknown)'

/** Calls of one reducer from clients: counts by outcome, duration buckets and recent durations. */
export class ReducerStat {
  /** Calls by outcome. */
  readonly calls: Record<ReducerOutcome, number> = { ok: 0, failed: 0, invalid_arguments: 0, unknown_reducer: 0 }
  /** Durations of all calls, for the histogram. */
  readonly buckets = new DurationBuckets(REDUCER_BOUNDS_MS)
  private readonly recent = new DurationStats(256)

  /** @param name - the reducer's name, or {@link UNKNOWN_REDUCER} */
  constructor(readonly name: string) {}

  /** Records one call that took `ms` and ended with `outcome`. */
  record(outcome: ReducerOutcome, ms: number): void {
    this.calls[outcome]++
    this.buckets.record(ms)
    this.recent.record(ms)
  }

  /** @returns percentiles of the last 256 calls' durations, ms */
  summary(): DurationSummary {
    return this.recent.summary()
  }
}

/** One {@link ReducerStat} per reducer of the module, made up front (the hot path does one map lookup). */
export class ReducerStats {
  private readonly byName: ReadonlyMap<string, ReducerStat>
  private readonly unknown = new ReducerStat(UNKNOWN_REDUCER)

  /** @param names - the module's reducer names */
  constructor(names: Iterable<string>) {
    const map = new Map<string, ReducerStat>()
    for (const name of names) map.set(name, new ReducerStat(name))
    this.byName = map
  }

  /** @returns the stat of reducer `name`, or the one of unknown names */
  get(name: string): ReducerStat {
    return this.byName.get(name) ?? this.unknown
  }

  /** @returns every stat: the module's reducers, then the unknown names */
  all(): ReducerStat[] {
    return [...this.byName.values(), this.unknown]
  }
}

/**
 * The outcome label of a dispatch result.
 * @param code - null for a success, else the wire error code of the ReducerResult
 */
export function reducerOutcome(code: string | null): ReducerOutcome {
  switch (code) {
    case null:
      return 'ok'
    case 'ERR_UNKNOWN_REDUCER':
      return 'unknown_reducer'
    case 'ERR_INVALID_ARGUMENTS':
      return 'invalid_arguments'
    default:
      return 'failed'
  }
}
