import {
  AuthError,
  generateIdentity,
  KeyRing,
  type KeyIdentity,
  signChallenge,
} from '@orrery/auth'
import { CloseCode, PROTOCOL_VERSION } from '@orrery/protocol'
import { base64url, SignJWT } from 'jose'
import { afterEach, describe, expect, it } from 'vitest'
import { createKeyAuthenticator, type KeyAuthenticator, type OrreryServer, ServerError } from '../src/index.js'
import { RawClient, startServer } from './helpers.js'

const ISSUER = 'https://play.example'
const AUDIENCE = 'blackholio'
const T0 = 1_800_000_000_000
const HOUR = 3_600_000

interface Ctx {
  readonly auth: KeyAuthenticator
  readonly me: KeyIdentity
  readonly other: KeyIdentity
  advance(ms: number): void
  nowS(): number
  /** Signs a JWT with the server's current key, any claims and header. */
  forge(claims: Record<string, unknown>, header?: Record<string, unknown>): Promise<string>
}

type Answer = { method: 'token' | 'signature'; credential: string | Uint8Array; helloToken?: string | null }

interface Case {
  readonly name: string
  /** The Authenticate answer; `nonce` is the nonce the server sent on this connection. */
  readonly answer: (ctx: Ctx, nonce: Uint8Array) => Promise<Answer> | Answer
  /** The @orrery/auth code (README) the refusal carries. */
  readonly code: string
  /** The close code (docs/protocol.md) the connection gets. */
  readonly close: number
  /** Build the answer before connecting (it moves the clock, which would expire this connection's nonce). */
  readonly early?: true
}

const NAME = '127.0.0.1'
const claims = (ctx: Ctx, extra: Record<string, unknown> = {}) => ({
  iss: ISSUER,
  aud: AUDIENCE,
  sub: ctx.me.identity,
  iat: ctx.nowS(),
  exp: ctx.nowS() + 3600,
  jti: 'j1',
  ...extra,
})
const token = (credential: string): Answer => ({ method: 'token', credential })
const sig = (credential: Uint8Array, helloToken: string | null = null): Answer => ({ method: 'signature', credential, helloToken })
const L = 2n ** 252n + 27742317777372353535851937790883648493n

