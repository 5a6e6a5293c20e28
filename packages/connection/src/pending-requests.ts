import type { ClientMessage, ServerMessage } from '@orrery/protocol'
import { ConnectionError } from './connection-error.js'

const U32_LIMIT = 2 ** 32

interface Pending {
  readonly resolve: (message: ServerMessage) => void
  readonly reject: (error: ConnectionError) => void
  readonly timer: ReturnType<typeof setTimeout>
  readonly message: ClientMessage | null
  /** Whether the message went out on a socket (false while it waits in the outbox). */
  sent: boolean
}

/**
 * Requests in flight, keyed by u32 request id, each with its own timeout.
 *
 * Ids count up from 1 and wrap at 2^32, skipping ids still in flight.
 */
export class PendingRequests {
  private next = 1
  private readonly table = new Map<number, Pending>()

  /** Number of requests in flight. */
  get size(): number {
    return this.table.size
  }

  /** Returns a request id not in flight. */
  allocate(): number {
    for (;;) {
      const id = this.next
      this.next = (this.next + 1) % U32_LIMIT
      if (!this.table.has(id)) return id
    }
  }

  /**
   * Registers a request; after `timeoutMs` without an answer it is rejected with `ERR_TIMEOUT`.
   */
  add(
    id: number,
    timeoutMs: number,
    resolve: (message: ServerMessage) => void,
    reject: (error: ConnectionError) => void,
    message: ClientMessage | null = null,
    sent = true,
  ): void {
    const timer = setTimeout(() => {
      this.table.delete(id)
      reject(new ConnectionError('ERR_TIMEOUT', `request ${id} got no answer within ${timeoutMs} ms`))
    }, timeoutMs)
    this.table.set(id, { resolve, reject, timer, message, sent })
  }

  /** Resolves request `id` with its answer; `false` when no such request is in flight. */
  resolve(id: number, message: ServerMessage): boolean {
    const entry = this.take(id)
    entry?.resolve(message)
    return entry !== undefined
  }

  /** Rejects request `id`; `false` when no such request is in flight. */
  reject(id: number, error: ConnectionError): boolean {
    const entry = this.take(id)
    entry?.reject(error)
    return entry !== undefined
  }

  /** Rejects every request in flight with an error built per request. */
  rejectAll(makeError: () => ConnectionError): void {
    const entries = [...this.table.values()]
    for (const entry of entries) clearTimeout(entry.timer)
    this.table.clear()
    for (const entry of entries) entry.reject(makeError())
  }

  /** The messages of the requests sent on a socket and not answered, in the order they were added (to send again after a resume). */
  messages(): ClientMessage[] {
    const out: ClientMessage[] = []
    for (const entry of this.table.values()) if (entry.sent && entry.message !== null) out.push(entry.message)
    return out
  }

  /** Marks request `id` as sent on a socket (it left the outbox). */
  markSent(id: number): void {
    const entry = this.table.get(id)
    if (entry !== undefined) entry.sent = true
  }

  /** Rejects the requests that were sent on a socket; those still in the outbox stay pending. */
  rejectSent(makeError: () => ConnectionError): void {
    for (const [id, entry] of [...this.table]) if (entry.sent) this.reject(id, makeError())
  }

  private take(id: number): Pending | undefined {
    const entry = this.table.get(id)
    if (entry === undefined) return undefined
    clearTimeout(entry.timer)
    this.table.delete(id)
    return entry
  }
}
