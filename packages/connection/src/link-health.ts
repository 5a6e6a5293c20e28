import { RttEstimator } from './rtt-estimator.js'

/** Pings remembered for the loss estimate. */
const LOSS_WINDOW = 32

/**
 * The health of a connection, from Ping/Pong and its history.
 *
 * @example
 * ```ts
 * import type { Connection } from '@orrery/connection'
 * declare const connection: Connection
 * const { rttMs, jitterMs, loss }: ConnectionHealth = connection.health
 * ```
 */
export interface ConnectionHealth {
  /** Smoothed RTT (RFC 6298 SRTT), ms, or null before the first Pong. */
  readonly rttMs: number | null
  /** RTT variation: mean deviation of successive RTT samples (RFC 3550 §6.4.1 style, gain 1/16), ms, or null. */
  readonly jitterMs: number | null
  /** Share of the last 32 Pings that got no Pong within two ping intervals, 0…1. */
  readonly loss: number
  /** Time connected on the current socket, ms (0 while not connected). */
  readonly connectedMs: number
  /** Sockets after the first that reached Welcome. */
  readonly reconnects: number
  /** Why the last socket ended or failed (close code and reason, or the error), or null. */
  readonly lastFailure: string | null
  /** The reconnect circuit breaker: 'closed', 'open' (waiting after many failed connects) or 'half-open'. */
  readonly circuit: 'closed' | 'open' | 'half-open'
}

/**
 * Ping/Pong book-keeping of a connection: RTT, jitter and a loss estimate over the last pings.
 */
export class LinkHealth {
  readonly rtt = new RttEstimator()
  private jitter: number | null = null
  private lastSample: number | null = null
  /** clientTime of each ping still waiting, → its send time. */
  private readonly waiting = new Map<number, number>()
  /** Outcome of the last pings, true = lost. */
  private readonly outcomes: boolean[] = []

  /** Records a Ping sent at `now` (its `clientTime`). */
  pinged(clientTime: number): void {
    this.waiting.set(clientTime, clientTime)
  }

  /**
   * Records a Pong; returns the RTT sample.
   *
   * @param clientTime - the echoed Ping time
   * @param now - the same clock, ms
   */
  ponged(clientTime: number, now: number): number {
    const sample = now - clientTime
    if (this.waiting.delete(clientTime)) this.outcome(false)
    this.rtt.sample(sample)
    if (this.lastSample !== null) {
      const d = Math.abs(sample - this.lastSample)
      this.jitter = this.jitter === null ? d : this.jitter + (d - this.jitter) / 16
    }
    this.lastSample = sample
    return sample
  }

  /** Counts the pings older than `timeoutMs` still unanswered as lost. */
  expire(now: number, timeoutMs: number): void {
    for (const [clientTime, sentAt] of this.waiting) {
      if (now - sentAt < timeoutMs) continue
      this.waiting.delete(clientTime)
      this.outcome(true)
    }
  }

  /** The socket ended: its unanswered pings say nothing about the network. */
  socketEnded(): void {
    this.waiting.clear()
  }

  /** Jitter, ms, or null. */
  get jitterMs(): number | null {
    return this.jitter
  }

  /** Lost share of the last pings. */
  get loss(): number {
    if (this.outcomes.length === 0) return 0
    let lost = 0
    for (const o of this.outcomes) if (o) lost++
    return lost / this.outcomes.length
  }

  private outcome(lost: boolean): void {
    this.outcomes.push(lost)
    if (this.outcomes.length > LOSS_WINDOW) this.outcomes.shift()
  }
}
