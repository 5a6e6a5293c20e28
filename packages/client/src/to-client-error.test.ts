import { describe, expect, it } from 'vitest'
import { ClientError } from './client-error.js'
import { toClientError } from './to-client-error.js'

class FakeConnectionError extends Error {
  constructor(
    readonly code: string,
    readonly remoteCode?: string,
  ) {
    super(`connection: ${code}`)
  }
}

describe('toClientError', () => {
  it('maps remote errors to the given code with remoteCode', () => {
    const error = toClientError(new FakeConnectionError('ERR_REMOTE', 'ERR_UNKNOWN_COMPONENT'), 'ERR_SUBSCRIBE_FAILED')
    expect(error).toMatchObject({ code: 'ERR_SUBSCRIBE_FAILED', remoteCode: 'ERR_UNKNOWN_COMPONENT' })
    expect(error.cause).toBeInstanceOf(FakeConnectionError)
  })

  it('keeps local connection failures', () => {
    for (const code of ['ERR_TIMEOUT', 'ERR_DISCONNECTED', 'ERR_NOT_CONNECTED'] as const) {
      expect(toClientError(new FakeConnectionError(code), 'ERR_REMOTE').code).toBe(code)
    }
  })

  it('passes ClientErrors through and treats unknown failures as a disconnect', () => {
    const original = new ClientError('ERR_TIMEOUT', 't')
    expect(toClientError(original, 'ERR_REMOTE')).toBe(original)
    expect(toClientError('boom', 'ERR_REMOTE')).toMatchObject({ code: 'ERR_DISCONNECTED', message: 'boom' })
  })
})