const CASES: Case[] = [
  {
    name: "alg 'none'",
    answer: (ctx) => {
      const enc = (o: object) => base64url.encode(JSON.stringify(o))
      return token(`${enc({ alg: 'none', typ: 'JWT' })}.${enc(claims(ctx))}.`)
    },
    code: 'ERR_TOKEN_ALGORITHM',
    close: CloseCode.TokenRefused,
  },
  {
    name: 'HS256 keyed with the public key',
    answer: async (ctx) => {
      const jwk = (await ctx.auth.jwks()) as { keys: { x: string; kid: string }[] }
      const key = jwk.keys[0] as { x: string; kid: string }
      return token(await new SignJWT(claims(ctx)).setProtectedHeader({ alg: 'HS256', kid: key.kid }).sign(base64url.decode(key.x)))
    },
    code: 'ERR_TOKEN_ALGORITHM',
    close: CloseCode.TokenRefused,
  },
  {
    name: 'tampered payload',
    answer: async (ctx) => {
      const [h, , s] = (await ctx.auth.issueToken(ctx.me.identity)).token.split('.')
      return token(`${h}.${base64url.encode(JSON.stringify(claims(ctx, { sub: ctx.other.identity })))}.${s}`)
    },
    code: 'ERR_TOKEN_SIGNATURE',
    close: CloseCode.TokenRefused,
  },
  {
    name: 'unknown kid',
    answer: async (ctx) => {
      const stranger = await (await KeyRing.open()).signingKey()
      return token(await new SignJWT(claims(ctx)).setProtectedHeader({ alg: 'Ed25519', kid: 'not-a-key-of-this-server' }).sign(stranger.privateKey))
    },
    code: 'ERR_TOKEN_UNKNOWN_KEY',
    close: CloseCode.TokenRefused,
  },
  {
    name: "another server's key under this server's kid",
    answer: async (ctx) => {
      const stranger = await (await KeyRing.open()).signingKey()
      const kid = (await ctx.auth.keyRing()).kids[0] as string
      return token(await new SignJWT(claims(ctx)).setProtectedHeader({ alg: 'Ed25519', kid }).sign(stranger.privateKey))
    },
    code: 'ERR_TOKEN_SIGNATURE',
    close: CloseCode.TokenRefused,
  },
  {
    name: 'expired token',
    early: true,
    answer: async (ctx) => {
      const issued = await ctx.auth.issueToken(ctx.me.identity)
      ctx.advance(HOUR + 31_000)
      return token(issued.token)
    },
    code: 'ERR_TOKEN_EXPIRED',
    close: CloseCode.TokenRefused,
  },
  {
    name: 'future nbf',
    answer: async (ctx) => token(await ctx.forge(claims(ctx, { nbf: ctx.nowS() + 600 }))),
    code: 'ERR_TOKEN_NOT_YET_VALID',
    close: CloseCode.TokenRefused,
  },
  {
    name: 'wrong aud',
    answer: async (ctx) => token(await ctx.forge(claims(ctx, { aud: 'another-game' }))),
    code: 'ERR_TOKEN_AUDIENCE',
    close: CloseCode.TokenRefused,
  },
  {
    name: 'wrong iss',
    answer: async (ctx) => token(await ctx.forge(claims(ctx, { iss: 'https://evil.example' }))),
    code: 'ERR_TOKEN_ISSUER',
    close: CloseCode.TokenRefused,
  },
  {
    name: 'a token of a rotated-out key after its expiry',
    early: true,
    answer: async (ctx) => {
      const issued = await ctx.auth.issueToken(ctx.me.identity)
      await (await ctx.auth.keyRing()).rotate()
      ctx.advance(HOUR + 31_000)
      return token(issued.token)
    },
    code: 'ERR_TOKEN_UNKNOWN_KEY',
    close: CloseCode.TokenRefused,
  },
  {
    name: 'missing exp',
    answer: async (ctx) => {
      const { exp: _exp, ...rest } = claims(ctx)
      return token(await ctx.forge(rest))
    },
    code: 'ERR_TOKEN_CLAIM_MISSING',
    close: CloseCode.TokenRefused,
  },
  {
    name: 'a subject that is not an identity',
    answer: async (ctx) => token(await ctx.forge(claims(ctx, { sub: 'admin' }))),
    code: 'ERR_TOKEN_CLAIM_INVALID',
    close: CloseCode.TokenRefused,
  },
  {
    name: 'truncated token',
    answer: async (ctx) => {
      const t = (await ctx.auth.issueToken(ctx.me.identity)).token
      return token(t.slice(0, Math.floor(t.length / 2)))
    },
    code: 'ERR_TOKEN_MALFORMED',
    close: CloseCode.TokenRefused,
  },
  {
    // Over the token limit (4096) and under the server's frame limit before Welcome (8192), which refuses larger ones unread.
    name: '6 KiB token',
    answer: () => token(`eyJhbGciOiJFZDI1NTE5In0.${'A'.repeat(6 * 1024)}.sig`),
    code: 'ERR_TOKEN_TOO_LARGE',
    close: CloseCode.TokenRefused,
  },
  {
    name: 'a signature over another nonce',
    answer: (ctx) => sig(signChallenge(ctx.me, { serverName: NAME, nonce: new Uint8Array(32).fill(7) })),
    code: 'ERR_SIGNATURE_INVALID',
    close: CloseCode.AuthFailed,
  },
  {
    name: "a signature over another server's name",
    answer: (ctx, nonce) => sig(signChallenge(ctx.me, { serverName: 'evil.example', nonce })),
    code: 'ERR_WRONG_SERVER',
    close: CloseCode.AuthFailed,
  },
  {
    name: 'a small-order public key',
    answer: (ctx, nonce) => {
      const credential = signChallenge(ctx.me, { serverName: NAME, nonce })
      credential.set(new Uint8Array(32), 1) // the all-zero encoding: a point of order 4
      return sig(credential)
    },
    code: 'ERR_KEY_SMALL_ORDER',
    close: CloseCode.AuthFailed,
  },
  {
    name: 'a non-canonical public key encoding (y = p + 1)',
    answer: (ctx, nonce) => {
      const credential = signChallenge(ctx.me, { serverName: NAME, nonce })
      const key = new Uint8Array(32).fill(0xff)
      key[0] = 0xee
      key[31] = 0x7f
      credential.set(key, 1)
      return sig(credential)
    },
    code: 'ERR_KEY_INVALID',
    close: CloseCode.AuthFailed,
  },
  {
    name: 'a non-canonical signature (S + L)',
    answer: (ctx, nonce) => {
      const credential = signChallenge(ctx.me, { serverName: NAME, nonce })
      let s = 0n
      for (let i = 96; i >= 65; i--) s = (s << 8n) | BigInt(credential[i] as number)
      s += L
      for (let i = 65; i < 97; i++) {
        credential[i] = Number(s & 0xffn)
        s >>= 8n
      }
      return sig(credential)
    },
    code: 'ERR_SIGNATURE_INVALID',
    close: CloseCode.AuthFailed,
  },
  {
    name: "a token for one identity with another's signature",
    answer: async (ctx, nonce) => {
      const theirs = await ctx.auth.issueToken(ctx.other.identity)
      return sig(signChallenge(ctx.me, { serverName: NAME, nonce }), theirs.token)
    },
    code: 'ERR_IDENTITY_MISMATCH',
    close: CloseCode.AuthFailed,
  },
  {
    name: 'a credential of the wrong layout',
    answer: () => sig(new Uint8Array(40)),
    code: 'ERR_CREDENTIAL_MALFORMED',
    close: CloseCode.AuthFailed,
  },
]

