/** Bytes held by every {@link FrameHistory} of a server together, and their cap. */
export interface HistoryBudget {
  /** Bytes held now, over all histories. */
  total: number
  /** Most bytes all histories may hold together. */
  readonly maxBytes: number
}

/**
 * The newest frames sent to one session, numbered 1, 2, … in the order they were sent, bounded in bytes:
 * what a resumed session replays. The oldest frames go first when the session's cap or the shared budget
 * is reached.
 */
export class FrameHistory {
  private frames: Uint8Array[] = []
  /** Index in `frames` of the oldest frame kept (frames before it are dropped lazily). */
  private head = 0
  private bytes = 0
  private lastNumber = 0

  /**
   * @param maxBytes - most bytes this history holds
   * @param budget - the budget shared with the other sessions' histories
   */
  constructor(
    private readonly maxBytes: number,
    private readonly budget: HistoryBudget,
  ) {}

  /** The number of the last frame written (0 before any). */
  get last(): number {
    return this.lastNumber
  }

  /** The number of the oldest frame still held (`last + 1` when none is held). */
  get first(): number {
    return this.lastNumber - (this.frames.length - this.head) + 1
  }

  /** Bytes held. */
  get size(): number {
    return this.bytes
  }

  /**
   * Records the next frame (it gets number `last + 1`) and trims the oldest past the caps.
   *
   * @param frame - the encoded frame, kept by reference (frames are never written to after being sent)
   * @returns the number the frame got
   */
  push(frame: Uint8Array): number {
    this.frames.push(frame)
    this.bytes += frame.byteLength
    this.budget.total += frame.byteLength
    this.lastNumber++
    while (this.head < this.frames.length && (this.bytes > this.maxBytes || this.budget.total > this.budget.maxBytes)) this.dropOldest()
    if (this.head > 1024 && this.head * 2 > this.frames.length) {
      this.frames = this.frames.slice(this.head)
      this.head = 0
    }
    return this.lastNumber
  }

  /**
   * Whether every frame after `received` is held (so a client that processed `received` frames can resume).
   *
   * @param received - the client's frame count
   */
  reaches(received: number): boolean {
    return received <= this.lastNumber && received + 1 >= this.first
  }

  /**
   * The frames numbered after `received`, oldest first.
   *
   * @param received - the client's frame count; {@link FrameHistory.reaches} must hold
   */
  after(received: number): Uint8Array[] {
    return this.frames.slice(this.head + (received + 1 - this.first))
  }

  /** Every frame held, oldest first (numbered `first` … `last`). */
  held(): Uint8Array[] {
    return this.frames.slice(this.head)
  }

  /**
   * Puts back frames an earlier history held (a session restored after a graceful restart), trimming past the
   * caps as {@link FrameHistory.push} does.
   *
   * @param frames - the frames, oldest first, as {@link FrameHistory.held} returned them
   * @param last - the number of the newest of them
   */
  load(frames: readonly Uint8Array[], last: number): void {
    this.clear()
    for (const frame of frames) {
      this.frames.push(frame)
      this.bytes += frame.byteLength
      this.budget.total += frame.byteLength
    }
    this.lastNumber = last
    while (this.head < this.frames.length && (this.bytes > this.maxBytes || this.budget.total > this.budget.maxBytes)) this.dropOldest()
  }

  /** Drops every frame and gives their bytes back to the budget. */
  clear(): void {
    this.budget.total -= this.bytes
    this.bytes = 0
    this.frames = []
    this.head = 0
  }

  private dropOldest(): void {
    const frame = this.frames[this.head] as Uint8Array
    this.frames[this.head] = EMPTY
    this.head++
    this.bytes -= frame.byteLength
    this.budget.total -= frame.byteLength
  }
}

const EMPTY = new Uint8Array(0)
