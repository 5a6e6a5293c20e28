/**
 * Why a connection operation failed.
 *
 * - `ERR_NOT_CONNECTED`: `send`/`request` while the state is not 'connected'.
 * - `ERR_TIMEOUT`: no answer to a request within its timeout.
 * - `ERR_DISCONNECTED`: the connection dropped while a request was pending.
 * - `ERR_CLOSED`: `close()` was called while a request or `open()` was pending.
 * - `ERR_REMOTE`: the server answered a request with an Error frame (see `remoteCode`).
 * - `ERR_HANDSHAKE`: the handshake failed (timeout, refused version or credentials, auth seam threw).
 * - `ERR_PROTOCOL`: the server sent a frame that does not decode or is out of place.
 * - `ERR_FAILED`: the connection gave up (no reconnect after this close code, or attempts exhausted).
 * - `ERR_NO_WEBSOCKET`: no WebSocket implementation was found.
 * - `ERR_OUTBOX_FULL`: `send`/`request` while reconnecting, and the outbox had no room for the message.
 */
export type ConnectionErrorCode =
  | 'ERR_NOT_CONNECTED'
  | 'ERR_TIMEOUT'
  | 'ERR_DISCONNECTED'
  | 'ERR_CLOSED'
  | 'ERR_REMOTE'
  | 'ERR_HANDSHAKE'
  | 'ERR_PROTOCOL'
  | 'ERR_FAILED'
  | 'ERR_NO_WEBSOCKET'
  | 'ERR_OUTBOX_FULL'

/** Extra details of a {@link ConnectionError}. */
export interface ConnectionErrorOptions {
  /** The underlying error, e.g. a `ProtocolError`. */
  readonly cause?: unknown
  /** For `ERR_REMOTE`: the wire error code of the server's Error frame. */
  readonly remoteCode?: string
  /** The WebSocket close code that ended the attempt, when there was one. */
  readonly closeCode?: number
}

/**
 * The one error class of `@orrery/connection`.
 *
 * @example
 * ```ts
 * declare const connection: Connection
 * try {
 *   await connection.request((requestId) => ({ type: 'RefreshToken', requestId }))
 * } catch (error) {
 *   if (error instanceof ConnectionError && error.code === 'ERR_REMOTE') console.log(error.remoteCode)
 * }
 * ```
 */
export class ConnectionError extends Error {
  /** Machine-readable reason, see {@link ConnectionErrorCode}. */
  readonly code: ConnectionErrorCode
  /** For `ERR_REMOTE`: the server's wire error code (e.g. `'ERR_UNKNOWN_REDUCER'`). */
  readonly remoteCode: string | undefined
  /** The WebSocket close code involved, if any. */
  readonly closeCode: number | undefined
  override readonly name = 'ConnectionError'

  /**
   * @param code - why the operation failed
   * @param message - a human-readable explanation
   * @param options - `cause`, `remoteCode`, `closeCode`
   */
  constructor(code: ConnectionErrorCode, message: string, options?: ConnectionErrorOptions) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause })
    this.code = code
    this.remoteCode = options?.remoteCode
    this.closeCode = options?.closeCode
  }
}
