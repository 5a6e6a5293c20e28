import * as v from 'valibot'
import { heartbeatSchema } from './config/session-schemas.js'
import type { Clock } from './clock.js'

/**
 * How the server checks that its connections are alive (see docs/protocol.md, section 11).
 *
 * @example
 * ```ts
 * const heartbeat: HeartbeatOptions = { pingIntervalMs: 5_000, idleTimeoutMs: 15_000 }
 * ```
 */
export type HeartbeatOptions = Readonly<v.InferInput<typeof heartbeatSchema>>

/** A connection as the heartbeat sees it. */
export interface HeartbeatTarget {
  /** Clock time the last frame or pong arrived, ms (the server's {@link Clock}). */
  readonly lastHeardAt: number
  /** Whether the connection completed its handshake and is open (the handshake has its own timeout). */
  readonly isReady: boolean
  /** Sends a WebSocket ping. */
  ping(): void
  /** Closes the connection with CloseCode.IdleTimeout and drops the socket. */
  idleOut(): void
}

/**
 * The server's heartbeat: one timer for every connection, pinging the quiet ones and closing the silent.
 */
export class Heartbeat {
  private timer: unknown = null
  private readonly intervalMs: number
  private readonly idleMs: number

  /**
   * @param options - intervals, see {@link HeartbeatOptions}
   * @param clock - the server's clock (a fake one in tests)
   * @param targets - the connections now
   */
  constructor(
    options: HeartbeatOptions | undefined,
    private readonly clock: Clock,
    private readonly targets: () => Iterable<HeartbeatTarget>,
  ) {
    const resolved = v.parse(heartbeatSchema, options ?? {})
    this.intervalMs = resolved.pingIntervalMs
    this.idleMs = resolved.idleTimeoutMs
  }

  /** Starts the checks (no-op when the interval is 0 or already started). */
  start(): void {
    if (this.intervalMs <= 0 || this.timer !== null) return
    this.schedule()
  }

  /** Stops the checks. */
  stop(): void {
    if (this.timer !== null) this.clock.clearTimeout(this.timer)
    this.timer = null
  }

  /** Runs one check now: closes the connections silent past the idle timeout, pings the quiet ones. */
  check(): void {
    const now = this.clock.now()
    for (const target of [...this.targets()]) {
      if (!target.isReady) continue
      const quiet = now - target.lastHeardAt
      if (quiet >= this.idleMs) target.idleOut()
      else if (quiet >= this.intervalMs / 2) target.ping()
    }
  }

  private schedule(): void {
    this.timer = this.clock.setTimeout(() => {
      this.check()
      if (this.timer !== null) this.schedule()
    }, this.intervalMs)
  }
}
