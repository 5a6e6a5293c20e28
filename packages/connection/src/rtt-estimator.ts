/**
 * A smoothed round-trip-time estimate, computed like TCP's SRTT and RTTVAR.
 *
 * The first sample sets `srtt = r`, `rttvar = r / 2`; each later sample does
 * `rttvar = 3/4·rttvar + 1/4·|srtt − r|`, then `srtt = 7/8·srtt + 1/8·r`.
 *
 * @example
 * ```ts
 * const rtt = new RttEstimator()
 * rtt.sample(40)
 * rtt.sample(80)
 * rtt.srtt // 45
 * ```
 * @see https://www.rfc-editor.org/rfc/rfc6298#section-2 (RFC 6298, Computing TCP's Retransmission Timer)
 */
export class RttEstimator {
  /** Smoothed RTT in milliseconds, `null` before the first sample. */
  srtt: number | null = null
  /** RTT variation in milliseconds, `null` before the first sample. */
  rttvar: number | null = null
  /** Number of samples taken. */
  samples = 0

  /**
   * Adds one measurement.
   *
   * @param rttMs - a measured round trip in milliseconds; negative or non-finite values are ignored
   * @returns the new smoothed RTT, or the old one when the sample was ignored
   */
  sample(rttMs: number): number | null {
    if (!Number.isFinite(rttMs) || rttMs < 0) return this.srtt
    if (this.srtt === null || this.rttvar === null) {
      this.srtt = rttMs
      this.rttvar = rttMs / 2
    } else {
      this.rttvar = 0.75 * this.rttvar + 0.25 * Math.abs(this.srtt - rttMs)
      this.srtt = 0.875 * this.srtt + 0.125 * rttMs
    }
    this.samples++
    return this.srtt
  }

  /** Forgets all samples (e.g. after a reconnect to another server). */
  reset(): void {
    this.srtt = null
    this.rttvar = null
    this.samples = 0
  }
}
