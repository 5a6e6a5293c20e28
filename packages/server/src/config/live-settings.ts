import type { Replicator } from '@orrery/sync'
import type { Logger } from 'pino'
import * as v from 'valibot'
import { ServerError } from '../server-error.js'
import { limitsSchema, RELOADABLE_LIMITS, type ResolvedLimits } from './limits-schema.js'
import { LOG_LEVELS } from './server-keys.js'

const reloadableLimits = v.partial(v.pick(limitsSchema, RELOADABLE_LIMITS))

/** The schema of {@link LiveSettings}. */
export const liveSettingsSchema = v.strictObject({
  /** pino level of the server's logger and of every connection's. */
  logLevel: v.optional(v.picklist(LOG_LEVELS)),
  /** AOI hysteresis in world units; null: the default (a tenth of each area's larger side). */
  hysteresis: v.optional(v.nullable(v.pipe(v.number(), v.minValue(0), v.finite()))),
  /** New values of the limits a running server takes at once (see `RELOADABLE_LIMITS`); other limits need a restart. */
  limits: v.optional(reloadableLimits),
})

/**
 * Settings a running server takes at once through `server.reconfigure`: the log level, the AOI
 * hysteresis and the rate, budget and cap limits listed in `RELOADABLE_LIMITS`. A key left out keeps
 * its value.
 */
export type LiveSettings = Readonly<v.InferInput<typeof liveSettingsSchema>>

/** What {@link applyLiveSettings} changes. */
export interface LiveTarget {
  readonly log: Logger
  /** The server's limits object, updated in place (everything holding it sees the new values). */
  readonly limits: ResolvedLimits
  readonly replicator: Replicator
  /** The open connections: their loggers and budgets. */
  sessions(): Iterable<{ readonly log: Logger; retune(): void }>
}

/**
 * Checks settings and applies them to a running server.
 * @param target - the server's parts, see {@link LiveTarget}
 * @param settings - see {@link LiveSettings}
 * @throws {ServerError} `ERR_INVALID_OPTIONS` naming each invalid key (nothing is applied then)
 */
export function applyLiveSettings(target: LiveTarget, settings: LiveSettings): void {
  const result = v.safeParse(liveSettingsSchema, settings)
  if (!result.success) throw new ServerError('ERR_INVALID_OPTIONS', `invalid settings:\n${v.summarize(result.issues)}`)
  const { logLevel, hysteresis, limits } = result.output
  if (logLevel !== undefined) {
    target.log.level = logLevel
    for (const session of target.sessions()) session.log.level = logLevel
  }
  if (limits !== undefined) {
    const changed = Object.fromEntries(Object.entries(limits).filter(([, value]) => value !== undefined))
    Object.assign(target.limits as Record<string, number>, changed)
    for (const session of target.sessions()) session.retune()
  }
  if (hysteresis !== undefined || limits?.updateBudgetBytes !== undefined) {
    target.replicator.retune({
      ...(hysteresis === undefined ? {} : { hysteresis }),
      ...(limits?.updateBudgetBytes === undefined ? {} : { updateBudgetBytes: limits.updateBudgetBytes }),
    })
  }
}
