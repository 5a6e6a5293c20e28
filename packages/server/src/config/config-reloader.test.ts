import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Writable } from 'node:stream'
import { pino } from 'pino'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { LiveSettings } from './live-settings.js'
import { type ConfigReloader, type ReloadOutcome, watchConfig } from './config-reloader.js'
import { loadConfig } from './load-config.js'
import { SERVER_CONFIG_KEYS } from './server-keys.js'

let dir: string
let reloader: ConfigReloader<typeof SERVER_CONFIG_KEYS> | null = null
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'orrery-reload-'))
})
afterEach(() => {
  reloader?.close()
  reloader = null
  rmSync(dir, { recursive: true, force: true })
})

function setup(first: unknown) {
  const file = join(dir, 'orrery.config.json')
  writeFileSync(file, JSON.stringify(first))
  const load = () => loadConfig({ keys: SERVER_CONFIG_KEYS, argv: [], env: {}, cwd: dir })
  const lines: string[] = []
  const log = pino(
    { level: 'info' },
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(JSON.parse(chunk.toString()).msg)
        done()
      },
    }),
  )
  const applied: LiveSettings[] = []
  const outcomes: ReloadOutcome[] = []
  let notify: (() => void) | null = null
  const nextReload = () => new Promise<void>((resolve) => (notify = resolve))
  reloader = watchConfig({
    initial: load(),
    load,
    log,
    server: { reconfigure: (settings) => applied.push(settings) },
    onReload: (outcome) => {
      outcomes.push(outcome)
      notify?.()
    },
  })
  return { file, lines, applied, outcomes, nextReload, reloader }
}

describe('watchConfig', () => {
  it('applies live keys on a file change, logged old → new; a critical key is logged as needing a restart', async () => {
    const { file, lines, applied, outcomes, nextReload, reloader } = setup({ logLevel: 'info', tickRate: 20 })
    const reloaded = nextReload()
    writeFileSync(file, JSON.stringify({ logLevel: 'debug', tickRate: 30, hysteresis: 4, limits: { messagesPerSecond: 30 } }))
    await reloaded
    expect(applied).toEqual([{ logLevel: 'debug', hysteresis: 4, limits: { messagesPerSecond: 30 } }])
    expect(lines).toContain('configuration reloaded: logLevel info → debug, hysteresis (unset) → 4, limits.messagesPerSecond 60 → 30')
    expect(lines).toContain('tickRate 20 → 30 needs a restart: not applied')
    expect(outcomes.at(-1)?.needsRestart).toEqual([{ key: 'tickRate', from: 20, to: 30 }])
    expect(reloader.current.values.tickRate).toBe(20)
    expect(reloader.current.values.logLevel).toBe('debug')
  })

  it('reloads on SIGHUP; a configuration that does not load is logged and the running one kept', () => {
    const { file, lines, applied, reloader } = setup({ logLevel: 'info' })
    writeFileSync(file, JSON.stringify({ logLevel: 'loud' }))
    process.emit('SIGHUP', 'SIGHUP')
    expect(lines.at(-1)).toMatch(/^configuration not reloaded, the running one is kept: invalid configuration:\n {2}logLevel=loud \(file .*\): log level must be one of/)
    expect(reloader.current.values.logLevel).toBe('info')
    writeFileSync(file, JSON.stringify({ logLevel: 'warn' }))
    expect(reloader.reload().applied).toEqual([{ key: 'logLevel', from: 'info', to: 'warn' }])
    expect(applied).toEqual([{ logLevel: 'warn' }])
  })
})
