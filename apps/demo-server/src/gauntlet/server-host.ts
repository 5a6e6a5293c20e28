import { type ChildProcess, fork } from 'node:child_process'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { EventLoopDelay } from '../probe/event-loop-delay.js'

const HERE = dirname(fileURLToPath(import.meta.url))

/** What the server process reports when asked. */
export interface ServerSnapshot {
  readonly eventLoop: EventLoopDelay
  readonly tickP99Ms: number
  readonly connections: number
  readonly clients: number
  readonly rssBytes: number
  readonly heapUsedBytes: number
  readonly handles: number
  /** Sessions whose socket dropped, waiting for a resume (each holds a timer until its grace period ends). */
  readonly detachedSessions: number
  readonly unhandled: number
  readonly errors: number
  readonly foodEaten: number
}

/** A gauntlet's server, in a process of its own so that attackers and clients do not share its event loop. */
export interface ServerHost {
  readonly url: string
  readonly child: ChildProcess
  /** Unhandled rejections and uncaught exceptions the server process reported, with their messages. */
  readonly faults: { unhandled: string[]; crashes: string[] }
  /** Whether the process ended on its own (a crash). */
  crashed(): boolean
  /** Asks for figures; `reset` starts a new event-loop window after them, `gc` collects garbage first. */
  snapshot(options?: { reset?: boolean; gc?: boolean }): Promise<ServerSnapshot>
  /** Closes the server and waits for its process to exit. */
  stop(): Promise<void>
}

/**
 * Starts the gauntlet server process.
 *
 * @param options - world seed, logged-out expiry (ms), resume grace period (ms; the server's default when
 *   absent), extra Node flags (e.g. `--expose-gc`)
 * @returns the running server once it listens
 * @throws Error when the process exits before it listens
 */
export async function startServerProcess(options: {
  seed: number
  loggedOutExpiryMs?: number
  resumeGraceMs?: number
  execArgv?: string[]
}): Promise<ServerHost> {
  const args = ['--seed', String(options.seed)]
  if (options.loggedOutExpiryMs !== undefined) args.push('--logged-out-expiry-ms', String(options.loggedOutExpiryMs))
  if (options.resumeGraceMs !== undefined) args.push('--resume-grace-ms', String(options.resumeGraceMs))
  const child = fork(
    join(HERE, 'server-child.ts'),
    args,
    { cwd: resolve(HERE, '../..'), execArgv: ['--conditions=@orrery/source', '--import', 'tsx', ...(options.execArgv ?? [])], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] },
  )
  const faults = { unhandled: [] as string[], crashes: [] as string[] }
  let exited = false
  let waiting: ((s: ServerSnapshot) => void) | null = null
  const exit = new Promise<void>((res) => child.once('exit', () => {
    exited = true
    res()
  }))
  const url = await new Promise<string>((res, rej) => {
    child.on('message', (message: unknown) => {
      const m = message as { type?: string; url?: string; message?: string }
      if (m.type === 'ready' && m.url !== undefined) res(m.url)
      else if (m.type === 'unhandled') faults.unhandled.push(String(m.message))
      else if (m.type === 'crashed') faults.crashes.push(String(m.message))
      else if (m.type === 'snapshot') waiting?.(m as unknown as ServerSnapshot)
    })
    void exit.then(() => rej(new Error('the server process exited before it listened')))
  })
  return {
    url,
    child,
    faults,
    crashed: () => exited,
    snapshot: (opts = {}) =>
      new Promise<ServerSnapshot>((res, rej) => {
        if (exited) {
          rej(new Error('the server process is gone'))
          return
        }
        waiting = res
        child.send({ type: 'snapshot', reset: opts.reset === true, gc: opts.gc === true })
      }),
    stop: async () => {
      if (!exited && child.connected) child.send({ type: 'stop' })
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000)
      await exit
      clearTimeout(timer)
    },
  }
}
