import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { isAbsolute, join, resolve } from 'node:path'

/**
 * The demo's data folder: `--data-dir`, else `ORRERY_DATA_DIR`, else `.orrery/` in the folder the
 * command was started from (pnpm's INIT_CWD, so `pnpm demo` at the repository root uses `./.orrery/`).
 *
 * @param flag - the `--data-dir` value, if given
 * @param env - the environment
 * @returns an absolute path
 * @example
 * resolveDataDir(undefined, process.env) // '/home/me/orrery/.orrery'
 */
export function resolveDataDir(flag: string | undefined, env: NodeJS.ProcessEnv): string {
  const base = env.INIT_CWD ?? process.cwd()
  const chosen = flag ?? env.ORRERY_DATA_DIR ?? '.orrery'
  return isAbsolute(chosen) ? chosen : resolve(base, chosen)
}

/** Where one run of the demo keeps what outlives it. */
export interface DemoFolders {
  /** The world's commit log and snapshots (`orrery.db`); null with `--in-memory`. */
  readonly world: string | null
  /** The server's token signing keys (`signing-keys.json`). */
  readonly serverKeys: string
  /** The bots' identity files (`<name>.json`). */
  readonly botIdentities: string
  /** Removes the temporary folder of an in-memory run (nothing otherwise). */
  dispose(): Promise<void>
}

/**
 * The folders of one demo run: all in the data folder (`<dir>/orrery.db`, `<dir>/server/`,
 * `<dir>/bots/`), so a restart on the same folder brings back the world, keeps the players'
 * tokens valid and the bots the same players. With `inMemory` the world is not kept and the keys
 * and identities go to a temporary folder removed by `dispose()`.
 *
 * @param dataDir - the data folder (see {@link resolveDataDir}); ignored when `inMemory`
 * @param inMemory - keep nothing
 * @returns the folders
 * @example
 * const folders = await demoFolders(resolveDataDir(undefined, process.env), false)
 */
export async function demoFolders(dataDir: string, inMemory: boolean): Promise<DemoFolders> {
  const temp = inMemory ? await mkdtemp(join(tmpdir(), 'blackholio-')) : null
  const root = temp ?? dataDir
  return {
    world: temp === null ? root : null,
    serverKeys: join(root, 'server'),
    botIdentities: join(root, 'bots'),
    dispose: async () => {
      if (temp !== null) await rm(temp, { recursive: true, force: true })
    },
  }
}
