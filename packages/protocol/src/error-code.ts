/**
 * Every wire error code, in the order of the table in `docs/protocol.md`.
 *
 * @example
 * ```ts
 * ERROR_CODES.includes('ERR_RATE_LIMITED') // true
 * ```
 */
export const ERROR_CODES = [
  'ERR_MALFORMED_FRAME',
  'ERR_UNKNOWN_MESSAGE',
  'ERR_INVALID_FIELD',
  'ERR_FRAME_TOO_LARGE',
  'ERR_LIMIT_EXCEEDED',
  'ERR_UNSUPPORTED_VERSION',
  'ERR_UNEXPECTED_MESSAGE',
  'ERR_UNKNOWN_REDUCER',
  'ERR_INVALID_ARGUMENTS',
  'ERR_REDUCER_FAILED',
  'ERR_RATE_LIMITED',
  'ERR_UNKNOWN_COMPONENT',
  'ERR_TOO_MANY_SUBSCRIPTIONS',
  'ERR_UNKNOWN_SUBSCRIPTION',
  'ERR_NO_POSITION',
  'ERR_SUPERSEDED',
  'ERR_AUTH_FAILED',
  'ERR_INTERNAL',
] as const

/**
 * A wire error code, carried by an Error frame or a failed ReducerResult.
 *
 * Receivers must accept codes they do not know (a newer minor version may add some);
 * decoded frames therefore type `code` as `string`.
 */
export type ErrorCode = (typeof ERROR_CODES)[number]

const ERROR_CODE_SET: ReadonlySet<string> = new Set(ERROR_CODES)

/**
 * Tells whether a string is one of the wire error codes of this version.
 *
 * @param code - a code from an Error frame or ReducerResult
 * @returns `true` when `code` is in {@link ERROR_CODES}
 * @example
 * ```ts
 * isErrorCode('ERR_INTERNAL') // true
 * ```
 */
export function isErrorCode(code: string): code is ErrorCode {
  return ERROR_CODE_SET.has(code)
}
