import { describe, expect, it } from 'vitest'
import { createAnonymousAuthenticator } from './authenticator.js'
import { ServerError } from './server-error.js'

const nonce = new Uint8Array(32)
const base = { nonce, helloToken: null, remoteAddress: '127.0.0.1' }

describe('createAnonymousAuthenticator', () => {
  it('gives each anonymous client a new 64-hex identity and a token that restores it', async () => {
    const auth = createAnonymousAuthenticator({ secret: 'a secret of sixteen+ bytes' })
    const a = await auth.authenticate({ ...base, method: 'anonymous', credential: null })
    const b = await auth.authenticate({ ...base, method: 'anonymous', credential: null })
    expect(a.identity).toMatch(/^[0-9a-f]{64}$/)
    expect(a.identity).not.toBe(b.identity)
    const back = await auth.authenticate({ ...base, method: 'token', credential: a.token })
    expect(back.identity).toBe(a.identity)
  })

  it('accepts the Hello token when Authenticate carries none', async () => {
    const auth = createAnonymousAuthenticator()
    const a = await auth.authenticate({ ...base, method: 'anonymous', credential: null })
    const back = await auth.authenticate({ ...base, method: 'token', credential: null, helloToken: a.token })
    expect(back.identity).toBe(a.identity)
  })

  it('refuses forged, malformed and foreign tokens with ERR_AUTH_FAILED', async () => {
    const auth = createAnonymousAuthenticator({ secret: 'x'.repeat(32) })
    const other = createAnonymousAuthenticator({ secret: 'y'.repeat(32) })
    const a = await auth.authenticate({ ...base, method: 'anonymous', credential: null })
    const foreign = await other.authenticate({ ...base, method: 'anonymous', credential: null })
    const forged = `${'f'.repeat(64)}.${a.token.split('.')[1]}`
    for (const token of [forged, 'garbage', '', foreign.token, `${a.token}x`]) {
      await expect(async () => auth.authenticate({ ...base, method: 'token', credential: token })).rejects.toMatchObject({
        name: 'ServerError',
        code: 'ERR_AUTH_FAILED',
      })
    }
    await expect(async () => auth.authenticate({ ...base, method: 'token', credential: null })).rejects.toBeInstanceOf(ServerError)
    await expect(async () => auth.authenticate({ ...base, method: 'signature', credential: new Uint8Array(64) })).rejects.toMatchObject({
      code: 'ERR_AUTH_FAILED',
    })
  })

  it('issues tokens that verify, and rejects a short secret', async () => {
    const auth = createAnonymousAuthenticator()
    const id = 'ab'.repeat(32)
    const token = (await auth.issueToken(id)) as string
    expect((await auth.authenticate({ ...base, method: 'token', credential: token })).identity).toBe(id)
    expect(() => createAnonymousAuthenticator({ secret: 'short' })).toThrow(ServerError)
  })
})
