import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createStaticHandler, SECURITY_HEADERS } from '../src/static-files.js'

let dir: string
let http: Server
let base: string

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'orrery-static-'))
  await mkdir(join(dir, 'assets'))
  await writeFile(join(dir, 'index.html'), '<!doctype html><title>t</title>')
  await writeFile(join(dir, 'assets', 'main-abc123.js'), 'console.log(1)')
  await writeFile(join(dir, 'assets', 'main-abc123.js.map'), '{"sources":["secret.ts"]}')
  await writeFile(join(dir, '.env'), 'SECRET=1')
  http = createServer(createStaticHandler(dir))
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve))
  base = `http://127.0.0.1:${(http.address() as AddressInfo).port}`
})

afterAll(async () => {
  await new Promise((resolve) => http.close(resolve))
  await rm(dir, { recursive: true, force: true })
})

function expectSecurityHeaders(response: Response): void {
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) expect(response.headers.get(name)).toBe(value)
}

describe('static files of the web client', () => {
  it('serves index.html at / and hashed assets with a year of cache, each with nosniff, a CSP and no framing', async () => {
    const page = await fetch(`${base}/`)
    expect(page.status).toBe(200)
    expect(page.headers.get('content-type')).toMatch(/^text\/html/)
    expect(page.headers.get('cache-control')).toBe('no-cache')
    expectSecurityHeaders(page)
    expect(page.headers.get('content-security-policy')).toContain("frame-ancestors 'none'")
    const asset = await fetch(`${base}/assets/main-abc123.js`)
    expect(asset.status).toBe(200)
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable')
    expectSecurityHeaders(asset)
  })

  it('refuses dotfiles, source maps, paths out of the folder and other methods, with the same headers', async () => {
    for (const path of ['/.env', '/assets/main-abc123.js.map', '/../package.json', '/%2e%2e/%2e%2e/etc/passwd', '/nope.js']) {
      const response = await fetch(`${base}${path}`)
      expect(response.status, path).toBe(404)
      expect(await response.text()).not.toContain('SECRET')
      expectSecurityHeaders(response)
    }
    const post = await fetch(`${base}/`, { method: 'POST', body: 'x' })
    expect(post.status).toBe(405)
    expect(post.headers.get('allow')).toBe('GET, HEAD')
  })
})
