import { type ChildProcess, fork } from 'node:child_process'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const HERE = dirname(fileURLToPath(import.meta.url))

/** A world host event as a host process reports it, with the launcher's time of arrival. */
export interface HostEvent {
  readonly type: string
  readonly worldId?: string
  readonly recovered?: boolean
  readonly ms?: number
  readonly where?: string
  readonly error?: string
  /** `performance.now()` of the launcher when it arrived. */
  readonly at: number
}

/** One running world host process of the cluster demo. */
export interface HostProcess {
  readonly child: ChildProcess
  readonly processId: string
  readonly address: string
  readonly events: HostEvent[]
  /** Whether it was killed. */
  killed: boolean
}

/** Options of {@link startHostProcess}. */
export interface HostProcessOptions {
  readonly redisUrl: string
  readonly dataDir: string
  readonly keysDir: string
  readonly seats: number
  readonly bots: number
}

/**
 * Forks one world host process (same source conditions and TypeScript loader as this one).
 * @returns once it listens and has sent its first heartbeat
 * @throws Error when it exits first
 */
export function startHostProcess(options: HostProcessOptions): Promise<HostProcess> {
  const child = fork(
    join(HERE, 'cluster-host.ts'),
    ['--redis', options.redisUrl, '--data-dir', options.dataDir, '--keys-dir', options.keysDir, '--seats', String(options.seats), '--bots', String(options.bots)],
    { cwd: resolve(HERE, '..', '..'), execArgv: ['--conditions=@orrery/source', '--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] },
  )
  const events: HostEvent[] = []
  return new Promise((resolvePromise, reject) => {
    const onExit = (code: number | null): void => reject(new Error(`a cluster host process exited with ${code} before it was ready`))
    child.once('exit', onExit)
    child.on('message', (message: unknown) => {
      if (typeof message !== 'object' || message === null) return
      const m = message as Record<string, unknown>
      if (m.type === 'ready') {
        child.off('exit', onExit)
        resolvePromise({ child, processId: String(m.processId), address: String(m.address), events, killed: false })
      } else events.push({ ...(m as { type: string }), at: performance.now() })
    })
  })
}

/** Stops a host process: SIGTERM (it closes its worlds and leaves the registry), SIGKILL after `timeoutMs`. */
export async function stopHostProcess(host: HostProcess, timeoutMs = 5_000): Promise<void> {
  const child = host.child
  if (child.exitCode !== null || child.signalCode !== null) return
  const exited = new Promise<void>((resolvePromise) => child.once('exit', () => resolvePromise()))
  child.kill('SIGTERM')
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs)
  await exited
  clearTimeout(timer)
}
