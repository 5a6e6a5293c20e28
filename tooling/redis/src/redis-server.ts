import { type ChildProcess, spawn, spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer, Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/** Options of {@link startRedisServer}. */
export interface RedisServerOptions {
  /** TCP port on 127.0.0.1; default: a free one. */
  readonly port?: number
  /** The redis-server binary; default `redis-server` on the PATH. */
  readonly binary?: string
}

/** A running throwaway redis-server. */
export interface RedisServer {
  /** `redis://127.0.0.1:<port>`. */
  readonly url: string
  readonly port: number
  /** Kills it (SIGKILL: its data is gone, as after a crash) and starts it again on the same port, empty. */
  restart(): Promise<void>
  /** Kills it (SIGKILL) without starting it again; `start()` brings it back empty. */
  kill(): Promise<void>
  /** Starts it again after `kill()`. */
  start(): Promise<void>
  /** Stops it and removes its folder. */
  stop(): Promise<void>
}

const binaryOf = (given: string | undefined): string => given ?? 'redis-server'

/**
 * Why a redis-server cannot be started here, or null when one can.
 * @param binary - the redis-server binary; default `redis-server` on the PATH
 */
export function redisServerMissing(binary?: string): string | null {
  const result = spawnSync(binaryOf(binary), ['--version'], { stdio: 'ignore' })
  if (result.error !== undefined) return `${binaryOf(binary)} is not installed (run node tooling/scripts/test-setup.mjs as root on Debian)`
  return result.status === 0 ? null : `${binaryOf(binary)} --version exited with ${result.status}`
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      const port = typeof address === 'object' && address !== null ? address.port : 0
      server.close(() => resolve(port))
    })
  })
}

async function answersPing(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new Socket()
    const done = (ok: boolean): void => {
      socket.destroy()
      resolve(ok)
    }
    socket.once('error', () => done(false))
    socket.connect(port, '127.0.0.1', () => socket.write('PING\r\n'))
    socket.once('data', (data) => done(data.toString().startsWith('+PONG')))
  })
}

/**
 * Starts redis-server on 127.0.0.1 with no persistence (no RDB, no AOF) in a temporary folder, and resolves
 * once it answers PING.
 *
 * @param options - port and binary, see {@link RedisServerOptions}
 * @returns the running server
 * @throws Error when redis-server is missing or does not answer within 10 s
 */
export async function startRedisServer(options: RedisServerOptions = {}): Promise<RedisServer> {
  const binary = binaryOf(options.binary)
  const port = options.port ?? (await freePort())
  const dir = mkdtempSync(join(tmpdir(), 'orrery-redis-'))
  let child: ChildProcess | null = null

  const start = async (): Promise<void> => {
    const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, '--logfile', '']
    const spawned = spawn(binary, args, { stdio: 'ignore' })
    child = spawned
    const failed = new Promise<never>((_, reject) => spawned.once('error', reject))
    failed.catch(() => {})
    const deadline = Date.now() + 10_000
    while (Date.now() < deadline) {
      if (spawned.exitCode !== null) throw new Error(`redis-server exited with ${spawned.exitCode}`)
      if (await Promise.race([answersPing(port), failed])) return
      await new Promise((resolve) => setTimeout(resolve, 25))
    }
    spawned.kill('SIGKILL')
    throw new Error(`redis-server did not answer on port ${port} within 10 s`)
  }

  const kill = async (): Promise<void> => {
    const running = child
    child = null
    if (running === null || running.exitCode !== null || running.signalCode !== null) return
    const exited = new Promise<void>((resolve) => running.once('exit', () => resolve()))
    running.kill('SIGKILL')
    await exited
  }

  await start()
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    start,
    kill,
    async restart() {
      await kill()
      await start()
    },
    async stop() {
      await kill()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}
