import type { ConnectOptions } from '@orrery/client'
import type { liveComponents, reducers } from '@orrery/demo-shared'

/** A WebSocket class as `@orrery/client` takes it. */
export type WebSocketClass = NonNullable<ConnectOptions<typeof liveComponents, typeof reducers>['WebSocket']>
type Socket = InstanceType<WebSocketClass>

/** Simulated network conditions between a bot and the server. */
export interface NetworkConditions {
  /** Added one-way delay, ms (each direction: the RTT grows by twice this). */
  readonly latencyMs: number
  /** Each frame's delay varies uniformly by ± this, ms (frames stay in order, as over TCP). */
  readonly jitterMs: number
  /**
   * Share of frames lost, percent. WebSocket runs over TCP, so a lost segment is retransmitted: a lost
   * frame arrives `retransmitMs` late, and the frames behind it wait for it.
   */
  readonly lossPct: number
  /** Delay of a retransmission, ms (default 200, Linux's minimum TCP retransmission timeout). */
  readonly retransmitMs?: number
  /** Random numbers in [0, 1) (default `Math.random`). */
  readonly random?: () => number
}

/** Frames waiting for their delivery time, in order; one timer for the head. */
class DelayLine<T> {
  private readonly queue: { at: number; item: T }[] = []
  private timer: ReturnType<typeof setTimeout> | null = null
  private last = 0

  constructor(private readonly deliver: (item: T) => void) {}

  /** Queues `item` for `delayMs` from now, never before the item queued before it. */
  push(item: T, delayMs: number): void {
    this.last = Math.max(this.last, Date.now() + delayMs)
    this.queue.push({ at: this.last, item })
    if (this.timer === null) this.arm()
  }

  /** When the last queued item is due, ms since epoch (0 when none was queued). */
  get lastAt(): number {
    return this.last
  }

  /** Drops everything queued. */
  clear(): void {
    this.queue.length = 0
    if (this.timer !== null) clearTimeout(this.timer)
    this.timer = null
  }

  private arm(): void {
    const head = this.queue[0]
    if (head === undefined) {
      this.timer = null
      return
    }
    this.timer = setTimeout(() => this.flush(), Math.max(0, head.at - Date.now()))
  }

  private flush(): void {
    const now = Date.now()
    while (this.queue.length > 0 && (this.queue[0] as { at: number }).at <= now) {
      this.deliver((this.queue.shift() as { item: T }).item)
    }
    this.arm()
  }
}

/**
 * A WebSocket class whose frames are delayed both ways by the given conditions (latency, jitter, loss as
 * retransmission delay), keeping their order: the headless demo's network simulation between bots and
 * the server.
 *
 * @param Inner - the real WebSocket class
 * @param conditions - latency, jitter and loss, see {@link NetworkConditions}
 * @returns a class to pass as `WebSocket` to `connect`
 * @example
 * const WebSocket = laggedWebSocket(WS, { latencyMs: 75, jitterMs: 10, lossPct: 0 })
 * const bot = new Bot({ url, name: 'bot-1', WebSocket })
 */
export function laggedWebSocket(Inner: WebSocketClass, conditions: NetworkConditions): WebSocketClass {
  const random = conditions.random ?? Math.random
  const delay = (): number => {
    const jitter = (random() * 2 - 1) * conditions.jitterMs
    const loss = random() * 100 < conditions.lossPct ? (conditions.retransmitMs ?? 200) : 0
    return Math.max(0, conditions.latencyMs + jitter) + loss
  }
  return class LaggedSocket {
    private readonly inner: Socket
    private readonly outgoing: DelayLine<Uint8Array>
    private readonly incoming: DelayLine<() => void>
    onopen: Socket['onopen'] = null
    onmessage: Socket['onmessage'] = null
    onclose: Socket['onclose'] = null
    onerror: Socket['onerror'] = null

    constructor(url: string) {
      const inner = new Inner(url)
      this.inner = inner
      this.outgoing = new DelayLine((data) => {
        if (inner.readyState === 1) inner.send(data)
      })
      this.incoming = new DelayLine((run) => run())
      inner.onopen = (ev) => this.incoming.push(() => this.onopen?.(ev), delay())
      inner.onmessage = (ev) => this.incoming.push(() => this.onmessage?.(ev), delay())
      inner.onerror = (ev) => this.onerror?.(ev)
      inner.onclose = (ev) => {
        // The close comes after the frames still on their way.
        this.incoming.push(() => {
          this.outgoing.clear()
          this.onclose?.(ev)
        }, 0)
      }
    }

    get binaryType(): string {
      return this.inner.binaryType
    }

    set binaryType(value: string) {
      this.inner.binaryType = value
    }

    get readyState(): number {
      return this.inner.readyState
    }

    send(data: Uint8Array): void {
      this.outgoing.push(data.slice(), delay())
    }

    close(code?: number, reason?: string): void {
      this.inner.close(code, reason)
    }
  }
}
