import { randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
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

/**
 * The HMAC secret of the demo's token authenticator, kept in the data folder (created on first use,
 * readable by the owner only), so players' tokens stay valid across restarts.
 *
 * @param dir - the data folder
 * @returns 32 bytes
 * @example
 * createAnonymousAuthenticator({ secret: loadAuthSecret(dir) })
 */
export function loadAuthSecret(dir: string): Buffer {
  mkdirSync(dir, { recursive: true })
  const file = join(dir, 'auth-secret')
  if (existsSync(file)) {
    const secret = Buffer.from(readFileSync(file, 'utf8').trim(), 'hex')
    if (secret.length >= 16) return secret
  }
  const secret = randomBytes(32)
  writeFileSync(`${file}.tmp`, secret.toString('hex'), { mode: 0o600 })
  renameSync(`${file}.tmp`, file)
  return secret
}

/**
 * Where the demo's bots keep their tokens between runs.
 * @param dir - the data folder
 * @returns the file path
 * @example
 * forkBots({ url, count: 8, tokenFile: botTokenFile(dir) })
 */
export function botTokenFile(dir: string): string {
  return join(dir, 'bot-tokens.json')
}
