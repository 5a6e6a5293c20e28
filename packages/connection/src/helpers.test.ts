import { describe, expect, it } from 'vitest'
import { ConnectionError } from './connection-error.js'
import { defaultAuth } from './default-auth.js'
import { frameBytes } from './frame-bytes.js'
import { resolveWebSocket } from './websocket-like.js'
import { FakeWebSocket } from './test-utils/fake-websocket.js'

describe('defaultAuth', () => {
  const nonce = new Uint8Array(32)
  it('answers with the token when one is known and accepted, else anonymously', () => {
    expect(defaultAuth({ nonce, methods: ['anonymous', 'token'], token: 't' })).toEqual({ method: 'token', credential: 't' })
    expect(defaultAuth({ nonce, methods: ['anonymous', 'token'], token: null })).toEqual({ method: 'anonymous', credential: null })
    expect(defaultAuth({ nonce, methods: ['anonymous'], token: 't' })).toEqual({ method: 'anonymous', credential: null })
  })
})

describe('frameBytes', () => {
  it('reads ArrayBuffers and views, and refuses text', () => {
    expect(frameBytes(new Uint8Array([1, 2]).buffer)).toEqual(new Uint8Array([1, 2]))
    const view = new Uint8Array([0, 1, 2, 3]).subarray(1, 3)
    expect(frameBytes(view)).toEqual(new Uint8Array([1, 2]))
    expect(frameBytes(Buffer.from([5]))).toEqual(new Uint8Array([5]))
    expect(frameBytes('text')).toBeNull()
    expect(frameBytes(null)).toBeNull()
  })
})

describe('resolveWebSocket', () => {
  it('prefers the given class, then falls back to ws in Node', async () => {
    expect(await resolveWebSocket(FakeWebSocket)).toBe(FakeWebSocket)
    const { WebSocket } = await import('ws')
    const hasGlobal = (globalThis as { WebSocket?: unknown }).WebSocket !== undefined
    expect(await resolveWebSocket(undefined)).toBe(hasGlobal ? (globalThis as { WebSocket?: unknown }).WebSocket : WebSocket)
  })
})

describe('ConnectionError', () => {
  it('carries code, remoteCode, closeCode and cause', () => {
    const cause = new Error('inner')
    const error = new ConnectionError('ERR_REMOTE', 'nope', { cause, remoteCode: 'ERR_UNKNOWN_REDUCER', closeCode: 4000 })
    expect(error).toBeInstanceOf(Error)
    expect(error.name).toBe('ConnectionError')
    expect([error.code, error.remoteCode, error.closeCode, error.cause]).toEqual(['ERR_REMOTE', 'ERR_UNKNOWN_REDUCER', 4000, cause])
    expect(new ConnectionError('ERR_TIMEOUT', 't').remoteCode).toBeUndefined()
  })
})
