/**
 * The codes a {@link ClientError} carries.
 *
 * - `ERR_INVALID_OPTIONS`: `connect` options are inconsistent (duplicate component names, unknown names in `subscribe`).
 * - `ERR_CONNECT_FAILED`: the first handshake or initial subscription failed (`cause` has the reason).
 * - `ERR_INVALID_ARGUMENTS`: reducer arguments do not match the arg schema (checked locally, or by the server: `remoteCode` set).
 * - `ERR_UNKNOWN_REDUCER`: the server does not know the reducer.
 * - `ERR_REDUCER_FAILED`: the reducer threw on the server and was rolled back; `message` is the server's.
 * - `ERR_SUBSCRIBE_FAILED`: the server refused a subscription (`remoteCode` e.g. `ERR_UNKNOWN_COMPONENT`, `ERR_TOO_MANY_SUBSCRIPTIONS`).
 * - `ERR_REMOTE`: the server answered a request with another error (`remoteCode`, e.g. `ERR_RATE_LIMITED`).
 * - `ERR_TIMEOUT`: no answer within the request timeout.
 * - `ERR_DISCONNECTED`: the connection dropped before the answer came.
 * - `ERR_NOT_CONNECTED`: a request was made while not connected.
 * - `ERR_SCHEMA_MISMATCH`: the server's tables differ from the client's components (same name, other fields); the client disconnects.
 * - `ERR_SYNC_FAILED`: the replica could not apply a snapshot or update (the client re-syncs), or a row/event listener threw.
 */
export type ClientErrorCode =
  | 'ERR_INVALID_OPTIONS'
  | 'ERR_CONNECT_FAILED'
  | 'ERR_INVALID_ARGUMENTS'
  | 'ERR_UNKNOWN_REDUCER'
  | 'ERR_REDUCER_FAILED'
  | 'ERR_SUBSCRIBE_FAILED'
  | 'ERR_REMOTE'
  | 'ERR_TIMEOUT'
  | 'ERR_DISCONNECTED'
  | 'ERR_NOT_CONNECTED'
  | 'ERR_SCHEMA_MISMATCH'
  | 'ERR_SYNC_FAILED'

/**
 * The one error class of `@orrery/client`; `code` says what went wrong and
 * `remoteCode` carries the server's wire error code when the server answered.
 *
 * @example
 * ```ts
 * declare const client: OrreryClient<[], { enterGame: { name: 'string' } }>
 * declare function showToast(text: string): void
 * try {
 *   await client.reducers.enterGame({ name: 'ada' })
 * } catch (error) {
 *   if (error instanceof ClientError && error.code === 'ERR_REDUCER_FAILED') showToast(error.message)
 * }
 * ```
 */
export class ClientError extends Error {
  /** The machine-readable reason, one of {@link ClientErrorCode}. */
  readonly code: ClientErrorCode
  /** The wire error code the server sent (`ERR_REDUCER_FAILED`, `ERR_RATE_LIMITED`, ...), if it answered. */
  readonly remoteCode: string | undefined
  override readonly name = 'ClientError'

  /**
   * @param code - the reason, one of {@link ClientErrorCode}
   * @param message - a human-readable explanation (the server's message for remote errors)
   * @param options - `cause`: the underlying error; `remoteCode`: the server's wire code
   */
  constructor(code: ClientErrorCode, message: string, options?: { cause?: unknown; remoteCode?: string }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause })
    this.code = code
    this.remoteCode = options?.remoteCode
  }
}
