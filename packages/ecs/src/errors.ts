/**
 * The codes an {@link EcsError} carries; each is listed with what to do in the package README.
 */
export type EcsErrorCode =
  | 'ERR_DEAD_ENTITY'
  | 'ERR_ID_IN_USE'
  | 'ERR_DUPLICATE_COMPONENT'
  | 'ERR_MISSING_COMPONENT'
  | 'ERR_UNKNOWN_FIELD'
  | 'ERR_INVALID_VALUE'
  | 'ERR_UNIQUE_VIOLATION'
  | 'ERR_NO_TRANSACTION'
  | 'ERR_SCHEMA'
  | 'ERR_NO_INDEX'

/**
 * The one error class of `@orrery/ecs`: every failure of the store throws it with a stable `code`.
 *
 * @param code - one of {@link EcsErrorCode}
 * @param message - a human-readable explanation
 * @param options - `cause`, the underlying error if any
 * @example
 * ```ts
 * declare const world: World
 * declare const e: Entity
 * try { world.destroy(e) } catch (err) {
 *   if (err instanceof EcsError && err.code === 'ERR_DEAD_ENTITY') console.log('already gone')
 * }
 * ```
 */
export class EcsError extends Error {
  /** The stable machine-readable code. */
  readonly code: EcsErrorCode
  override readonly name = 'EcsError'

  constructor(code: EcsErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.code = code
  }
}
