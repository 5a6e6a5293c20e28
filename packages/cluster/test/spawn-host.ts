import { type ChildProcess, spawn } from 'node:child_process'
import { dirname, join } from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'

const here = dirname(fileURLToPath(import.meta.url))

/** A world host process started by {@link startHostProcess}. */
export interface HostProcess {
  readonly child: ChildProcess
  readonly processId: string
  readonly address: string
  /** The host events it printed, with the time each arrived (`performance.now()`). */
  readonly events: (Record<string, unknown> & { at: number })[]
}

/** Starts `host-process.ts` on a Redis and a shared data folder; resolves once it listens. */
export function startHostProcess(redisUrl: string, dataDir: string): Promise<HostProcess> {
  const child = spawn(process.execPath, ['--conditions=@orrery/source', '--import', 'tsx', join(here, 'host-process.ts')], {
    cwd: join(here, '..'),
    env: { ...process.env, REDIS_URL: redisUrl, DATA_DIR: dataDir },
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  const events: HostProcess['events'] = []
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`host process exited with ${code}`)))
    createInterface({ input: child.stdout! }).on('line', (text) => {
      const value = JSON.parse(text) as Record<string, unknown>
      if (value.ready === true) resolve({ child, processId: String(value.processId), address: String(value.address), events })
      else events.push({ ...value, at: performance.now() })
    })
  })
}
