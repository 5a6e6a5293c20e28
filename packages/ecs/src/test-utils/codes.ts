import { expect } from 'vitest'
import { EcsError, type EcsErrorCode } from '../errors.js'

/** Runs `fn`, expects an EcsError, returns its code. */
export function codeOf(fn: () => unknown): EcsErrorCode {
  try {
    fn()
  } catch (err) {
    expect(err).toBeInstanceOf(EcsError)
    return (err as EcsError).code
  }
  throw new Error('expected an EcsError')
}
