import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import fc from 'fast-check'
import * as v from 'valibot'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { configKey } from './config-key.js'
import { type LoadConfigOptions, loadConfig } from './load-config.js'
import { formatConfig } from './print-config.js'
import { SERVER_CONFIG_KEYS, serverOptionsFromConfig } from './server-keys.js'

let dir: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'orrery-config-'))
})
afterEach(() => {
  rmSync(dir, { recursive: true, force: true })
})

const load = (options: Partial<LoadConfigOptions<typeof SERVER_CONFIG_KEYS>> = {}) =>
  loadConfig({ keys: SERVER_CONFIG_KEYS, argv: [], env: {}, cwd: dir, ...options })

function writeConfig(content: unknown, name = 'orrery.config.json'): string {
  const path = join(dir, name)
  writeFileSync(path, JSON.stringify(content))
  return path
}

function messageOf(fn: () => unknown): string {
  try {
    fn()
  } catch (error) {
    return `${(error as { code?: string }).code}: ${(error as Error).message}`
  }
  throw new Error('expected a throw')
}

describe('loadConfig precedence: defaults < file < environment < flags', () => {
  it('gives the schema defaults, each from source default', () => {
    const config = load()
    expect(config.values).toMatchObject({ port: 0, host: '127.0.0.1', tickRate: 20, logLevel: 'info', logFormat: 'pretty', 'limits.messagesPerSecond': 60 })
    expect(config.values.dataDir).toBeUndefined()
    expect(config.sources.port).toEqual({ kind: 'default' })
    expect(config.profile).toBe('development')
    expect(config.file).toBeNull()
  })

  it('the highest layer that sets a key wins, whatever the others hold', () => {
    const port = fc.option(fc.integer({ min: 1, max: 65_535 }), { nil: undefined })
    fc.assert(
      fc.property(port, port, port, (file, env, flag) => {
        rmSync(join(dir, 'orrery.config.json'), { force: true })
        if (file !== undefined) writeConfig({ port: file })
        const config = load({ env: env === undefined ? {} : { ORRERY_PORT: String(env) }, argv: flag === undefined ? [] : ['--port', String(flag)] })
        expect(config.values.port).toBe(flag ?? env ?? file ?? 0)
        const kind = flag !== undefined ? 'flag' : env !== undefined ? 'env' : file !== undefined ? 'file' : 'default'
        expect(config.sources.port.kind).toBe(kind)
      }),
      { numRuns: 40 },
    )
  })

  it('reads nested and dotted limits from the file, ORRERY_LIMITS_* and --limits-* alike', () => {
    writeConfig({ limits: { messagesPerSecond: 30, messageBurst: 40 }, 'limits.byteBurst': 300_000 })
    const config = load({ env: { ORRERY_LIMITS_MESSAGE_BURST: '50' }, argv: ['--limits-max-connections', '9'] })
    expect(config.values['limits.messagesPerSecond']).toBe(30)
    expect(config.values['limits.messageBurst']).toBe(50)
    expect(config.values['limits.byteBurst']).toBe(300_000)
    expect(config.values['limits.maxConnections']).toBe(9)
    expect(serverOptionsFromConfig(config.values).limits).toMatchObject({ messagesPerSecond: 30, messageBurst: 50, maxConnections: 9, maxFrameBytes: 65_536 })
  })

  it('finds the file at ORRERY_CONFIG (relative to the working directory) or --config', () => {
    writeConfig({ tickRate: 30 }, 'a.json')
    writeConfig({ tickRate: 40 }, 'b.json')
    expect(load({ env: { ORRERY_CONFIG: 'a.json' } }).values.tickRate).toBe(30)
    expect(load({ env: { ORRERY_CONFIG: 'a.json' }, argv: ['--config', join(dir, 'b.json')] }).values.tickRate).toBe(40)
  })

  it('reads lists comma-separated from the environment and repeated from flags', () => {
    expect(load({ env: { ORRERY_ALLOWED_ORIGINS: 'https://a.example, https://b.example' } }).values.allowedOrigins).toEqual([
      'https://a.example',
      'https://b.example',
    ])
    expect(load({ argv: ['--origin', 'https://a.example', '--origin', 'https://c.example'] }).values.allowedOrigins).toEqual([
      'https://a.example',
      'https://c.example',
    ])
  })

  it('takes application defaults below every other layer', () => {
    expect(load({ defaults: { port: 3000 } }).values.port).toBe(3000)
    expect(load({ defaults: { port: 3000 }, env: { PORT: '8080' } }).values.port).toBe(8080)
    expect(load({ defaults: { port: 3000 }, env: { PORT: '8080', ORRERY_PORT: '4100' } }).sources.port).toEqual({ kind: 'env', name: 'ORRERY_PORT' })
  })
})

