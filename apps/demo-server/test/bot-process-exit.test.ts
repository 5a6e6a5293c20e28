import { spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createKeyAuthenticator, createServer, type OrreryServer } from '@orrery/server'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createBlackholioModule } from '../src/module.js'

const HERE = dirname(fileURLToPath(import.meta.url))
let server: OrreryServer
let url: string

beforeAll(async () => {
  server = createServer({ module: createBlackholioModule(), logger: false, authenticator: createKeyAuthenticator() })
  url = `ws://127.0.0.1:${(await server.listen()).port}`
})

afterAll(async () => {
  await server.close()
})

/** Whether a process runs: it exists and, where /proc tells, is not a zombie waiting for its new parent to reap it. */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
  } catch {
    return false
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z'
  } catch {
    return true
  }
}

describe('the bot process', () => {
  it('exits when its launcher is killed (SIGKILL: no chance to stop the bots)', async () => {
    const parent = spawn(process.execPath, ['--conditions=@orrery/source', '--import', 'tsx', join(HERE, 'fixtures', 'bot-parent.ts'), url], {
      cwd: join(HERE, '..'),
      stdio: ['ignore', 'pipe', 'ignore'],
    })
    const pid = await new Promise<number>((resolve, reject) => {
      let out = ''
      parent.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString()
        if (out.includes('\n')) resolve(Number(out.trim()))
      })
      parent.once('exit', () => reject(new Error('the launcher exited early')))
    })
    try {
      expect(alive(pid)).toBe(true)
      // Let the bot connect, so that it holds a socket when the launcher dies.
      const deadline = performance.now() + 20_000
      while (server.metrics().clients === 0 && performance.now() < deadline) await new Promise((r) => setTimeout(r, 50))
      expect(server.metrics().clients).toBe(1)
      parent.kill('SIGKILL')
      const exitDeadline = performance.now() + 10_000
      while (alive(pid) && performance.now() < exitDeadline) await new Promise((r) => setTimeout(r, 50))
      expect(alive(pid)).toBe(false)
    } finally {
      // A failed expectation must not leave the launcher or its bots running.
      parent.kill('SIGKILL')
      if (alive(pid)) process.kill(pid, 'SIGKILL')
    }
  }, 40_000)
})
