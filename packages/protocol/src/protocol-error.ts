/**
 * Why a frame or value was refused by the codec.
 *
 * - `ERR_MALFORMED_FRAME`: not one well-formed msgpack array (truncated, trailing bytes,
 *   extension types, non-string map keys, 64-bit integers outside the safe range, nesting too deep).
 * - `ERR_FRAME_TOO_LARGE`: the frame is longer than `DecodeLimits.maxFrameBytes`.
 * - `ERR_LIMIT_EXCEEDED`: an array, map or string inside the frame is longer than the limits allow.
 * - `ERR_UNKNOWN_MESSAGE`: the type tag is not a message of that direction.
 * - `ERR_INVALID_FIELD`: a field is missing, of the wrong type, or out of range.
 * - `ERR_INVALID_ARGUMENTS`: reducer arguments do not match their `ArgsSchema`.
 * - `ERR_INVALID_SCHEMA`: a `SchemaDescription` or `ArgsSchema` is not well formed.
 * - `ERR_UNSUPPORTED_VERSION`: a protocol version string cannot be parsed or has another major.
 */
export type ProtocolErrorCode =
  | 'ERR_MALFORMED_FRAME'
  | 'ERR_FRAME_TOO_LARGE'
  | 'ERR_LIMIT_EXCEEDED'
  | 'ERR_UNKNOWN_MESSAGE'
  | 'ERR_INVALID_FIELD'
  | 'ERR_INVALID_ARGUMENTS'
  | 'ERR_INVALID_SCHEMA'
  | 'ERR_UNSUPPORTED_VERSION'

/**
 * The one error class of `@orrery/protocol`: every decode or validation failure throws it.
 *
 * @example
 * ```ts
 * try {
 *   decodeClientMessage(new Uint8Array([0xc1]))
 * } catch (error) {
 *   if (error instanceof ProtocolError) console.log(error.code) // 'ERR_MALFORMED_FRAME'
 * }
 * ```
 */
export class ProtocolError extends Error {
  /** Machine-readable reason, see {@link ProtocolErrorCode}. */
  readonly code: ProtocolErrorCode
  override readonly name = 'ProtocolError'

  /**
   * @param code - why the input was refused
   * @param message - a human-readable explanation naming the offending field
   * @param options - `cause`: the underlying error, if any
   */
  constructor(code: ProtocolErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.code = code
  }
}
