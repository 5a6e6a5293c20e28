import { createServer as createHttpServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createExternalIssuer, identityOfIssuerSubject } from '@orrery/auth'
import { CloseCode, PROTOCOL_VERSION } from '@orrery/protocol'
import { exportJWK, generateKeyPair, SignJWT } from 'jose'
import { afterEach, describe, expect, it } from 'vitest'
import { createKeyAuthenticator, type OrreryServer } from '../src/index.js'
import { RawClient, startServer } from './helpers.js'

const closers: (() => Promise<unknown>)[] = []
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close()
})

/** A stand-in OpenID provider: an ES256 key, its JWKS over HTTP on 127.0.0.1, and a way to sign ID tokens. */
async function provider() {
  const { privateKey, publicKey } = await generateKeyPair('ES256')
  const jwk = { ...(await exportJWK(publicKey)), kid: 'p1', alg: 'ES256', use: 'sig' }
  let fetches = 0
  const http: Server = createHttpServer((req, res) => {
    if (req.url === '/.well-known/jwks.json') {
      fetches++
      res.writeHead(200, { 'content-type': 'application/json' })
      res.end(JSON.stringify({ keys: [jwk] }))
      return
    }
    res.writeHead(404)
    res.end()
  })
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve))
  const issuer = `http://127.0.0.1:${(http.address() as AddressInfo).port}`
  closers.push(() => new Promise((resolve) => http.close(resolve)))
  const sign = (claims: Record<string, unknown>) =>
    new SignJWT({ iss: issuer, aud: 'blackholio', sub: 'user-42', ...claims })
      .setProtectedHeader({ alg: 'ES256', kid: 'p1' })
      .setIssuedAt()
      .setExpirationTime('10m')
      .sign(privateKey)
  return { issuer, sign, fetches: () => fetches }
}

async function answer(url: string, token: string): Promise<RawClient> {
  const raw = await RawClient.open(url)
  closers.push(() => raw.close())
  raw.send({ type: 'Hello', protocolVersion: PROTOCOL_VERSION, token: null, resume: null })
  await raw.next('Challenge')
  raw.send({ type: 'Authenticate', method: 'token', credential: token })
  return raw
}

async function serve(issuer: string): Promise<string> {
  const authenticator = createKeyAuthenticator({ externalIssuers: [createExternalIssuer({ issuer, audience: 'blackholio' })] })
  const { server, url } = await startServer({ authenticator })
  closers.push(() => (server as OrreryServer).close())
  return url
}

describe('an external OpenID Connect issuer', () => {
  it('its ID token signs a player in as identityOfIssuerSubject(iss, sub), on this server’s own token afterwards', async () => {
    const p = await provider()
    const url = await serve(p.issuer)
    const raw = await answer(url, await p.sign({}))
    const welcome = await raw.next('Welcome')
    expect(welcome.identity).toBe(identityOfIssuerSubject(p.issuer, 'user-42'))
    expect(JSON.parse(Buffer.from(welcome.token.split('.')[1] as string, 'base64url').toString())).toMatchObject({ iss: 'orrery', sub: welcome.identity })
    expect(p.fetches()).toBe(1)
  })

  it('refuses its tokens for another audience, and symmetric tokens naming it', async () => {
    const p = await provider()
    const url = await serve(p.issuer)
    const wrongAud = await answer(url, await p.sign({ aud: 'another-app' }))
    expect((await wrongAud.next('Error')).message).toMatch(/^ERR_TOKEN_AUDIENCE:/)
    expect((await wrongAud.closed).code).toBe(CloseCode.TokenRefused)
    const hs = await new SignJWT({ iss: p.issuer, aud: 'blackholio', sub: 'x' })
      .setProtectedHeader({ alg: 'HS256' })
      .setExpirationTime('10m')
      .sign(new TextEncoder().encode('a shared secret of thirty-two bytes!'))
    const symmetric = await answer(url, hs)
    expect((await symmetric.next('Error')).message).toMatch(/^ERR_TOKEN_ALGORITHM:/)
  })

  it('reports an unreachable key set as ERR_ISSUER_UNREACHABLE', async () => {
    const p = await provider()
    const url = await serve(p.issuer)
    const token = await p.sign({})
    await closers.shift()?.() // the provider's HTTP server goes away
    const raw = await answer(url, token)
    expect((await raw.next('Error')).message).toMatch(/^ERR_ISSUER_UNREACHABLE:/)
  })

  it('refuses configurations that would accept symmetric keys or plain-http remote key sets', () => {
    expect(() => createExternalIssuer({ issuer: 'https://a.example', audience: 'x', algorithms: ['HS256'] })).toThrow(/asymmetric/)
    expect(() => createExternalIssuer({ issuer: 'http://a.example', audience: 'x' })).toThrow(/https/)
  })
})
