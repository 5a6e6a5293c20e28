import type { ClientMessage } from '@orrery/protocol'
import { ConnectionError } from './connection-error.js'

/**
 * Messages sent while the connection is reconnecting, held until the next Welcome, bounded in bytes.
 * Overflow policy: the message that does not fit is refused (`ERR_OUTBOX_FULL`) and the queue is kept as
 * it is, so what was accepted goes out in order and nothing is sent twice.
 */
export class Outbox {
  private queue: { readonly message: ClientMessage; readonly bytes: Uint8Array }[] = []
  private held = 0

  /** @param maxBytes - most encoded bytes held */
  constructor(private readonly maxBytes: number) {}

  /** Encoded bytes held. */
  get bytes(): number {
    return this.held
  }

  /** Messages held. */
  get size(): number {
    return this.queue.length
  }

  /**
   * Queues an encoded message.
   *
   * @throws ConnectionError `ERR_OUTBOX_FULL` when it does not fit
   */
  push(message: ClientMessage, bytes: Uint8Array): void {
    if (this.held + bytes.byteLength > this.maxBytes) {
      throw new ConnectionError('ERR_OUTBOX_FULL', `the outbox holds ${this.held} of ${this.maxBytes} bytes; ${message.type} (${bytes.byteLength} bytes) refused`)
    }
    this.queue.push({ message, bytes })
    this.held += bytes.byteLength
  }

  /** Takes every message, oldest first, and empties the outbox. */
  take(): { readonly message: ClientMessage; readonly bytes: Uint8Array }[] {
    const out = this.queue
    this.queue = []
    this.held = 0
    return out
  }
}
