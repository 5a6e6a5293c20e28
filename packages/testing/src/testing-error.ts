/**
 * The codes a {@link TestingError} carries.
 *
 * - `ERR_TIMEOUT`: a wait (connect, a row, an update, a settled promise) did not end within its `timeoutMs`; the
 *   message names what was awaited.
 * - `ERR_DISPOSED`: the test server was disposed (or is being disposed) while a call needed it.
 *
 * @example
 * ```ts
 * const code: TestingErrorCode = 'ERR_TIMEOUT'
 * ```
 */
export type TestingErrorCode = 'ERR_TIMEOUT' | 'ERR_DISPOSED'

/**
 * The one error class of `@orrery/testing`.
 *
 * @param code - the machine-readable reason, one of {@link TestingErrorCode}
 * @param message - what was awaited, and for how long
 * @param options - `cause`: the underlying error, if any
 * @example
 * ```ts
 * import { defineModule } from '@orrery/server'
 *
 * await using t = await createTestServer({ module: defineModule({ name: 'empty', components: [], reducers: {} }) })
 * const client = await t.connect()
 * try {
 *   await t.nextUpdate(client, { timeoutMs: 50 }) // nothing stepped, so nothing comes
 * } catch (error) {
 *   if (error instanceof TestingError && error.code === 'ERR_TIMEOUT') console.log(error.message)
 * }
 * ```
 */
export class TestingError extends Error {
  /** The machine-readable reason. */
  readonly code: TestingErrorCode
  override readonly name = 'TestingError'

  constructor(code: TestingErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.code = code
  }
}
