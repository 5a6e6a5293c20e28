import { encodeServerMessage, type ReducerResultErr } from '@orrery/protocol'
import type { Replicator } from '@orrery/sync'

/** Where {@link ResultDelivery} waits: the commit pipeline's durability and the replicator's updates. */
export interface ResultDeliveryOptions {
  /** Calls `done(true)` once everything committed so far is durable, `done(false)` at once without a durable log. */
  readonly whenDurable: (done: (durable: boolean) => void) => void
  /** Sends the results after the client's updates. */
  readonly replicator: Pick<Replicator, 'sendAfterUpdate' | 'sendAfterAck'>
  /** Called when a result that waited for durability could not be sent. */
  readonly onSendError: (error: unknown, clientId: string) => void
}

/**
 * Sends ReducerResults in their place: after the client's update that holds the call's effects (its `ack`
 * names the call), and for a successful call with a durable commit log also after the group commit that
 * wrote its transaction (then with `durable: true`). Whichever comes last sends the result: durability
 * before the update queues it behind the update; durability after the update sends it at once.
 */
export class ResultDelivery {
  private readonly options: ResultDeliveryOptions

  /** @param options - see {@link ResultDeliveryOptions} */
  constructor(options: ResultDeliveryOptions) {
    this.options = options
  }

  /**
   * Answers a call that committed (the caller acknowledged it on the replicator first).
   *
   * @param clientId - the replicator's id of the caller's session
   * @param requestId - the call's requestId
   * @param value - what the reducer returned
   * @throws the encoding error when `value` cannot be encoded (nothing was sent: answer with a failed result instead)
   */
  succeeded(clientId: string, requestId: number, value: unknown): void {
    encodeServerMessage({ type: 'ReducerResult', requestId, ok: true, value })
    this.options.whenDurable((durable) => {
      try {
        this.options.replicator.sendAfterAck(clientId, { type: 'ReducerResult', requestId, ok: true, value, durable })
      } catch (error) {
        this.options.onSendError(error, clientId)
      }
    })
  }

  /**
   * Answers a call that failed (rolled back, nothing to wait for) after the client's next update.
   *
   * @param clientId - the replicator's id of the caller's session
   * @param result - the failed result
   */
  failed(clientId: string, result: ReducerResultErr): void {
    this.options.replicator.sendAfterUpdate(clientId, result)
  }
}
