import { execFile } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'

const appDir = dirname(dirname(fileURLToPath(import.meta.url)))
const workDir = mkdtempSync(join(tmpdir(), 'blackholio-config-'))
afterAll(() => rmSync(workDir, { recursive: true, force: true }))

/** Runs the demo launcher with `args` in a clean environment (no ORRERY_* of the caller), from `workDir`. */
function demo(args: readonly string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('ORRERY_') && name !== 'PORT' && name !== 'NODE_ENV'))
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--conditions=@orrery/source', '--import', 'tsx', 'src/cli.ts', ...args],
      { cwd: appDir, env: { ...clean, INIT_CWD: workDir, ...env }, timeout: 30_000 },
      (error, stdout, stderr) => resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : -1, stdout, stderr }),
    )
  })
}

describe('pnpm demo configuration', () => {
  it('--print-config shows each effective value and its source, and exits 0', async () => {
    writeFileSync(join(workDir, 'orrery.config.json'), JSON.stringify({ bots: 3, limits: { messagesPerSecond: 30 } }))
    const { code, stdout } = await demo(['--print-config', '--tick-rate', '30'], { ORRERY_PORT: '4100', ORRERY_LOG_LEVEL: 'debug' })
    expect(code).toBe(0)
    expect(stdout).toMatch(/^port\s+4100\s+environment \(ORRERY_PORT\)$/m)
    expect(stdout).toMatch(/^logLevel\s+debug\s+environment \(ORRERY_LOG_LEVEL\)$/m)
    expect(stdout).toMatch(/^tickRate\s+30\s+command line \(--tick-rate\)$/m)
    expect(stdout).toMatch(/^bots\s+3\s+file .*orrery\.config\.json$/m)
    expect(stdout).toMatch(/^limits\.messagesPerSecond\s+30\s+file /m)
    expect(stdout).toMatch(/^host\s+0\.0\.0\.0\s+default$/m)
  })

  it('a bad value exits non-zero naming the key, the source and the range; production refuses an open Origin list', async () => {
    const [bad, production] = await Promise.all([
      demo([], { ORRERY_TICK_RATE: 'abc' }),
      demo(['--print-config'], { ORRERY_PROFILE: 'production' }),
    ])
    expect(bad.code).toBe(2)
    expect(bad.stderr).toContain('ORRERY_TICK_RATE=abc (environment): tick rate must be an integer from 1 to 240')
    expect(production.code).toBe(2)
    expect(production.stderr).toContain('the production profile refuses:\n  allowedOrigins: an Origin allow-list is needed')
  })
})
