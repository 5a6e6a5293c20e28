// Debian's Chromium for the browser tests: found, launched with the flags that keep it quiet and offline,
// and skipped with a message when it is missing (never in CI, where a missing browser fails the run).
import { existsSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromium, type Page } from 'playwright-core'
import { describe, it } from 'vitest'

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

/** One browser with its own profile folder and its first page. */
export interface ChromiumPage {
  readonly page: Page
  /** Closes the browser and removes its profile. */
  close(): Promise<void>
}

/**
 * A `describe` whose suite runs in Chromium: skipped with a message when Chromium is missing, except in CI.
 *
 * @param name - the suite's name
 * @param suite - declares the tests (their hooks open the browser with {@link openChromium})
 */
export function describeInChromium(name: string, suite: () => void): void {
  describe(name, () => {
    if (haveChromium || inCi) {
      suite()
      return
    }
    process.stderr.write(`${name}: skipped, ${CHROMIUM} is missing (install Debian's chromium package to run it)\n`)
    it.skip(`skipped: ${CHROMIUM} is missing (apt-get install chromium)`, () => undefined)
  })
}

/**
 * Launches Chromium with a fresh profile.
 *
 * @param viewport - the page's size, CSS pixels
 * @throws Error when Chromium is missing (only reached in CI)
 */
export async function openChromium(viewport: { width: number; height: number } = { width: 800, height: 600 }): Promise<ChromiumPage> {
  if (!haveChromium) throw new Error(`${CHROMIUM} is missing and CI is set: the browser tests must run in CI`)
  const userDataDir = await mkdtemp(join(tmpdir(), 'orrery-chromium-'))
  const context = await chromium.launchPersistentContext(userDataDir, { executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true, viewport })
  const page = context.pages()[0] ?? (await context.newPage())
  return {
    page,
    close: async () => {
      await context.close()
      await rm(userDataDir, { recursive: true, force: true })
    },
  }
}
