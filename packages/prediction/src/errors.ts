/**
 * The codes a {@link PredictionError} carries; each is listed with what to do in the package README.
 *
 * - `ERR_INVALID_OPTION`: an option or argument is out of range (a negative duration, a tick rate of 0).
 * - `ERR_SEQUENCE_ORDER`: an input's sequence number is not after the previous input's.
 * - `ERR_OUT_OF_ORDER`: an authoritative state is older than one already reconciled (its tick or its
 *   acknowledgement went backwards).
 * - `ERR_TOO_MANY_ENTITIES`: more predicted entities than `maxEntities`.
 */
export type PredictionErrorCode =
  | 'ERR_INVALID_OPTION'
  | 'ERR_SEQUENCE_ORDER'
  | 'ERR_OUT_OF_ORDER'
  | 'ERR_TOO_MANY_ENTITIES'

/**
 * The one error class of `@orrery/prediction`: every failure throws it with a stable `code`.
 *
 * @param code - one of {@link PredictionErrorCode}
 * @param message - a human-readable explanation
 * @param options - `cause`, the underlying error if any
 * @example
 * ```ts
 * import { InputBuffer, PredictionError } from '@orrery/prediction'
 * const inputs = new InputBuffer<string>()
 * inputs.push(2, 'left', 0, 0)
 * try {
 *   inputs.push(1, 'right', 0, 0)
 * } catch (err) {
 *   if (err instanceof PredictionError && err.code === 'ERR_SEQUENCE_ORDER') console.log('resend with a new number')
 * }
 * ```
 */
export class PredictionError extends Error {
  /** The stable machine-readable code. */
  readonly code: PredictionErrorCode
  override readonly name = 'PredictionError'

  constructor(code: PredictionErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.code = code
  }
}

/** Throws `ERR_INVALID_OPTION` unless `value` is a finite number within [min, max]. */
export function checkRange(name: string, value: number, min: number, max = Number.POSITIVE_INFINITY): number {
  if (typeof value !== 'number' || !(value >= min && value <= max) || Number.isNaN(value)) {
    throw new PredictionError('ERR_INVALID_OPTION', `${name} must be a number in [${min}, ${max}], got ${String(value)}`)
  }
  return value
}
