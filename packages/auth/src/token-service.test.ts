import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { AuthError } from './auth-error.js'
import { generateIdentity } from './identity.js'
import { KeyRing } from './key-ring.js'
import { TokenService, tokenExpiry, tokenIssuer, tokenSubject } from './token-service.js'

const T0 = 1_800_000_000_000

describe('TokenService', () => {
  it('round-trips, and refuses a token with any one character changed (property)', async () => {
    let t = T0
    const tokens = new TokenService({ keyRing: await KeyRing.open({ now: () => t }), issuer: 'iss', audience: 'aud', now: () => t, ttlMs: 60_000 })
    const me = generateIdentity()
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 59_000 }), fc.nat(), fc.constantFrom('A', 'B', '_', '-', '.', 'x'), async (age, at, ch) => {
        t = T0
        const { token, expiresAt } = await tokens.issue(me.identity)
        expect(expiresAt).toBe(T0 + 60_000)
        t = T0 + age
        await expect(tokens.verify(token)).resolves.toMatchObject({ identity: me.identity, expiresAt })
        const i = at % token.length
        if (token[i] === ch) return
        const changed = token.slice(0, i) + ch + token.slice(i + 1)
        const error = await tokens.verify(changed).then(
          () => null,
          (e: unknown) => e,
        )
        // a changed last base64url character can decode to the same bytes; everything else must fail
        if (error === null) expect(i).toBe(token.length - 1)
        else expect(error).toBeInstanceOf(AuthError)
      }),
      { numRuns: 40 },
    )
  })

  it('reads exp, sub and iss without verifying, and nothing from non-JWTs', async () => {
    const tokens = new TokenService({ keyRing: await KeyRing.open({ now: () => T0 }), issuer: 'https://a', audience: 'b', now: () => T0 })
    const me = generateIdentity()
    const { token, expiresAt } = await tokens.issue(me.identity)
    expect(tokenExpiry(token)).toBe(expiresAt)
    expect(tokenSubject(token)).toBe(me.identity)
    expect(tokenIssuer(token)).toBe('https://a')
    expect([tokenExpiry('x'), tokenSubject('a.b.c'), tokenIssuer('')]).toEqual([null, null, null])
  })

  it('refuses to issue for a non-identity and refuses bad options', async () => {
    const ring = await KeyRing.open()
    const tokens = new TokenService({ keyRing: ring, issuer: 'i', audience: 'a' })
    await expect(tokens.issue('admin')).rejects.toMatchObject({ code: 'ERR_INVALID_OPTIONS' })
    expect(() => new TokenService({ keyRing: ring, issuer: '', audience: 'a' })).toThrow(AuthError)
  })
})
