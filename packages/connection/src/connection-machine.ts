import type { ConnectionState } from './connection-types.js'

/**
 * One state change of a connection, with why it happened.
 *
 * @example
 * ```ts
 * import type { Connection } from '@orrery/connection'
 * declare const connection: Connection
 * connection.on('transition', ({ from, to, reason }: ConnectionTransition) => console.log(`${from} → ${to}: ${reason}`))
 * ```
 */
export interface ConnectionTransition {
  readonly from: ConnectionState
  readonly to: ConnectionState
  /** What caused it, e.g. 'open()', 'welcome', 'closed 1006', 'gave up: …'. */
  readonly reason: string
}

/** The transitions a connection may make; anything else is a bug. */
const ALLOWED: Readonly<Record<ConnectionState, readonly ConnectionState[]>> = {
  disconnected: ['connecting'],
  connecting: ['connected', 'reconnecting', 'disconnected', 'failed'],
  connected: ['reconnecting', 'disconnected', 'failed'],
  reconnecting: ['connected', 'disconnected', 'failed'],
  failed: ['connecting', 'disconnected'],
}

/**
 * The one state variable of a connection: disconnected → connecting → connected → reconnecting → …,
 * failed when it gives up. Every change goes through {@link ConnectionMachine.to}, which checks it against
 * the allowed transitions and reports it.
 */
export class ConnectionMachine {
  private current: ConnectionState = 'disconnected'

  /** @param onTransition - called after every change */
  constructor(private readonly onTransition: (transition: ConnectionTransition) => void) {}

  /** The current state. */
  get state(): ConnectionState {
    return this.current
  }

  /**
   * Moves to `next` (no-op when already there).
   *
   * @param next - the new state
   * @param reason - why, for the transition event
   * @throws Error when the transition is not allowed (a bug in the connection)
   */
  to(next: ConnectionState, reason: string): void {
    const from = this.current
    if (next === from) return
    if (!ALLOWED[from].includes(next)) throw new Error(`connection: no transition ${from} → ${next} (${reason})`)
    this.current = next
    this.onTransition({ from, to: next, reason })
  }
}
