/**
 * The codes a {@link BehaviorError} carries; the package README says what to do about each.
 *
 * Upload checks: `ERR_CODE_TOO_LARGE`, `ERR_SYNTAX`, `ERR_FORBIDDEN_FEATURE`, `ERR_NO_TICK_FUNCTION`,
 * `ERR_TOO_COMPLEX`. Running: `ERR_LOAD_FAILED` (the script threw or ran out of budget while it was
 * evaluated), `ERR_WORKER_FAILED`, `ERR_POOL_CLOSED`. Setup: `ERR_INVALID_OPTIONS`.
 */
export type BehaviorErrorCode =
  | 'ERR_CODE_TOO_LARGE'
  | 'ERR_SYNTAX'
  | 'ERR_FORBIDDEN_FEATURE'
  | 'ERR_NO_TICK_FUNCTION'
  | 'ERR_TOO_COMPLEX'
  | 'ERR_LOAD_FAILED'
  | 'ERR_WORKER_FAILED'
  | 'ERR_POOL_CLOSED'
  | 'ERR_INVALID_OPTIONS'

/**
 * The one error class of `@orrery/behaviors`; `code` says what went wrong. Messages name the line and
 * column of the offending code where there is one, and never contain more than a short excerpt of it.
 *
 * @example
 * ```ts
 * try {
 *   checkBehaviorCode('while (true) {', {})
 * } catch (error) {
 *   if (error instanceof BehaviorError && error.code === 'ERR_SYNTAX') console.warn(error.message)
 * }
 * ```
 */
export class BehaviorError extends Error {
  /** What went wrong, see {@link BehaviorErrorCode}. */
  readonly code: BehaviorErrorCode
  override readonly name = 'BehaviorError'

  /**
   * @param code - what went wrong
   * @param message - a human message
   * @param options - `cause`: the underlying error
   */
  constructor(code: BehaviorErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.code = code
  }
}
