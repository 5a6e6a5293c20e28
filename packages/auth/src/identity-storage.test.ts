import { describe, expect, it } from 'vitest'
import { AuthError } from './auth-error.js'
import { generateIdentity, identityOfIssuerSubject, identityOfPublicKey, isIdentity } from './identity.js'
import { parseIdentity, serializeIdentity } from './identity-file.js'
import { createMemoryIdentityStorage, createWebIdentityStorage, loadOrCreateIdentity } from './identity-storage.js'

describe('identities and their storage', () => {
  it('derives a 64-hex identity, distinct for keys and issuer subjects', () => {
    const me = generateIdentity()
    expect(isIdentity(me.identity)).toBe(true)
    expect(identityOfPublicKey(me.publicKey)).toBe(me.identity)
    expect(identityOfIssuerSubject('https://a', 'b')).not.toBe(identityOfIssuerSubject('https://a\0b', ''))
  })

  it('never shows the secret key when logged or serialized as an object', () => {
    const me = generateIdentity()
    const secretHex = Buffer.from(me.exportSecretKey()).toString('base64url')
    expect(JSON.stringify(me)).not.toContain(secretHex)
  })

  it('round-trips through its text form', () => {
    const me = generateIdentity()
    const back = parseIdentity(serializeIdentity(me))
    expect(back.identity).toBe(me.identity)
  })

  it('creates an identity on first use and loads the same one afterwards', async () => {
    const storage = createMemoryIdentityStorage()
    const first = await loadOrCreateIdentity(storage)
    const second = await loadOrCreateIdentity(storage)
    expect(second.identity).toBe(first.identity)
  })

  it('refuses corrupt records instead of creating a new identity', async () => {
    const good = JSON.parse(serializeIdentity(generateIdentity())) as Record<string, unknown>
    const other = JSON.parse(serializeIdentity(generateIdentity())) as Record<string, unknown>
    const bad = ['', 'not json', '{}', JSON.stringify({ ...good, secretKey: other.secretKey }), JSON.stringify({ ...good, version: 2 })]
    for (const text of bad) {
      const storage = createMemoryIdentityStorage(text)
      const error = await loadOrCreateIdentity(storage).catch((e: unknown) => e)
      expect(error, text).toBeInstanceOf(AuthError)
      expect((error as AuthError).code).toBe('ERR_IDENTITY_CORRUPT')
      expect(storage.load()).toBe(text)
    }
  })

  it('keys web storage by server origin', async () => {
    const map = new Map<string, string>()
    const storage = { getItem: (k: string) => map.get(k) ?? null, setItem: (k: string, v: string) => void map.set(k, v) }
    const a = await loadOrCreateIdentity(createWebIdentityStorage({ origin: 'https://a.example', storage }))
    const b = await loadOrCreateIdentity(createWebIdentityStorage({ origin: 'https://b.example', storage }))
    expect(a.identity).not.toBe(b.identity)
    expect([...map.keys()].sort()).toEqual(['orrery.identity:https://a.example', 'orrery.identity:https://b.example'])
  })
})
