import { type ChildProcess, spawn } from 'node:child_process'
import { dirname, join } from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'

const HERE = dirname(fileURLToPath(import.meta.url))
const PACKAGE = join(HERE, '..', '..')

/** A game server in a child process (see child.ts). */
export interface GameProcess {
  readonly child: ChildProcess
  readonly port: number
  /** Sessions it restored from the data folder at start. */
  readonly restored: number
  /** Resolves with the exit code or signal once the process is gone. */
  readonly exited: Promise<number | string | null>
}

/**
 * Starts the game server of child.ts on a data folder.
 *
 * @param dir - the data folder
 * @param port - the port to listen on (0: a free one)
 * @returns the process once it listens
 */
export function startGameProcess(dir: string, port: number): Promise<GameProcess> {
  const child = spawn(process.execPath, ['--conditions=@orrery/source', '--import', 'tsx', join(HERE, 'child.ts'), dir, String(port)], {
    cwd: PACKAGE,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let errors = ''
  child.stderr?.on('data', (d: Buffer) => {
    errors += d.toString()
  })
  const exited = new Promise<number | string | null>((resolve) => child.once('exit', (code, signal) => resolve(signal ?? code)))
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream })
    lines.once('line', (line) => {
      const { port: listening, restored } = JSON.parse(line) as { port: number; restored: number }
      resolve({ child, port: listening, restored, exited })
    })
    void exited.then((how) => reject(new Error(`the server exited (${how}) before listening: ${errors}`)))
  })
}
