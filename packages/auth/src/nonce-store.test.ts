import { describe, expect, it } from 'vitest'
import { AuthError } from './auth-error.js'
import { NonceStore } from './nonce-store.js'

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn()
  } catch (error) {
    return error instanceof AuthError ? error.code : 'not an AuthError'
  }
  return undefined
}

describe('NonceStore', () => {
  it('accepts a nonce once, within its lifetime', () => {
    let t = 0
    const store = new NonceStore({ ttlMs: 1000, now: () => t })
    const a = store.issue()
    const b = store.issue()
    expect(a).not.toEqual(b)
    expect(codeOf(() => store.consume(a))).toBeUndefined()
    expect(codeOf(() => store.consume(a))).toBe('ERR_NONCE_REPLAYED')
    t = 1001
    expect(codeOf(() => store.consume(b))).toBe('ERR_NONCE_EXPIRED')
    expect(codeOf(() => store.consume(new Uint8Array(32)))).toBe('ERR_NONCE_UNKNOWN')
  })

  it('forgets nonces past their lifetime and stays within maxEntries', () => {
    let t = 0
    const store = new NonceStore({ ttlMs: 1000, maxEntries: 3, now: () => t })
    const first = store.issue()
    for (let i = 0; i < 5; i++) store.issue()
    expect(store.size).toBe(3)
    expect(codeOf(() => store.consume(first))).toBe('ERR_NONCE_UNKNOWN')
    t = 5000
    store.issue()
    expect(store.size).toBe(1)
  })
})
