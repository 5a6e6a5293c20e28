import { constants } from 'node:fs'
import { chmod, lstat, mkdir, open, readFile, rename, stat, unlink } from 'node:fs/promises'
import { homedir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { AuthError } from './auth-error.js'
import type { IdentityStorage } from './identity-storage.js'
import type { KeyRingStore } from './key-ring.js'

const POSIX = process.platform !== 'win32'

/**
 * The default identity file: `~/.orrery/identities/<name>.json`.
 * @param name - one identity per name (e.g. a bot's name). Default `default`.
 * @returns an absolute path
 * @example
 * ```ts
 * defaultIdentityPath('bot-1') // '/home/me/.orrery/identities/bot-1.json'
 * ```
 */
export function defaultIdentityPath(name = 'default'): string {
  if (!/^[A-Za-z0-9._-]+$/.test(name) || name.startsWith('.')) throw new AuthError('ERR_INVALID_OPTIONS', `identity name '${name}' may use letters, digits, '.', '_' and '-'`)
  return join(homedir(), '.orrery', 'identities', `${name}.json`)
}

/** Checks a folder is private (0700 or stricter), creating it 0700 when missing. */
async function privateFolder(folder: string): Promise<void> {
  try {
    await mkdir(folder, { recursive: true, mode: 0o700 })
  } catch (cause) {
    throw new AuthError('ERR_STORAGE', `cannot create folder ${folder}`, { cause })
  }
  const info = await stat(folder)
  if (!info.isDirectory()) throw new AuthError('ERR_STORAGE', `${folder} is not a folder`)
  if (POSIX && (info.mode & 0o077) !== 0) {
    throw new AuthError(
      'ERR_STORAGE_PERMISSIONS',
      `folder ${folder} is open to other users (mode ${(info.mode & 0o777).toString(8)}); run: chmod 700 ${folder}`,
    )
  }
}

/** Reads a private file (0600 or stricter, a regular file, not a link), or null when missing. */
async function readPrivate(path: string): Promise<string | null> {
  await privateFolder(dirname(path))
  let info: Awaited<ReturnType<typeof lstat>>
  try {
    info = await lstat(path)
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === 'ENOENT') return null
    throw new AuthError('ERR_STORAGE', `cannot read ${path}`, { cause })
  }
  if (!info.isFile()) throw new AuthError('ERR_STORAGE', `${path} is not a regular file`)
  if (POSIX && (info.mode & 0o077) !== 0) {
    throw new AuthError('ERR_STORAGE_PERMISSIONS', `file ${path} is readable by other users (mode ${(info.mode & 0o777).toString(8)}); run: chmod 600 ${path}`)
  }
  try {
    return await readFile(path, 'utf8')
  } catch (cause) {
    throw new AuthError('ERR_STORAGE', `cannot read ${path}`, { cause })
  }
}

/** Writes a file 0600 through a temporary file and a rename, so a reader never sees half of it. */
async function writePrivate(path: string, text: string, exclusive: boolean): Promise<void> {
  await privateFolder(dirname(path))
  const temp = `${path}.${process.pid}.${Date.now().toString(36)}.tmp`
  try {
    const handle = await open(temp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600)
    try {
      await handle.writeFile(text, 'utf8')
      await handle.sync()
    } finally {
      await handle.close()
    }
    if (POSIX) await chmod(temp, 0o600)
    if (exclusive) {
      // First use: never replace an identity another process created meanwhile.
      const existing = await lstat(path).then(
        () => true,
        () => false,
      )
      if (existing) throw new AuthError('ERR_STORAGE', `${path} appeared while creating it; load it again`)
    }
    await rename(temp, path)
  } catch (cause) {
    await unlink(temp).catch(() => undefined)
    if (cause instanceof AuthError) throw cause
    throw new AuthError('ERR_STORAGE', `cannot write ${path}`, { cause })
  }
}

/**
 * An identity storage in a file, for Node clients and bots. The file is created 0600 in a
 * folder created 0700; a file or folder that other users can read is refused (POSIX), so a key
 * never silently lives in a shared place.
 *
 * @param path - the file. Default {@link defaultIdentityPath}()
 * @returns the storage (use with `loadOrCreateIdentity`)
 * @throws {AuthError} (from `load`/`save`) `ERR_STORAGE_PERMISSIONS` when the file or its folder is open to
 *   other users; `ERR_STORAGE` when it cannot be read or written
 * @example
 * ```ts
 * const me = await loadOrCreateIdentity(createFileIdentityStorage('./bot-1.identity.json'))
 * ```
 */
export function createFileIdentityStorage(path: string = defaultIdentityPath()): IdentityStorage {
  const file = resolve(path)
  return {
    description: `identity file ${file}`,
    load: () => readPrivate(file),
    save: (text) => writePrivate(file, text, true),
  }
}

/**
 * A key ring store in a server's data folder: `<dataDir>/signing-keys.json`, 0600 in a 0700
 * folder, with the same permission checks as identity files.
 *
 * @param dataDir - the server's data folder
 * @returns the store (use with `KeyRing.open`)
 * @example
 * ```ts
 * const ring = await KeyRing.open({ store: createFileKeyRingStore('./data') })
 * ```
 */
export function createFileKeyRingStore(dataDir: string): KeyRingStore {
  const file = join(resolve(dataDir), 'signing-keys.json')
  return {
    description: `key file ${file}`,
    load: () => readPrivate(file),
    save: (text) => writePrivate(file, text, false),
  }
}
