import { DIRECTION_STEP } from '@orrery/demo-shared'

/**
 * Largest difference per component between a sent direction and the replica's that still is that
 * direction: half the wire's step (replicas hold directions rounded to 1/256), plus f32 rounding.
 */
const SAME_DIRECTION = DIRECTION_STEP / 2 + 1e-6

/** One sent input not yet seen on screen. */
interface PendingInput {
  readonly sentAt: number
  readonly dirX: number
  readonly dirY: number
  readonly predicted: boolean
  /** When a state including it was received (or, predicted, when it was applied), ms; null before. */
  includedAt: number | null
}

/** Inputs still waiting for longer than this are dropped (their direction was never seen), ms. */
const GIVE_UP_MS = 5000
/** Samples kept. */
const SAMPLES = 1000

/**
 * Measures input-to-display latency: the time from sending a steering input to the first frame whose
 * drawn own circles are computed from a state that includes it. Predicted, that is the next frame (the
 * input is applied to the predicted state at once). Interpolated, it is the frame at which the render
 * time (now − interpolation delay) enters the tick of the first received update whose own circles head
 * in the input's direction (the server sets the direction from the input, so that update is the first
 * state that includes it).
 *
 * @example
 * const latency = new InputToDisplay()
 * latency.sent(1, 0, performance.now(), false)
 * latency.stateApplied(1, 0, performance.now()) // an update whose own circle heads (1, 0)
 * latency.frame(performance.now(), 100, 50)
 * latency.samples // ms
 */
export class InputToDisplay {
  /** Recent latencies, ms (the last 1 000). */
  readonly samples: number[] = []
  private readonly pending: PendingInput[] = []

  /**
   * An input was sent.
   *
   * @param dirX - the steering vector's x, as sent
   * @param dirY - its y
   * @param now - send time, ms
   * @param predicted - whether prediction applied it at once
   */
  sent(dirX: number, dirY: number, now: number, predicted: boolean): void {
    const length = Math.hypot(dirX, dirY)
    this.pending.push({
      sentAt: now,
      dirX: length > 0 ? dirX / length : 0,
      dirY: length > 0 ? dirY / length : 0,
      predicted,
      includedAt: predicted ? now : null,
    })
  }

  /**
   * An update was applied in which the own circles head (dirX, dirY): the last pending input with that
   * direction, and every one before it (calls are applied in order), is included in it.
   *
   * @param dirX - an own circle's direction x, from the replica (rounded to 1/256)
   * @param dirY - its y
   * @param now - when the update was received, ms
   */
  stateApplied(dirX: number, dirY: number, now: number): void {
    for (let i = this.pending.length - 1; i >= 0; i--) {
      const p = this.pending[i] as PendingInput
      if (p.predicted || Math.abs(p.dirX - dirX) > SAME_DIRECTION || Math.abs(p.dirY - dirY) > SAME_DIRECTION) continue
      for (let j = 0; j <= i; j++) {
        const q = this.pending[j] as PendingInput
        if (q.includedAt === null) q.includedAt = now
      }
      return
    }
  }

  /**
   * A frame is drawn: records the inputs it shows for the first time.
   *
   * @param now - frame time, ms
   * @param interpolationDelayMs - how far in the past interpolated bodies are drawn, ms
   * @param tickMs - the server's tick interval, ms
   */
  frame(now: number, interpolationDelayMs: number, tickMs: number): void {
    let kept = 0
    for (const p of this.pending) {
      const shown =
        p.includedAt !== null && (p.predicted ? now > p.sentAt : now - interpolationDelayMs >= p.includedAt - tickMs)
      if (shown) {
        if (this.samples.length >= SAMPLES) this.samples.shift()
        this.samples.push(now - p.sentAt)
      } else if (now - p.sentAt < GIVE_UP_MS) {
        this.pending[kept++] = p
      }
    }
    this.pending.length = kept
  }
}
