import { existsSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createKeyAuthenticator, createServer, type OrreryServer } from '@orrery/server'
import { type BrowserContext, chromium, type Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ensureClientBuilt } from '../src/client-build.js'
import { createBlackholioModule } from '../src/module.js'
import { createStaticHandler } from '../src/static-files.js'

/** Debian's Chromium, or the browser named by CHROMIUM_PATH. */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
  '--no-first-run',
]
const haveChromium = existsSync(CHROMIUM)
const inCi = process.env.CI !== undefined && process.env.CI !== '' && process.env.CI !== 'false'

interface Hook {
  connected: boolean
  identity: string
  playerCircle(): { x: number; y: number } | null
}
declare const window: { __orrery?: Hook }

const runBrowserTest = haveChromium || inCi
if (!runBrowserTest) {
  process.stderr.write(`browser test skipped: ${CHROMIUM} is missing (install Debian's chromium package to run it)\n`)
}

function browserSuite(): void {
  let server: OrreryServer
  let context: BrowserContext
  let page: Page
  let userDataDir: string
  let url: string

  beforeAll(async () => {
    if (!haveChromium) throw new Error(`${CHROMIUM} is missing and CI is set: the browser test must run in CI`)
    const { distDir } = await ensureClientBuilt()
    server = createServer({
      module: createBlackholioModule(),
      port: 0,
      seed: 3,
      logger: false,
      authenticator: createKeyAuthenticator({ issuer: 'blackholio', audience: 'blackholio' }),
      httpHandler: createStaticHandler(distDir),
    })
    const { port } = await server.listen()
    url = `http://127.0.0.1:${port}/`
    userDataDir = await mkdtemp(join(tmpdir(), 'blackholio-chromium-'))
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM,
      args: CHROMIUM_ARGS,
      headless: true,
      viewport: { width: 800, height: 600 },
    })
    page = context.pages()[0] ?? (await context.newPage())
  }, 180_000)

  afterAll(async () => {
    await context?.close()
    await server?.close()
    if (userDataDir !== undefined) await rm(userDataDir, { recursive: true, force: true })
  })

  it('enters the game, draws the player and moves it with the mouse', async () => {
    await page.goto(url)
    await page.waitForFunction(() => window.__orrery?.connected === true, undefined, { timeout: 15_000 })
    await page.locator('#name').fill('browser')
    await page.locator('#enter').click()
    await page.waitForFunction(() => window.__orrery?.playerCircle() != null, undefined, { timeout: 10_000 })
    await page.waitForFunction(() => (document.getElementById('prompt') as HTMLFormElement).hidden, undefined, { timeout: 5000 })

    // The player's circle is drawn at the centre of the canvas (the camera follows it).
    const centre = await page.evaluate(() => {
      const canvas = document.getElementById('view') as HTMLCanvasElement
      const ctx = canvas.getContext('2d')
      const d = ctx?.getImageData(canvas.width / 2, canvas.height / 2, 1, 1).data
      return d === undefined ? null : [d[0], d[1], d[2]]
    })
    expect(centre).not.toBeNull()
    expect(centre).not.toEqual([11, 14, 23])

    // Pointer on the centre: speed 0. Screenshot the region around the player.
    await page.mouse.move(400, 300)
    await page.waitForTimeout(300)
    const clip = { x: 250, y: 150, width: 300, height: 300 }
    const before = await page.screenshot({ clip })
    const from = await page.evaluate(() => window.__orrery?.playerCircle() ?? null)
    if (from === null) throw new Error('no player circle')

    // Steer right and down: the player moves, the view around it changes.
    await page.mouse.move(780, 560)
    await page.waitForFunction(
      (start) => {
        const p = window.__orrery?.playerCircle()
        return p != null && Math.hypot(p.x - start.x, p.y - start.y) > 40
      },
      from,
      { timeout: 10_000 },
    )
    const after = await page.screenshot({ clip })
    const to = await page.evaluate(() => window.__orrery?.playerCircle() ?? null)
    expect(to).not.toBeNull()
    expect((to?.x ?? 0) - from.x).toBeGreaterThan(0)
    expect(Buffer.compare(before, after)).not.toBe(0)
  }, 60_000)

  it('signs in with a key kept per server origin: a reload is the same identity, and ?server= elsewhere is refused', async () => {
    await page.goto(url)
    await page.waitForFunction(() => window.__orrery?.connected === true, undefined, { timeout: 15_000 })
    const first = await page.evaluate(() => window.__orrery?.identity ?? '')
    expect(first).toMatch(/^[0-9a-f]{64}$/)
    const stored = await page.evaluate(() => Object.keys(localStorage))
    expect(stored).toEqual([`blackholio.identity:${url.replace('http:', 'ws:').replace(/\/$/, '')}`])
    await page.goto(`${url}?server=ws://127.0.0.2:9/`)
    await page.waitForFunction(() => window.__orrery?.connected === true, undefined, { timeout: 15_000 })
    expect(await page.evaluate(() => window.__orrery?.identity ?? '')).toBe(first)
    expect(await page.locator('#error').textContent()).toContain('not connecting to ws://127.0.0.2:9/')
  }, 60_000)
}

describe('Blackholio in Chromium', () => {
  if (runBrowserTest) browserSuite()
  else it.skip(`skipped: ${CHROMIUM} is missing (apt-get install chromium)`, () => undefined)
})
