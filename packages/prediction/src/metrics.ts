import { checkRange } from './errors.js'
import { SampleRing } from './sample-ring.js'

/** Options of {@link PredictionMetrics}. */
export interface PredictionMetricsOptions {
  /** Samples kept per measurement for the percentiles (default 1024). */
  readonly samples?: number
  /** Window of the mispredictions-per-second rate, ms (default 1000). */
  readonly rateWindowMs?: number
}

/** What {@link PredictionMetrics.snapshot} reports. */
export interface PredictionMetricsSnapshot {
  /** Mispredictions (reconciliations whose correction exceeded the threshold) in the last rate window, per second. */
  readonly mispredictionsPerSecond: number
  /** Acknowledged inputs since creation. */
  readonly acknowledgedInputs: number
  /** Acknowledged inputs whose state the server corrected by more than the threshold, since creation. */
  readonly mispredictedInputs: number
  /** `mispredictedInputs / acknowledgedInputs` (0 before the first acknowledgement). */
  readonly mispredictionRate: number
  /** Median correction of the recent reconciliations, world units. */
  readonly correctionP50: number
  /** 95th percentile correction, world units. */
  readonly correctionP95: number
  /** Median time from sending an input to its acknowledgement, ms. */
  readonly inputToAckMsP50: number
  /** 95th percentile input-to-acknowledgement time, ms. */
  readonly inputToAckMsP95: number
  /** Mean number of buffered snapshots at or after the render time, over the recent interpolation samples. */
  readonly interpolationBufferDepth: number
  /** Share of the recent interpolation samples that were extrapolated (0..1). */
  readonly extrapolatedShare: number
  /** 95th percentile time past the newest snapshot of the recent samples, ms (0 while interpolating). */
  readonly extrapolatedMsP95: number
}

/**
 * Accuracy metrics of prediction and interpolation: mispredictions per second, correction sizes
 * (p50/p95), input-to-acknowledgement latency, interpolation buffer depth and extrapolated time. One
 * instance can be shared by a {@link Predictor} and a {@link SnapshotInterpolator}. Recording allocates
 * nothing.
 *
 * @example
 * ```ts
 * import { PredictionMetrics } from '@orrery/prediction'
 * const metrics = new PredictionMetrics()
 * metrics.recordCorrection(0.5, 0.01, 1000)
 * metrics.recordAcknowledged(80, false)
 * metrics.snapshot(1500).correctionP95 // 0.5
 * ```
 */
export class PredictionMetrics {
  /** Window of the rate, ms. */
  readonly rateWindowMs: number
  private readonly corrections: SampleRing
  private readonly ackLatency: SampleRing
  private readonly depth: SampleRing
  private readonly extrapolated: SampleRing
  private readonly mispredictedAt: SampleRing
  private acknowledged = 0
  private mispredicted = 0

  /** @throws {@link PredictionError} `ERR_INVALID_OPTION` on a non-positive sample count or window */
  constructor(options: PredictionMetricsOptions = {}) {
    const samples = Math.floor(checkRange('samples', options.samples ?? 1024, 1, 1 << 20))
    this.rateWindowMs = checkRange('rateWindowMs', options.rateWindowMs ?? 1000, 1)
    this.corrections = new SampleRing(samples)
    this.ackLatency = new SampleRing(samples)
    this.depth = new SampleRing(samples)
    this.extrapolated = new SampleRing(samples)
    this.mispredictedAt = new SampleRing(samples)
  }

  /**
   * Records one reconciliation's correction: the largest distance between a predicted entity's
   * position and the authoritative one at the same tick.
   *
   * @param distance - world units
   * @param threshold - a distance above this is a misprediction, world units
   * @param now - current time, ms
   * @returns whether it counted as a misprediction
   */
  recordCorrection(distance: number, threshold: number, now: number): boolean {
    this.corrections.push(distance)
    if (distance > threshold) {
      this.mispredictedAt.push(now)
      return true
    }
    return false
  }

  /**
   * Records one acknowledged input.
   *
   * @param latencyMs - from sending it to the state that includes it arriving, ms
   * @param mispredicted - whether the state that acknowledged it corrected the prediction
   */
  recordAcknowledged(latencyMs: number, mispredicted: boolean): void {
    this.acknowledged++
    if (mispredicted) this.mispredicted++
    this.ackLatency.push(latencyMs)
  }

  /**
   * Records one interpolation sample.
   *
   * @param depth - buffered snapshots at or after the render time
   * @param extrapolatedMs - time past the newest snapshot, ms (0 while interpolating)
   */
  recordInterpolation(depth: number, extrapolatedMs: number): void {
    this.depth.push(depth)
    this.extrapolated.push(extrapolatedMs)
  }

  /**
   * The current figures.
   *
   * @param now - current time, ms (for the rate window)
   * @returns a fresh {@link PredictionMetricsSnapshot}
   */
  snapshot(now: number): PredictionMetricsSnapshot {
    const since = now - this.rateWindowMs
    return {
      mispredictionsPerSecond: (this.mispredictedAt.countAbove(since) * 1000) / this.rateWindowMs,
      acknowledgedInputs: this.acknowledged,
      mispredictedInputs: this.mispredicted,
      mispredictionRate: this.acknowledged === 0 ? 0 : this.mispredicted / this.acknowledged,
      correctionP50: this.corrections.percentile(0.5),
      correctionP95: this.corrections.percentile(0.95),
      inputToAckMsP50: this.ackLatency.percentile(0.5),
      inputToAckMsP95: this.ackLatency.percentile(0.95),
      interpolationBufferDepth: this.depth.mean(),
      extrapolatedShare: this.extrapolated.size === 0 ? 0 : this.extrapolated.countAbove(0) / this.extrapolated.size,
      extrapolatedMsP95: this.extrapolated.percentile(0.95),
    }
  }

  /** Forgets every sample and count. */
  reset(): void {
    this.corrections.clear()
    this.ackLatency.clear()
    this.depth.clear()
    this.extrapolated.clear()
    this.mispredictedAt.clear()
    this.acknowledged = 0
    this.mispredicted = 0
  }
}
