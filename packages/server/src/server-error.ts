/**
 * The codes a {@link ServerError} carries.
 *
 * - `ERR_INVALID_OPTIONS`: `createServer` options failed validation.
 * - `ERR_INIT_FAILED`: the module's `init` hook threw (nothing was committed).
 * - `ERR_UNKNOWN_REDUCER`: `server.call` named a reducer the module does not define.
 * - `ERR_INVALID_ARGUMENTS`: `server.call` arguments do not match the reducer's arg schema.
 * - `ERR_REDUCER_FAILED`: the reducer threw; its transaction was rolled back.
 * - `ERR_AUTH_FAILED`: an authenticator refused a credential.
 * - `ERR_TOKEN_REFUSED`: an authenticator refused a presented token (the client is closed with TokenRefused and signs in again).
 * - `ERR_ALREADY_LISTENING`: `listen()` was called twice.
 * - `ERR_CLOSED`: the server was closed; it cannot listen or tick again.
 * - `ERR_RECOVERY_FAILED`: the commit log or a snapshot could not be read or replayed at start (or a seq asked of `worldAt` is not held).
 * - `ERR_SCHEMA_MISMATCH`: the stored world does not fit the module's components; the message names the component and field.
 * - `ERR_INVALID_CONFIG`: `loadConfig` found a bad value, an unknown key or flag, or an unreadable config file; the message
 *   names each key, where its value came from and the accepted range.
 * - `ERR_UNSAFE_CONFIG`: the production profile refused a setting (an open Origin allow-list, the anonymous authenticator,
 *   the monitor on by default); the message names each and how to fix it.
 */
export type ServerErrorCode =
  | 'ERR_INVALID_OPTIONS'
  | 'ERR_INIT_FAILED'
  | 'ERR_UNKNOWN_REDUCER'
  | 'ERR_INVALID_ARGUMENTS'
  | 'ERR_REDUCER_FAILED'
  | 'ERR_AUTH_FAILED'
  | 'ERR_TOKEN_REFUSED'
  | 'ERR_ALREADY_LISTENING'
  | 'ERR_CLOSED'
  | 'ERR_RECOVERY_FAILED'
  | 'ERR_SCHEMA_MISMATCH'
  | 'ERR_INVALID_CONFIG'
  | 'ERR_UNSAFE_CONFIG'

/**
 * The one error class of `@orrery/server`; `code` says what went wrong.
 *
 * @example
 * ```ts
 * declare const server: OrreryServer
 * try {
 *   server.call('move', { dx: 'left' })
 * } catch (error) {
 *   if (error instanceof ServerError && error.code === 'ERR_INVALID_ARGUMENTS') console.warn(error.message)
 * }
 * ```
 */
export class ServerError extends Error {
  /** The machine-readable reason, one of {@link ServerErrorCode}. */
  readonly code: ServerErrorCode
  override readonly name = 'ServerError'

  /**
   * @param code - the reason, one of {@link ServerErrorCode}
   * @param message - a human-readable explanation
   * @param options - `cause`: the underlying error, if any
   */
  constructor(code: ServerErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.code = code
  }
}
