/**
 * The codes a {@link ClusterError} carries.
 *
 * - `ERR_INVALID_OPTIONS`: an option is out of range or missing; the message names it.
 * - `ERR_NO_PROCESS`: no live process can take a new world (none heartbeats); start one, or wait for its heartbeat.
 * - `ERR_WORLD_FULL`: every seat of the world is taken or reserved; try matchmaking, or later.
 * - `ERR_UNKNOWN_WORLD`: no world has that id (it was disposed, or never existed).
 * - `ERR_UNKNOWN_KIND`: no module is registered for that world kind on this process.
 * - `ERR_REDIS`: a Redis command failed (connection lost past its retries, script error); retry, and check Redis.
 * - `ERR_CLOSED`: the presence, registry or world host was used after `close()` / `dispose()`.
 */
export type ClusterErrorCode =
  | 'ERR_INVALID_OPTIONS'
  | 'ERR_NO_PROCESS'
  | 'ERR_WORLD_FULL'
  | 'ERR_UNKNOWN_WORLD'
  | 'ERR_UNKNOWN_KIND'
  | 'ERR_REDIS'
  | 'ERR_CLOSED'

/**
 * The one error class of `@orrery/cluster`; `code` says what went wrong.
 *
 * @example
 * ```ts
 * const registry = createMemoryRegistry()
 * try {
 *   await registry.joinOrCreate({ kind: 'arena', seats: 8 })
 * } catch (error) {
 *   if (error instanceof ClusterError && error.code === 'ERR_NO_PROCESS') console.warn('no server is up')
 * }
 * ```
 */
export class ClusterError extends Error {
  /** The machine-readable reason, one of {@link ClusterErrorCode}. */
  readonly code: ClusterErrorCode
  override readonly name = 'ClusterError'

  /**
   * @param code - the reason
   * @param message - a human-readable explanation
   * @param options - `cause`: the underlying error, if any
   */
  constructor(code: ClusterErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.code = code
  }
}
