import type { Connection } from '@orrery/connection'
import type { ReducerResult } from '@orrery/protocol'
import { ClientError } from './client-error.js'
import { reducerErrorCode } from './reducer-proxy.js'
import { toClientError } from './to-client-error.js'

/** A reducer call whose `requestId` is known as soon as it is sent. */
export interface TrackedCall {
  /**
   * The call's `requestId` (u32): the number each TransactionUpdate's `ack` names once the state includes
   * the call, so it can serve as an input's sequence number for prediction. -1 when the call was not sent
   * (the connection is not up; `result` then rejects).
   */
  readonly requestId: number
  /** The reducer's return value; rejects with a {@link ClientError} as `client.reducers.<name>()` does. */
  readonly result: Promise<unknown>
}

/**
 * Calls a reducer and tells its `requestId` at once, where `client.reducers.<name>()` only returns the
 * result: for prediction, which pairs each input with the update whose `ack` includes it.
 *
 * @param client - a connected client (its `connection` is used)
 * @param reducer - the reducer's name
 * @param args - the arguments, positional, already encoded for the reducer's schema (`encodeArgs` of `@orrery/protocol`)
 * @returns the requestId and the result, see {@link TrackedCall}
 * @throws nothing: failures reject `result` with `ERR_NOT_CONNECTED`, `ERR_DISCONNECTED`, `ERR_TIMEOUT`, `ERR_UNKNOWN_REDUCER`,
 *   `ERR_INVALID_ARGUMENTS`, `ERR_REDUCER_FAILED` or `ERR_REMOTE`
 * @example
 * ```ts
 * import { encodeArgs } from '@orrery/protocol'
 * import { trackedCall, type OrreryClient } from '@orrery/client'
 *
 * const reducers = { updatePlayerInput: { dirX: 'f32', dirY: 'f32' } } as const
 * declare const client: OrreryClient<[], typeof reducers>
 * declare const predictor: { input(seq: number, input: { dirX: number; dirY: number }, now: number): void } // @orrery/prediction's Predictor
 * const { requestId, result } = trackedCall(client, 'updatePlayerInput', encodeArgs(reducers.updatePlayerInput, { dirX: 1, dirY: 0 }))
 * predictor.input(requestId, { dirX: 1, dirY: 0 }, performance.now())
 * await result
 * ```
 * @see docs/protocol.md, "Reducer calls: ReducerResult after its effects, and `ack`"
 */
export function trackedCall(client: { readonly connection: Connection }, reducer: string, args: unknown[]): TrackedCall {
  let requestId = -1
  const answer = client.connection.request((id) => {
    requestId = id
    return { type: 'CallReducer', requestId: id, reducer, args }
  })
  const result = answer.then(
    (message) => {
      if (message.type !== 'ReducerResult') throw new ClientError('ERR_REMOTE', `${reducer}: unexpected ${message.type}`)
      const r = message as ReducerResult
      if (r.ok) return r.value
      throw new ClientError(reducerErrorCode(r.code), r.message, { remoteCode: r.code })
    },
    (error: unknown) => {
      throw toClientError(error, 'ERR_REMOTE')
    },
  )
  return { requestId, result }
}