function context(): Ctx & { now: () => number } {
  let t = T0
  const now = () => t
  const auth = createKeyAuthenticator({ issuer: ISSUER, audience: AUDIENCE, now, tokenTtlMs: HOUR })
  const ctx = {
    auth,
    now,
    me: generateIdentity(),
    other: generateIdentity(),
    advance: (ms: number) => {
      t += ms
    },
    nowS: () => Math.floor(t / 1000),
    forge: async (payload: Record<string, unknown>, header: Record<string, unknown> = {}) => {
      const { kid, privateKey } = await (await auth.keyRing()).signingKey()
      return new SignJWT(payload).setProtectedHeader({ alg: 'Ed25519', typ: 'JWT', kid, ...header }).sign(privateKey)
    },
  }
  return ctx
}

async function refusal(promise: Promise<unknown>): Promise<{ code: string; cause: string | undefined }> {
  const error = await promise.then(
    () => {
      throw new Error('accepted')
    },
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(ServerError)
  const cause = (error as ServerError).cause
  return { code: (error as ServerError).code, cause: cause instanceof AuthError ? cause.code : undefined }
}

const servers: OrreryServer[] = []
const raws: RawClient[] = []
afterEach(async () => {
  await Promise.all(raws.splice(0).map((r) => r.close()))
  await Promise.all(servers.splice(0).map((s) => s.close()))
})

describe('the key authenticator refuses, each with its documented code', () => {
  it(`has at least 20 cases (${CASES.length + 4} with the nonce and flood cases below)`, () => {
    expect(CASES.length + 4).toBeGreaterThanOrEqual(20)
  })

  for (const c of CASES) {
    it(`${c.name} → ${c.code}, close ${c.close} (over a real WebSocket)`, async () => {
      const ctx = context()
      const { server, url } = await startServer({ authenticator: ctx.auth })
      servers.push(server)
      const prepared = c.early === true ? await c.answer(ctx, new Uint8Array(32)) : null
      const raw = await RawClient.open(url)
      raws.push(raw)
      raw.send({ type: 'Hello', protocolVersion: PROTOCOL_VERSION, token: null, resume: null })
      const { nonce } = await raw.next('Challenge')
      const answer = prepared ?? (await c.answer(ctx, nonce))
      if (answer.helloToken !== undefined && answer.helloToken !== null) {
        // the Hello token is part of the answer: start over on a connection that presents it
        raw.ws.terminate()
        const again = await RawClient.open(url)
        raws.push(again)
        again.send({ type: 'Hello', protocolVersion: PROTOCOL_VERSION, token: answer.helloToken, resume: null })
        const second = await again.next('Challenge')
        const redo = await c.answer(ctx, second.nonce)
        again.send({ type: 'Authenticate', method: redo.method, credential: redo.credential })
        const error = await again.next('Error')
        expect(error.message.startsWith(`${c.code}:`)).toBe(true)
        expect((await again.closed).code).toBe(c.close)
        return
      }
      raw.send({ type: 'Authenticate', method: answer.method, credential: answer.credential })
      const error = await raw.next('Error')
      expect(error.code).toBe('ERR_AUTH_FAILED')
      expect(error.message.startsWith(`${c.code}:`), error.message).toBe(true)
      expect((await raw.closed).code).toBe(c.close)
    })
  }

  it('a replayed nonce → ERR_NONCE_REPLAYED (AuthFailed)', async () => {
    const ctx = context()
    const nonce = ctx.auth.createNonce()
    const credential = signChallenge(ctx.me, { serverName: NAME, nonce })
    const request = { method: 'signature' as const, credential, nonce, helloToken: null, remoteAddress: undefined }
    await expect(ctx.auth.authenticate(request)).resolves.toMatchObject({ identity: ctx.me.identity })
    expect(await refusal(Promise.resolve(ctx.auth.authenticate(request)))).toEqual({ code: 'ERR_AUTH_FAILED', cause: 'ERR_NONCE_REPLAYED' })
  })

  it('an expired nonce → ERR_NONCE_EXPIRED (AuthFailed)', async () => {
    const ctx = context()
    const nonce = ctx.auth.createNonce()
    ctx.advance(30_001)
    const credential = signChallenge(ctx.me, { serverName: NAME, nonce })
    const request = { method: 'signature' as const, credential, nonce, helloToken: null, remoteAddress: undefined }
    expect(await refusal(Promise.resolve(ctx.auth.authenticate(request)))).toEqual({ code: 'ERR_AUTH_FAILED', cause: 'ERR_NONCE_EXPIRED' })
  })

  it('a nonce this server never issued → ERR_NONCE_UNKNOWN (AuthFailed)', async () => {
    const ctx = context()
    const nonce = new Uint8Array(32).fill(1)
    const request = { method: 'signature' as const, credential: signChallenge(ctx.me, { serverName: NAME, nonce }), nonce, helloToken: null, remoteAddress: undefined }
    expect(await refusal(Promise.resolve(ctx.auth.authenticate(request)))).toEqual({ code: 'ERR_AUTH_FAILED', cause: 'ERR_NONCE_UNKNOWN' })
  })

  it('a handshake flood from one IP → Error ERR_RATE_LIMITED, close RateLimited (4004)', async () => {
    const ctx = context()
    const { server, url } = await startServer({ authenticator: ctx.auth, limits: { handshakesPerIp: 3, handshakeIpWindowMs: 60_000 } })
    servers.push(server)
    const outcomes: number[] = []
    // Five sockets upgrade while the address still has handshakes; their Hellos spend them.
    const opened = await Promise.all(Array.from({ length: 5 }, () => RawClient.open(url)))
    raws.push(...opened)
    for (const raw of opened) {
      raw.send({ type: 'Hello', protocolVersion: PROTOCOL_VERSION, token: null, resume: null })
      const first = await Promise.race([raw.next('Challenge').then(() => 0), raw.closed.then((c) => c.code)])
      outcomes.push(first)
    }
    expect(outcomes).toEqual([0, 0, 0, CloseCode.RateLimited, CloseCode.RateLimited])
    const limited = opened[3] as RawClient
    expect(limited.messages[0]).toMatchObject({ type: 'Error', code: 'ERR_RATE_LIMITED' })
    // Once they are spent, the address's next upgrade is refused before a WebSocket exists.
    await expect(RawClient.open(url)).rejects.toThrow(/429/)
  })

  it('sign-ins flooding one identity → close RateLimited (4004)', async () => {
    const ctx = context()
    const { server, url } = await startServer({
      authenticator: ctx.auth,
      duplicateIdentity: 'allow',
      limits: { handshakesPerIdentity: 2, handshakeIdentityWindowMs: 60_000 },
    })
    servers.push(server)
    const codes: (number | 'welcome')[] = []
    for (let i = 0; i < 3; i++) {
      const raw = await RawClient.open(url)
      raws.push(raw)
      raw.send({ type: 'Hello', protocolVersion: PROTOCOL_VERSION, token: null, resume: null })
      const { nonce } = await raw.next('Challenge')
      raw.send({ type: 'Authenticate', method: 'signature', credential: signChallenge(ctx.me, { serverName: NAME, nonce }) })
      codes.push(await Promise.race([raw.next('Welcome').then(() => 'welcome' as const), raw.closed.then((c) => c.code)]))
    }
    expect(codes).toEqual(['welcome', 'welcome', CloseCode.RateLimited])
  })
})
