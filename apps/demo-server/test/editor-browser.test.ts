import type { Entity } from '@orrery/ecs'
import { MODULE_IDENTITY, type OrreryServer } from '@orrery/server'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { Agent, Behavior } from '../src/agents/behavior-components.js'
import { SAMPLE_BEHAVIORS } from '../src/agents/sample-behaviors.js'
import { startBlackholio } from './blackholio-server.js'
import { type ChromiumPage, describeInChromium, openChromium } from './chromium.js'

function editorSuite(): void {
  let server: OrreryServer
  let browser: ChromiumPage | undefined
  let page: Page
  let url: string

  beforeAll(async () => {
    const started = await startBlackholio({ seed: 5, webClient: true })
    server = started.server
    const port = started.port
    url = `http://127.0.0.1:${port}/editor.html`
    // A player with a circle to view the world as (an agent without a host: it stands still).
    const sample = SAMPLE_BEHAVIORS[0]
    if (sample === undefined) throw new Error('no sample behaviour')
    server.call('saveBehavior', { ...sample, tags: 'sample' }, MODULE_IDENTITY)
    server.call('spawnAgent', { name: 'target', behavior: sample.name, version: 0 }, MODULE_IDENTITY)
    browser = await openChromium({ width: 1280, height: 720 })
    page = browser.page
  }, 180_000)

  afterAll(async () => {
    await browser?.close()
    await server?.close()
  })

  const output = async (): Promise<string> => (await page.locator('#output').textContent()) ?? ''
  const waitOutput = (text: string): Promise<unknown> =>
    page
      .waitForFunction((t) => (document.getElementById('output')?.textContent ?? '').includes(t), text, { timeout: 10_000 })
      .catch(async (error: unknown) => {
        throw new Error(`waiting for '${text}': output '${await output()}', status '${await page.locator('#status').textContent()}'`, { cause: error })
      })

  it('dry-runs a behaviour on a recorded state, saves it, spawns an agent, saves a version and rolls back', async () => {
    await page.goto(url)
    await page.waitForFunction(() => (document.getElementById('status')?.textContent ?? '').startsWith('connected'), undefined, { timeout: 15_000 })
    await page.waitForTimeout(200)
    await page.locator('#record').click()
    await page.locator('#dryRun').click()
    await waitOutput('outcome')
    const dry = await output()
    expect(dry).toMatch(/outcome: \{"ok":true,"value":\{"dirX":-?\d/)
    expect(dry).toContain('"alive":true')

    await page.locator('#code').fill('function tick() { return eval("1") }')
    await page.locator('#dryRun').click()
    await waitOutput('ERR_FORBIDDEN_FEATURE')

    await page.locator('#code').fill('function tick(v) { return { dirX: 1, dirY: 0 } }')
    await page.locator('#save').click()
    await waitOutput('saved: {"version":1}')
    await page.locator('#spawn').click()
    await waitOutput('agent spawned')
    await page.locator('#code').fill('function tick(v) { return { dirX: -1, dirY: 0 } }')
    await page.locator('#save').click()
    await waitOutput('saved: {"version":2}')
    await page.locator('#version').fill('1')
    await page.locator('#rollback').click()
    await waitOutput('rolled back to version 1')

    const behavior = server.world.findUnique(Behavior, 'name', 'my-forager') as Entity
    expect(server.world.get(behavior, Behavior)).toMatchObject({ current: 1, latest: 2 })
    const agent = server.world.findUnique(Agent, 'name', 'my-agent-1') as Entity
    expect(server.world.read(agent, Agent, 'owner')).toBe(server.world.read(behavior, Behavior, 'author'))

    // Another author's behaviour cannot be changed from the page.
    await page.locator('#name').fill('forager')
    await page.locator('#save').click()
    await waitOutput('saved refused')
    expect(await output()).toContain('only the owner')
  }, 60_000)
}

describeInChromium('the behaviour editor page in Chromium', editorSuite)
