/** Codes of {@link LoadTestError}. */
export type LoadTestErrorCode = 'ERR_INVALID_OPTIONS' | 'ERR_WORKER_FAILED'

/**
 * What `runLoadTest` throws: `ERR_INVALID_OPTIONS` (fix the named option), `ERR_WORKER_FAILED` (a worker
 * process died; its stderr says why, e.g. a script that does not load).
 */
export class LoadTestError extends Error {
  readonly code: LoadTestErrorCode

  constructor(code: LoadTestErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = 'LoadTestError'
    this.code = code
  }
}
