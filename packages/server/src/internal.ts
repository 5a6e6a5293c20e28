// `@orrery/server/internal`: what the other Orrery packages (the SQLite commit log, benchmarks) need from
// the server's inside. Not covered by semver: any release may change or remove these.
export { applyEntry } from './apply-entry.js'
export { matchesFilter, popcount, touches } from './history-filter.js'
export { REDACTED_PATHS } from './logger.js'
export { recoverWorld, replayInto, worldAt } from './recovery.js'
export type { RecoveredWorld } from './recovery.js'
export { TickLoop } from './tick-loop.js'
export type { TickLoopOptions } from './tick-loop.js'
