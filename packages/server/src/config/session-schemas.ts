import * as v from 'valibot'

const positiveInt = v.pipe(v.number(), v.integer(), v.minValue(1))
const nonNegativeInt = v.pipe(v.number(), v.integer(), v.minValue(0))

/**
 * The schema of the `resume` server option (see docs/protocol.md, "Sessions and resume"); `ResumeOptions`
 * is inferred from it and each default is written here only.
 */
export const resumeSchema = v.strictObject({
  /**
   * Time in ms a session whose socket dropped waits for its client to resume it before it ends (and the
   * module's onDisconnect runs). 0 ends sessions with their socket (no resume). Default 120 000.
   */
  graceMs: v.optional(nonNegativeInt, 120_000),
  /** Bytes of a session's newest frames kept for a resume. Default 4 MiB (minutes of ordinary updates). */
  historyBytes: v.optional(positiveInt, 4 * 1024 * 1024),
  /** Bytes of history kept over all sessions; past it a session's history is trimmed when it writes. Default 256 MiB. */
  totalHistoryBytes: v.optional(positiveInt, 256 * 1024 * 1024),
  /** RequestIds a session remembers to recognise requests sent again after a resume. Default 1024. */
  recentRequests: v.optional(positiveInt, 1024),
})

/**
 * The schema of the `heartbeat` server option (see docs/protocol.md, section 11); `HeartbeatOptions` is
 * inferred from it and each default is written here only.
 */
export const heartbeatSchema = v.strictObject({
  /**
   * Every this many ms, a WebSocket ping goes to each connection the server heard nothing from since the
   * last check (peers answer with a pong by themselves). 0 turns the heartbeat off. Default 10 000.
   */
  pingIntervalMs: v.optional(nonNegativeInt, 10_000),
  /**
   * A connection the server hears nothing from (no frame, no pong) for this long is closed with
   * CloseCode.IdleTimeout (4011) and dropped; its session waits for a resume. Default 30 000.
   */
  idleTimeoutMs: v.optional(positiveInt, 30_000),
})
