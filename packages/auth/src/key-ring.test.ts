import { describe, expect, it } from 'vitest'
import { AuthError } from './auth-error.js'
import { generateIdentity } from './identity.js'
import { KeyRing } from './key-ring.js'
import { memoryKeyStore } from './test-utils/memory-store.js'
import { TokenService } from './token-service.js'

const HOUR = 3_600_000

describe('KeyRing', () => {
  it('persists keys: a reopened ring verifies tokens signed before the restart', async () => {
    const store = memoryKeyStore()
    const now = () => 1_700_000_000_000
    const first = new TokenService({ keyRing: await KeyRing.open({ store, now }), issuer: 'iss', audience: 'aud', now })
    const me = generateIdentity()
    const { token } = await first.issue(me.identity)
    const second = new TokenService({ keyRing: await KeyRing.open({ store, now }), issuer: 'iss', audience: 'aud', now })
    await expect(second.verify(token)).resolves.toMatchObject({ identity: me.identity })
    expect(store.text).not.toContain(token)
  })

  it('rotates after rotateAfterMs and keeps the retired key only for its retention', async () => {
    let t = 1_700_000_000_000
    const now = () => t
    const ring = await KeyRing.open({ now, rotateAfterMs: 24 * HOUR, retainAfterRetireMs: HOUR + 60_000 })
    const tokens = new TokenService({ keyRing: ring, issuer: 'iss', audience: 'aud', now, ttlMs: HOUR })
    const me = generateIdentity()
    const old = await tokens.issue(me.identity)
    const [firstKid] = ring.kids
    t += 24 * HOUR
    const fresh = await tokens.issue(me.identity)
    expect(ring.kids).toHaveLength(2)
    expect(ring.kids[0]).not.toBe(firstKid)
    expect(ring.jwks().keys.map((k) => k.kid)).toEqual(ring.kids)
    await expect(tokens.verify(fresh.token)).resolves.toMatchObject({ kid: ring.kids[0] })
    t += HOUR + 60_001
    expect(ring.kids).toHaveLength(2) // pruned lazily
    const error = await tokens.verify(old.token).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(AuthError)
    expect((error as AuthError).code).toBe('ERR_TOKEN_UNKNOWN_KEY')
    expect(ring.kids).toEqual([ring.jwks().keys[0]?.kid])
  })

  it('publishes only public halves in the JWKS document', async () => {
    const ring = await KeyRing.open()
    const [key] = ring.jwks().keys
    expect(key).toMatchObject({ kty: 'OKP', crv: 'Ed25519', alg: 'Ed25519', use: 'sig' })
    expect(Object.keys(key ?? {})).not.toContain('d')
  })

  it('refuses a corrupt key store instead of starting over', async () => {
    const store = memoryKeyStore()
    store.text = '{"format":"orrery-signing-keys","version":1,"keys":[{"kid":"a","d":"short","createdAt":1,"retiredAt":null}]}'
    await expect(KeyRing.open({ store })).rejects.toMatchObject({ code: 'ERR_IDENTITY_CORRUPT' })
  })
})
