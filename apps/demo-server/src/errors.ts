/**
 * Codes of the errors the Blackholio rules raise; reducers answer them to the caller.
 *
 * - `ERR_NO_PLAYER`: the caller has no live player (it is not connected).
 * - `ERR_INVALID_NAME`: the name is longer than 32 characters or has control characters.
 * - `ERR_INVALID_INPUT`: a direction component is not a finite number.
 * - `ERR_ENTITY_GONE`: a consume named an entity that no longer has a body.
 * - `ERR_FORBIDDEN`: only the behaviour's author, the agent's owner or an operator may do this.
 * - `ERR_UNKNOWN_BEHAVIOR`: no behaviour (or version) of that name.
 * - `ERR_UNKNOWN_AGENT`: no agent of that name.
 * - `ERR_INVALID_BEHAVIOR`: the script or its metadata failed the upload checks (the message starts with the check's code).
 * - `ERR_AGENT_EXISTS`: an agent of that name already plays.
 */
export type BlackholioErrorCode =
  | 'ERR_NO_PLAYER'
  | 'ERR_INVALID_NAME'
  | 'ERR_INVALID_INPUT'
  | 'ERR_ENTITY_GONE'
  | 'ERR_FORBIDDEN'
  | 'ERR_UNKNOWN_BEHAVIOR'
  | 'ERR_UNKNOWN_AGENT'
  | 'ERR_INVALID_BEHAVIOR'
  | 'ERR_AGENT_EXISTS'

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
