import { checkRange, PredictionError } from './errors.js'
import { type InputSeq, isInputSeq, seqAcknowledged, seqAfter } from './sequence.js'

/** Options of {@link InputBuffer}. */
export interface InputBufferOptions {
  /**
   * Most unacknowledged inputs kept (default 256: 12.8 s of input at 20 Hz). When a push finds the
   * buffer full, the oldest input is dropped and counted in {@link InputBuffer.overflowed}.
   */
  readonly capacity?: number
}

/**
 * The inputs the server has not acknowledged yet, oldest first, each with its sequence number, the
 * tick it was predicted at and the local time it was sent: what reconciliation replays.
 *
 * Overflow: a push into a full buffer drops the oldest input (it is still on its way to the server,
 * but prediction no longer replays it, so the predicted state lacks its effect until an authoritative
 * state includes it, and reconciliation corrects the difference). A full buffer means the server has
 * acknowledged nothing for `capacity` inputs: the connection is stalled.
 *
 * @typeParam I - the input's type (e.g. a direction vector)
 * @example
 * ```ts
 * import { InputBuffer } from '@orrery/prediction'
 * const inputs = new InputBuffer<{ dirX: number; dirY: number }>({ capacity: 64 })
 * inputs.push(1, { dirX: 1, dirY: 0 }, 100, 0)
 * inputs.push(2, { dirX: 0, dirY: 1 }, 101, 50)
 * inputs.acknowledge(1) // 1 dropped
 * inputs.size // 1
 * inputs.seqAt(0) // 2
 * ```
 * @see Gambetta, "Client-Side Prediction and Server Reconciliation" (https://www.gabrielgambetta.com/client-side-prediction-server-reconciliation.html)
 */
export class InputBuffer<I> {
  /** Most inputs kept. */
  readonly capacity: number
  private readonly seqs: Float64Array
  private readonly ticks: Float64Array
  private readonly sentAts: Float64Array
  private readonly inputs: (I | undefined)[]
  private head = 0
  private count = 0
  private last: InputSeq | undefined = undefined
  private dropped = 0

  /**
   * @param options - `capacity` (default 256 inputs)
   * @throws {@link PredictionError} `ERR_INVALID_OPTION` when the capacity is not an integer ≥ 1
   */
  constructor(options: InputBufferOptions = {}) {
    const capacity = checkRange('capacity', options.capacity ?? 256, 1, 1 << 20)
    if (!Number.isInteger(capacity)) throw new PredictionError('ERR_INVALID_OPTION', 'capacity must be an integer')
    this.capacity = capacity
    this.seqs = new Float64Array(capacity)
    this.ticks = new Float64Array(capacity)
    this.sentAts = new Float64Array(capacity)
    this.inputs = new Array<I | undefined>(capacity).fill(undefined)
  }

  /** Number of unacknowledged inputs held. */
  get size(): number {
    return this.count
  }

  /** Inputs dropped because the buffer was full, since creation. */
  get overflowed(): number {
    return this.dropped
  }

  /** The sequence number of the last input pushed, or undefined before the first. */
  get lastSeq(): InputSeq | undefined {
    return this.last
  }

  /**
   * Appends an input.
   *
   * @param seq - its sequence number: a u32 after the previous input's (the reducer call's `requestId`)
   * @param input - the input
   * @param tick - the tick it is predicted to take effect at (applied before that tick's step)
   * @param sentAt - when it was sent, ms on the caller's clock (for input-to-acknowledgement latency)
   * @returns true when the buffer was full and the oldest input was dropped
   * @throws {@link PredictionError} `ERR_SEQUENCE_ORDER` when `seq` is not a u32 after the previous one
   */
  push(seq: InputSeq, input: I, tick: number, sentAt: number): boolean {
    if (!isInputSeq(seq) || (this.last !== undefined && !seqAfter(seq, this.last))) {
      throw new PredictionError(
        'ERR_SEQUENCE_ORDER',
        `input sequence number ${String(seq)} is not a u32 after the previous one (${String(this.last)})`,
      )
    }
    let overflow = false
    if (this.count === this.capacity) {
      this.shift()
      this.dropped++
      overflow = true
    }
    const slot = (this.head + this.count) % this.capacity
    this.seqs[slot] = seq
    this.ticks[slot] = tick
    this.sentAts[slot] = sentAt
    this.inputs[slot] = input
    this.count++
    this.last = seq
    return overflow
  }

  /**
   * Drops every input the server has acknowledged: those whose sequence number is `ack` or before it.
   *
   * @param ack - the highest sequence number an authoritative state includes
   * @param onAcknowledged - called for each dropped input with its send time (ms), oldest first
   * @returns the number of inputs dropped
   * @example
   * ```ts
   * import { InputBuffer } from '@orrery/prediction'
   * const inputs = new InputBuffer<number>()
   * inputs.push(7, 1, 0, 10)
   * inputs.acknowledge(7, (seq, sentAt) => console.log(seq, 'took', 60 - sentAt, 'ms'))
   * ```
   */
  acknowledge(ack: InputSeq, onAcknowledged?: (seq: InputSeq, sentAt: number) => void): number {
    let n = 0
    while (this.count > 0 && seqAcknowledged(this.seqs[this.head] as number, ack)) {
      onAcknowledged?.(this.seqs[this.head] as number, this.sentAts[this.head] as number)
      this.shift()
      n++
    }
    return n
  }

  /** Sequence number of the `i`-th unacknowledged input (0 = oldest). */
  seqAt(i: number): InputSeq {
    return this.seqs[this.slot(i)] as number
  }

  /** Tick the `i`-th input was predicted at. */
  tickAt(i: number): number {
    return this.ticks[this.slot(i)] as number
  }

  /**
   * Moves the `i`-th input to another tick (it turned out to reach the server at another time than
   * predicted).
   */
  setTickAt(i: number, tick: number): void {
    this.ticks[this.slot(i)] = tick
  }

  /** Position of the input with sequence number `seq`, or -1 when it is not held. */
  indexOf(seq: InputSeq): number {
    for (let i = 0; i < this.count; i++) if (this.seqs[(this.head + i) % this.capacity] === seq) return i
    return -1
  }

  /** The `i`-th input. */
  inputAt(i: number): I {
    return this.inputs[this.slot(i)] as I
  }

  /** Forgets every input and the sequence order (a new session may number its inputs from anywhere). */
  clear(): void {
    while (this.count > 0) this.shift()
    this.last = undefined
  }

  private slot(i: number): number {
    if (!(i >= 0 && i < this.count)) throw new PredictionError('ERR_INVALID_OPTION', `no input at position ${i}`)
    return (this.head + i) % this.capacity
  }

  private shift(): void {
    this.inputs[this.head] = undefined
    this.head = (this.head + 1) % this.capacity
    this.count--
  }
}
