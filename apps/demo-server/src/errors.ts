/**
 * Codes of the errors the Blackholio rules raise; reducers answer them to the caller.
 *
 * - `ERR_NO_PLAYER`: the caller has no live player (it is not connected).
 * - `ERR_INVALID_NAME`: the name is longer than 32 characters or has control characters.
 * - `ERR_INVALID_INPUT`: a direction component is not a finite number.
 * - `ERR_ENTITY_GONE`: a consume named an entity that no longer has a body.
 */
export type BlackholioErrorCode = 'ERR_NO_PLAYER' | 'ERR_INVALID_NAME' | 'ERR_INVALID_INPUT' | 'ERR_ENTITY_GONE'

/**
 * The one error class of the Blackholio server rules.
 *
 * @example
 * try { enterGame(world, identity, name, now) } catch (e) { if (e instanceof BlackholioError && e.code === 'ERR_NO_PLAYER') reconnect() }
 */
export class BlackholioError extends Error {
  /** What went wrong, for programs. */
  readonly code: BlackholioErrorCode

  /**
   * @param code - the error code
   * @param message - what went wrong, for people
   * @param options - `cause`: the underlying error, if any
   */
  constructor(code: BlackholioErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = 'BlackholioError'
    this.code = code
  }
}
