import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { AuthError } from './auth-error.js'
import { challengeMessage, parseChallengeCredential, signChallenge, verifyChallengeCredential } from './challenge.js'
import { generateIdentity } from './identity.js'
import { matchesServerName, serverNameOf } from './server-name.js'

const me = generateIdentity()

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn()
  } catch (error) {
    return error instanceof AuthError ? error.code : 'not an AuthError'
  }
  return undefined
}

describe('signed challenges', () => {
  it('name the protocol, the purpose, the server and the nonce', () => {
    const text = new TextDecoder().decode(challengeMessage('Play.Example:443', new Uint8Array(32)))
    expect(text).toBe(`orrery/1 sign-in\nserver: play.example:443\nnonce: ${'A'.repeat(43)}`)
  })

  it('verify for the nonce and server they were made for (property), and fail on any changed byte', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.nat({ max: 200 }), (nonce, at) => {
        const credential = signChallenge(me, { serverName: 'localhost:3000', nonce })
        expect(verifyChallengeCredential(credential, { nonce, serverNames: ['localhost'] }).identity).toBe(me.identity)
        const changed = Uint8Array.from(credential)
        const i = at % changed.length
        changed[i] = (changed[i] as number) ^ 0x01
        expect(codeOf(() => verifyChallengeCredential(changed, { nonce, serverNames: ['localhost'] }))).toBeDefined()
      }),
      { numRuns: 40 },
    )
  })

  it('refuse another server, another nonce and bad layouts with their codes', () => {
    const nonce = new Uint8Array(32).fill(3)
    const credential = signChallenge(me, { serverName: 'evil.example', nonce })
    expect(codeOf(() => verifyChallengeCredential(credential, { nonce, serverNames: ['play.example'] }))).toBe('ERR_WRONG_SERVER')
    const good = signChallenge(me, { serverName: 'play.example', nonce })
    expect(codeOf(() => verifyChallengeCredential(good, { nonce: new Uint8Array(32), serverNames: ['play.example'] }))).toBe('ERR_SIGNATURE_INVALID')
    expect(codeOf(() => parseChallengeCredential('text'))).toBe('ERR_CREDENTIAL_MALFORMED')
    const v2 = Uint8Array.from(good)
    v2[0] = 2
    expect(codeOf(() => parseChallengeCredential(v2))).toBe('ERR_CREDENTIAL_MALFORMED')
    const badUtf8 = new Uint8Array([...good.subarray(0, 97), 0xff])
    expect(codeOf(() => parseChallengeCredential(badUtf8))).toBe('ERR_CREDENTIAL_MALFORMED')
  })
})

describe('server names', () => {
  it('are the URL authority, lowercase', () => {
    expect(serverNameOf('wss://Play.Example/x')).toBe('play.example')
    expect(serverNameOf('ws://127.0.0.1:3000/')).toBe('127.0.0.1:3000')
    expect(serverNameOf('ws://[::1]:9/')).toBe('[::1]:9')
    expect(codeOf(() => serverNameOf('nonsense'))).toBe('ERR_INVALID_OPTIONS')
  })

  it('match a host on any port, or a host:port exactly', () => {
    expect(matchesServerName('localhost:3000', ['localhost'])).toBe(true)
    expect(matchesServerName('[::1]:3000', ['[::1]'])).toBe(true)
    expect(matchesServerName('play.example:444', ['play.example:443'])).toBe(false)
    expect(matchesServerName('play.example.evil', ['play.example'])).toBe(false)
    expect(matchesServerName('PLAY.example', ['play.EXAMPLE'])).toBe(true)
  })
})