describe('loadConfig errors name the key, the source and the range', () => {
  it('an environment variable', () => {
    expect(messageOf(() => load({ env: { ORRERY_TICK_RATE: 'abc' } }))).toContain(
      'ERR_INVALID_CONFIG: invalid configuration:\n  ORRERY_TICK_RATE=abc (environment): tick rate must be an integer from 1 to 240',
    )
  })

  it('a flag, a file value and an unknown file key, all listed together', () => {
    const path = writeConfig({ logLevel: 'loud', limits: { handshakeIpWindowMs: 1500 }, colour: 'blue' })
    const message = messageOf(() => load({ argv: ['--port', '70000'] }))
    expect(message).toContain(`colour (file ${path}): unknown key`)
    expect(message).toContain(`logLevel=loud (file ${path}): log level must be one of fatal, error, warn, info, debug, trace, silent`)
    expect(message).toContain(`limits.handshakeIpWindowMs=1500 (file ${path}): limits handshake ip window ms must be an integer ≥ 1, a multiple of 1000`)
    expect(message).toContain('--port=70000 (command line): port must be an integer from 0 to 65535')
  })

  it('an unknown flag, a file that is not JSON', () => {
    expect(messageOf(() => load({ argv: ['--prot', '1'] }))).toMatch(/^ERR_INVALID_CONFIG: .*'--prot'.*\(command line\)/s)
    writeFileSync(join(dir, 'orrery.config.json'), '{ port: 1 ')
    expect(messageOf(() => load())).toMatch(/^ERR_INVALID_CONFIG: invalid configuration: the config file .*orrery\.config\.json cannot be read/)
  })

  it('a bad profile', () => {
    expect(messageOf(() => load({ env: { ORRERY_PROFILE: 'prod' } }))).toContain('ORRERY_PROFILE=prod (environment): profile must be one of development, production')
  })
})

describe('the production profile', () => {
  const safe = { ORRERY_ALLOWED_ORIGINS: 'https://play.example', ORRERY_AUTH: 'key' }

  it('refuses an open Origin allow-list and the anonymous authenticator', () => {
    const message = messageOf(() => load({ argv: ['--profile', 'production'] }))
    expect(message).toMatch(/^ERR_UNSAFE_CONFIG: the production profile refuses:/)
    expect(message).toContain('allowedOrigins: an Origin allow-list is needed')
    expect(message).toContain('auth: the anonymous authenticator')
    expect(messageOf(() => load({ env: { ...safe, NODE_ENV: 'production', ORRERY_ALLOWED_ORIGINS: '*' } }))).toContain("allowedOrigins: '*' lets any web page")
  })

  it('refuses the monitor on by default, accepts it when asked for', () => {
    const monitorOn = { defaults: { monitor: true } }
    expect(messageOf(() => load({ ...monitorOn, env: { ...safe, ORRERY_PROFILE: 'production' } }))).toContain('monitor: the monitor is on by default')
    expect(load({ ...monitorOn, env: { ...safe, ORRERY_PROFILE: 'production', ORRERY_MONITOR: 'true' } }).values.monitor).toBe(true)
  })

  it('accepts safe settings and switches the log format to JSON and the monitor off', () => {
    const config = load({ env: { ...safe, NODE_ENV: 'production' } })
    expect(config.profile).toBe('production')
    expect(config.profileSource).toEqual({ kind: 'env', name: 'NODE_ENV' })
    expect(config.values).toMatchObject({ logFormat: 'json', monitor: false })
    expect(load({ env: { NODE_ENV: 'test' } }).profile).toBe('development')
  })
})

describe('application keys and --print-config', () => {
  const keys = {
    ...SERVER_CONFIG_KEYS,
    bots: configKey({ schema: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0)), 8), description: 'bots' }),
    build: configKey({ schema: v.optional(v.boolean(), true), description: 'build the client', flag: 'no-build', negatedFlag: true }),
    dataDir: { ...SERVER_CONFIG_KEYS.dataDir, flagAliases: ['data'] },
    adminToken: configKey({ schema: v.optional(v.string()), description: 'admin token', secret: true }),
  }

  it('reads them through the same layers, with negated flags and aliases', () => {
    const config = loadConfig({ keys, argv: ['--no-build', '--data', 'x'], env: { ORRERY_BOTS: '3', ORRERY_ADMIN_TOKEN: 's3cret' }, cwd: dir })
    expect(config.values).toMatchObject({ bots: 3, build: false, dataDir: 'x', adminToken: 's3cret' })
    expect(messageOf(() => loadConfig({ keys, argv: ['--data', 'x', '--data-dir', 'y'], env: {}, cwd: dir }))).toContain('--data-dir and --data (command line)')
  })

  it('prints every value with where it came from, secrets masked', () => {
    const config = loadConfig({ keys, argv: ['--print-config'], env: { ORRERY_PORT: '4100', ORRERY_LOG_LEVEL: 'debug', ORRERY_ADMIN_TOKEN: 's3cret' }, cwd: dir })
    expect(config.printConfig).toBe(true)
    const table = formatConfig(config)
    expect(table).toMatch(/^port\s+4100\s+environment \(ORRERY_PORT\)$/m)
    expect(table).toMatch(/^logLevel\s+debug\s+environment \(ORRERY_LOG_LEVEL\)$/m)
    expect(table).toMatch(/^tickRate\s+20\s+default$/m)
    expect(table).toMatch(/^adminToken\s+\*{8}\s+environment/m)
    expect(table).not.toContain('s3cret')
  })
})
