import { backoffDelay, DEFAULT_RECONNECT, type ReconnectOptions } from './backoff.js'

/** Where the circuit breaker is: 'closed' (retrying with backoff), 'open' (waiting), 'half-open' (one try). */
export type CircuitState = 'closed' | 'open' | 'half-open'

/**
 * When to try again after a socket ended: at once the first time a connection that was up drops, then
 * exponential backoff with full jitter whose level resets only after a stable uptime (a flapping network
 * keeps backing off), and a circuit breaker that stops retrying for an
 * open period after many failed connects in a row, then lets one try through.
 *
 * @see https://aws.amazon.com/blogs/architecture/exponential-backoff-and-jitter/ for full jitter
 * @see https://martinfowler.com/bliki/CircuitBreaker.html for the breaker
 */
export class ReconnectPolicy {
  private level = 0
  /** Whether the immediate retry of this backoff round was used. */
  private retriedAtOnce = false
  private failures = 0
  private connectedAt: number | null = null
  private circuitState: CircuitState = 'closed'

  /**
   * @param options - backoff, stable uptime and breaker settings (defaults in {@link DEFAULT_RECONNECT})
   * @param random - uniform in [0, 1), for the jitter
   */
  constructor(
    private readonly options: ReconnectOptions | undefined,
    private readonly random: () => number,
  ) {}

  /** The circuit breaker's state. */
  get circuit(): CircuitState {
    return this.circuitState
  }

  /** Failed connects in a row (sockets that ended before Welcome). */
  get consecutiveFailures(): number {
    return this.failures
  }

  /**
   * A Welcome arrived: the breaker closes.
   *
   * @param now - monotonic time, ms
   */
  connected(now: number): void {
    this.connectedAt = now
    this.failures = 0
    this.circuitState = 'closed'
  }

  /**
   * A socket ended; how long to wait before the next try.
   *
   * @param now - monotonic time, ms
   * @param welcomed - whether this socket got a Welcome (else it was a failed connect)
   * @returns the delay, ms
   */
  delay(now: number, welcomed: boolean): number {
    const stableMs = this.options?.stableAfterMs ?? DEFAULT_RECONNECT.stableAfterMs
    if (this.connectedAt !== null && now - this.connectedAt >= stableMs) {
      this.level = 0
      this.retriedAtOnce = false
    }
    this.connectedAt = null
    if (!welcomed) this.failures++
    const threshold = this.options?.breakerThreshold ?? DEFAULT_RECONNECT.breakerThreshold
    const openMs = this.options?.breakerOpenMs ?? DEFAULT_RECONNECT.breakerOpenMs
    if (!welcomed && (this.circuitState === 'half-open' || this.failures >= threshold)) {
      this.circuitState = 'open'
      return openMs
    }
    // A connection that was up gets one immediate retry (a blip should cost no backoff); then it backs off.
    if (welcomed && this.level === 0 && !this.retriedAtOnce) {
      this.retriedAtOnce = true
      return 0
    }
    const wait = backoffDelay(this.level, this.options, this.random)
    this.level++
    return wait
  }

  /** The wait is over and a try starts: an open breaker lets this one through (half-open). */
  trying(): void {
    if (this.circuitState === 'open') this.circuitState = 'half-open'
  }

  /** Forgets everything (a new `open()`). */
  reset(): void {
    this.level = 0
    this.retriedAtOnce = false
    this.failures = 0
    this.connectedAt = null
    this.circuitState = 'closed'
  }
}
