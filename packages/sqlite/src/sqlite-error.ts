/**
 * The codes a {@link SqliteError} carries.
 *
 * - `ERR_OPEN_FAILED`: the data folder or its database could not be created or opened (permissions, not a database).
 * - `ERR_SCHEMA_MISMATCH`: the stored world does not fit the module's components; the message names the component and field. Give a `migrate` hook, or use a new data folder.
 * - `ERR_CORRUPT`: a checksum does not match in a place that cannot be cut away (`verify`), or no snapshot is readable while the log needs one.
 * - `ERR_WRITE_FAILED`: a group commit or snapshot could not be written (disk full, permissions); the transactions of that group are answered as not durable.
 * - `ERR_NOT_FOUND`: a seq or component asked of a reader is not held (pruned, or past the end).
 * - `ERR_CLOSED`: the log was used after `close()`.
 */
export type SqliteErrorCode = 'ERR_OPEN_FAILED' | 'ERR_SCHEMA_MISMATCH' | 'ERR_CORRUPT' | 'ERR_WRITE_FAILED' | 'ERR_NOT_FOUND' | 'ERR_CLOSED'

/**
 * The one error class of `@orrery/sqlite`; `code` says what went wrong.
 *
 * @example
 * ```ts
 * import { createServer, defineModule, ServerError } from '@orrery/server'
 * const module = defineModule({ name: 'arena', components: [], reducers: {} })
 * try {
 *   createServer({ module, commitLog: createSqliteCommitLog({ dir: './.orrery' }) })
 * } catch (error) {
 *   if (error instanceof ServerError && error.cause instanceof SqliteError) console.error(error.cause.code)
 * }
 * ```
 */
export class SqliteError extends Error {
  /** The machine-readable reason, one of {@link SqliteErrorCode}. */
  readonly code: SqliteErrorCode
  override readonly name = 'SqliteError'

  /**
   * @param code - the reason
   * @param message - a human-readable explanation
   * @param options - `cause`: the underlying error, if any
   */
  constructor(code: SqliteErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.code = code
  }
}
