import { TokenBucket } from 'limiter'

/** The budgets of one connection, see `ServerLimits`. */
export interface FrameBudgetLimits {
  /** Messages per second (refill) and burst (bucket size). */
  readonly messagesPerSecond: number
  readonly messageBurst: number
  /** Bytes per second and burst; the burst is raised to hold at least one frame of `maxFrameBytes`. */
  readonly bytesPerSecond: number
  readonly byteBurst: number
  readonly maxFrameBytes: number
  /** msgpack values per second and burst; the burst is raised to hold at least one frame of `maxFrameElements`. */
  readonly elementsPerSecond: number
  readonly elementBurst: number
  readonly maxFrameElements: number
  /** Over-budget frames tolerated per `strikeWindowMs` before the connection is closed. */
  readonly rateLimitStrikes: number
  readonly strikeWindowMs: number
}

function bucket(perSecond: number, size: number): TokenBucket {
  const b = new TokenBucket({ bucketSize: size, tokensPerInterval: perSecond, interval: 1000 })
  b.content = size
  return b
}

function resize(b: TokenBucket, perInterval: number, size: number, interval: number): void {
  b.tokensPerInterval = perInterval
  b.bucketSize = size
  b.interval = interval
  b.content = Math.min(b.content, size)
}

/**
 * What one connection may send, charged before a frame is decoded: a message, its bytes and (once the
 * frame scan has counted them) its msgpack values, each a token bucket (`limiter`). A frame over any of
 * them is dropped undecoded and costs a strike; too many strikes in a window close the connection.
 */
export class FrameBudget {
  private readonly messages: TokenBucket
  private readonly bytes: TokenBucket
  private readonly elements: TokenBucket
  private readonly strikes: TokenBucket
  private messageBurst: number

  /** @param limits - see {@link FrameBudgetLimits} */
  constructor(limits: FrameBudgetLimits) {
    this.messages = bucket(limits.messagesPerSecond, limits.messageBurst)
    this.messageBurst = limits.messageBurst
    this.bytes = bucket(limits.bytesPerSecond, Math.max(limits.byteBurst, limits.maxFrameBytes))
    this.elements = bucket(limits.elementsPerSecond, Math.max(limits.elementBurst, limits.maxFrameElements))
    this.strikes = new TokenBucket({ bucketSize: limits.rateLimitStrikes, tokensPerInterval: limits.rateLimitStrikes, interval: limits.strikeWindowMs })
    this.strikes.content = limits.rateLimitStrikes
  }

  /**
   * Takes new limits (a server reconfigured at run time): bucket sizes and refill rates change, tokens
   * already held are kept up to the new size.
   * @param limits - see {@link FrameBudgetLimits}
   */
  retune(limits: FrameBudgetLimits): void {
    this.messageBurst = limits.messageBurst
    resize(this.messages, limits.messagesPerSecond, limits.messageBurst, 1000)
    resize(this.bytes, limits.bytesPerSecond, Math.max(limits.byteBurst, limits.maxFrameBytes), 1000)
    resize(this.elements, limits.elementsPerSecond, Math.max(limits.elementBurst, limits.maxFrameElements), 1000)
    resize(this.strikes, limits.rateLimitStrikes, limits.rateLimitStrikes, limits.strikeWindowMs)
  }

  /**
   * Charges one frame of `byteLength` bytes to the message and byte budgets.
   * @param byteLength - the frame's size
   * @param messages - message tokens it costs (1; more for a Subscribe)
   * @returns false when either is spent (a dropped frame still costs what the other budget had for it)
   */
  takeFrame(byteLength: number, messages = 1): boolean {
    const message = this.messages.tryRemoveTokens(Math.min(messages, this.messageBurst))
    const bytes = this.bytes.tryRemoveTokens(byteLength)
    return message && bytes
  }

  /**
   * Charges a frame's msgpack values to the element budget.
   * @returns false when it is spent
   */
  takeElements(count: number): boolean {
    return this.elements.tryRemoveTokens(count)
  }

  /**
   * Records a dropped frame.
   * @returns false when the strikes of the window are used up: close the connection
   */
  strike(): boolean {
    return this.strikes.tryRemoveTokens(1)
  }
}
