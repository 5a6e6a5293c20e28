import { type BotGroup, runBots, type WebSocketClass } from '@orrery/demo-client/bots'
import type { OrreryServer } from '@orrery/server'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, expect, it } from 'vitest'
import WebSocket from 'ws'
import { startBlackholio } from './blackholio-server.js'
import { type ChromiumPage, describeInChromium, openChromium } from './chromium.js'

const BOTS = 3

interface MonitorHook {
  plots: { data: (number | null)[][]; series: { label?: string }[] }[]
  latest: { clients: number; sessions: { rttMs: number | null }[] } | null
}
declare const window: { orreryMonitor?: MonitorHook }

type Rgb = readonly [number, number, number]

/** Each plot and its series' colours (see monitor.js); a line may hide another with the same values. */
const PLOT_COLOURS: readonly (readonly [string, readonly Rgb[]])[] = [
  ['plot-clients', [[0x1f, 0x77, 0xb4], [0xae, 0xc7, 0xe8]]],
  ['plot-tick', [[0x2c, 0xa0, 0x2c], [0xd6, 0x27, 0x28]]],
  ['plot-bytes', [[0x94, 0x67, 0xbd], [0xff, 0x7f, 0x0e]]],
  ['plot-reducers', [[0x17, 0xbe, 0xcf], [0xd6, 0x27, 0x28]]],
]

function monitorSuite(): void {
  let server: OrreryServer
  let bots: BotGroup
  let browser: ChromiumPage | undefined
  let page: Page
  let url: string

  beforeAll(async () => {
    const started = await startBlackholio({ seed: 5, monitor: true })
    server = started.server
    const port = started.port
    url = `http://127.0.0.1:${port}/monitor`
    bots = await runBots({ url: `ws://127.0.0.1:${port}`, count: BOTS, bot: { WebSocket: WebSocket as unknown as WebSocketClass } })
    browser = await openChromium({ width: 1000, height: 800 })
    page = browser.page
  }, 60_000)

  afterAll(async () => {
    await browser?.close()
    await bots?.stop()
    await server?.close()
  })

  it('plots live data of a server with bots and lists their sessions', async () => {
    expect(bots.failures).toEqual([])
    await page.goto(url)
    // Three polls give two points per plot: every plot has a line.
    await page.waitForFunction(() => (window.orreryMonitor?.plots ?? []).every((p) => (p.data[0]?.length ?? 0) >= 3), undefined, {
      timeout: 15_000,
    })
    const data = await page.evaluate(() => window.orreryMonitor?.plots.map((p) => p.data) ?? [])
    const [clients, tick, bytes, calls] = data
    expect(clients?.[1]?.at(-1)).toBe(BOTS)
    expect(tick?.[2]?.at(-1)).toBeGreaterThan(0) // tick p99, ms
    expect(bytes?.[2]?.at(-1)).toBeGreaterThan(0) // bytes out per second
    expect(calls?.[1]?.at(-1)).toBeGreaterThan(0) // the bots' input calls per second
    expect(await page.locator('#sessions tbody tr').count()).toBe(BOTS)
    // While the page polls, the server pings the sessions: each row gets its RTT.
    await page.waitForFunction(() => window.orreryMonitor?.latest?.sessions.every((s) => s.rttMs !== null) === true, undefined, { timeout: 10_000 })
    const rtts = await page.locator('#sessions tbody tr td:nth-child(5)').allTextContents()
    expect(rtts.every((text) => /^\d+\.\d\d$/.test(text))).toBe(true)

    // A screenshot of each plot's canvas (not its legend, whose markers have the same colours) shows its lines.
    for (const [id, colours] of PLOT_COLOURS) {
      const png = await page.locator(`#${id} canvas`).screenshot()
      const pixels = await page.evaluate(
        async ({ b64, colours }) => {
          const image = new Image()
          image.src = `data:image/png;base64,${b64}`
          await image.decode()
          const canvas = document.createElement('canvas')
          canvas.width = image.width
          canvas.height = image.height
          const ctx = canvas.getContext('2d') as CanvasRenderingContext2D
          ctx.drawImage(image, 0, 0)
          const data = ctx.getImageData(0, 0, image.width, image.height).data
          let n = 0
          for (let i = 0; i < data.length; i += 4) {
            const near = (c: readonly number[]): boolean =>
              Math.abs((data[i] ?? 0) - (c[0] ?? 0)) + Math.abs((data[i + 1] ?? 0) - (c[1] ?? 0)) + Math.abs((data[i + 2] ?? 0) - (c[2] ?? 0)) < 24
            if (colours.some(near)) n++
          }
          return n
        },
        { b64: png.toString('base64'), colours },
      )
      // A line across the plot is a few hundred pixels; the empty plot has none of these colours.
      expect(pixels, `pixels of the lines of ${id}`).toBeGreaterThan(100)
    }
  }, 30_000)
}

describeInChromium('the monitor page in Chromium', () => {
  monitorSuite()
})
