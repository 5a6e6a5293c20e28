import { type ClientMessage, encodeClientMessage, type ServerMessage } from '@orrery/protocol'
import { ConnectionError } from './connection-error.js'
import { Outbox } from './outbox.js'
import { PendingRequests } from './pending-requests.js'
import type { SocketLink } from './socket-link.js'

/**
 * What a connection sends and waits for: the requests in flight (correlated with their answers by
 * requestId) and the outbox of what is sent while reconnecting. It decides what a Welcome and a drop do to
 * them: after a resumed Welcome the unanswered requests go out again, after a fresh one they fail; the
 * outbox goes out once, in order.
 */
export class RequestDesk {
  private readonly pending = new PendingRequests()
  private readonly outbox: Outbox

  /**
   * @param outboxBytes - the outbox's size in encoded bytes
   * @param defaultTimeoutMs - a request's timeout when none is given
   */
  constructor(
    outboxBytes: number,
    private readonly defaultTimeoutMs: number,
  ) {
    this.outbox = new Outbox(outboxBytes)
  }

  /**
   * Sends a message on the link when it is open; else (reconnecting, or a socket already closing whose close
   * event is on its way) queues it for the next Welcome.
   *
   * @returns whether it went out now
   * @throws ConnectionError `ERR_OUTBOX_FULL` when it must queue and does not fit
   */
  send(link: SocketLink | null, message: ClientMessage): boolean {
    if (link?.isOpen === true) {
      link.write(message)
      return true
    }
    this.outbox.push(message, encodeClientMessage(message))
    return false
  }

  /**
   * Sends (or queues) a request built with a fresh requestId and resolves with its answer.
   *
   * @param link - the open link, or null to queue it
   */
  request<T extends ServerMessage>(link: SocketLink | null, build: (requestId: number) => ClientMessage, timeoutMs: number | undefined): Promise<T> {
    const id = this.pending.allocate()
    const message = build(id)
    if (!('requestId' in message) || message.requestId !== id) {
      return Promise.reject(new ConnectionError('ERR_PROTOCOL', `${message.type} must carry the requestId ${id} it was built with`))
    }
    return new Promise<T>((resolve, reject) => {
      this.pending.add(id, timeoutMs ?? this.defaultTimeoutMs, resolve as (m: ServerMessage) => void, reject, message, link?.isOpen === true)
      try {
        this.send(link, message)
      } catch (error) {
        this.pending.reject(id, error as ConnectionError)
      }
    })
  }

  /**
   * Settles the request a server message answers.
   *
   * @returns true when the message was an answer to a request in flight
   */
  answer(message: ServerMessage): boolean {
    switch (message.type) {
      case 'ReducerResult':
      case 'SubscribeApplied':
      case 'Unsubscribed':
      case 'TokenRefreshed':
        return this.pending.resolve(message.requestId, message)
      case 'Error':
        return message.requestId !== null && this.pending.reject(message.requestId, new ConnectionError('ERR_REMOTE', message.message, { remoteCode: message.code }))
      default:
        return false
    }
  }

  /** A Welcome arrived on `link`: unanswered requests go again (resumed) or fail (fresh); then the outbox goes out. */
  welcomed(link: SocketLink, resumed: boolean): void {
    // The server ignores the requests it saw already; their answers are in the replayed frames.
    if (resumed) for (const message of this.pending.messages()) link.write(message)
    else this.pending.rejectSent(() => new ConnectionError('ERR_DISCONNECTED', 'the connection dropped and the session was not resumed: the request may or may not have run'))
    for (const { message, bytes } of this.outbox.take()) {
      link.writeBytes(bytes, message.type)
      if ('requestId' in message && typeof message.requestId === 'number') this.pending.markSent(message.requestId)
    }
  }

  /** The socket dropped and no resume will follow: the requests sent on it fail (queued ones wait). */
  dropped(code: number): void {
    this.pending.rejectSent(() => new ConnectionError('ERR_DISCONNECTED', `the connection dropped (${code})`, { closeCode: code }))
  }

  /** The connection stopped: every request fails with `error()`, and the outbox is emptied. */
  stopped(error: () => ConnectionError): void {
    this.outbox.take()
    this.pending.rejectAll(error)
  }
}
