import { AuthError } from './auth-error.js'
import { generateIdentity, type KeyIdentity } from './identity.js'
import { parseIdentity, serializeIdentity } from './identity-file.js'

/**
 * Where a key identity is kept: a Node file (`createFileIdentityStorage` in `@orrery/auth/node`),
 * browser storage ({@link createWebIdentityStorage}), memory, or anything an app writes.
 */
export interface IdentityStorage {
  /** Names the storage in error messages (a path, a storage key); never contains secrets. */
  readonly description: string
  /** Returns the stored text, or `null` when nothing is stored yet. */
  load(): Promise<string | null> | string | null
  /** Stores the text, replacing what was there. */
  save(text: string): Promise<void> | void
}

/**
 * Loads the identity kept in `storage`, or generates one and stores it when there is none.
 * A corrupt record is an error, never a silent new identity (which would lose the player).
 *
 * @param storage - where the identity is kept
 * @returns the key identity
 * @throws {AuthError} `ERR_IDENTITY_CORRUPT` when the stored text is not a valid identity;
 *   `ERR_STORAGE` / `ERR_STORAGE_PERMISSIONS` from the storage
 * @example
 * ```ts
 * const me = await loadOrCreateIdentity(createMemoryIdentityStorage())
 * ```
 */
export async function loadOrCreateIdentity(storage: IdentityStorage): Promise<KeyIdentity> {
  const text = await storage.load()
  if (text !== null) return parseIdentity(text, storage.description)
  const identity = generateIdentity()
  await storage.save(serializeIdentity(identity))
  return identity
}

/**
 * An identity storage in memory (tests, throw-away guests).
 * @param initial - text to start with, or null
 * @returns the storage
 * @example
 * ```ts
 * const storage = createMemoryIdentityStorage()
 * ```
 */
export function createMemoryIdentityStorage(initial: string | null = null): IdentityStorage {
  let text = initial
  return {
    description: 'memory identity storage',
    load: () => text,
    save: (next) => {
      text = next
    },
  }
}

/** The part of the Web Storage API an identity storage needs (`localStorage`, `sessionStorage`, or a stand-in). */
export interface WebStorageLike {
  getItem(key: string): string | null
  setItem(key: string, value: string): void
}

/** Options of {@link createWebIdentityStorage}. */
export interface WebIdentityStorageOptions {
  /** The server origin the identity is for, e.g. `https://play.example`; one identity per origin. */
  readonly origin: string
  /** The storage. Default: `globalThis.localStorage`. */
  readonly storage?: WebStorageLike
  /** Key prefix. Default `orrery.identity`. */
  readonly prefix?: string
}

/**
 * An identity storage on Web Storage, keyed by server origin (`<prefix>:<origin>`), so that a
 * page talking to two servers holds two identities and neither server learns the other's.
 *
 * @param options - origin, storage and prefix, see {@link WebIdentityStorageOptions}
 * @returns the storage
 * @throws {AuthError} `ERR_INVALID_OPTIONS` when no storage is given and `localStorage` is missing
 * @example
 * ```ts
 * const storage = createWebIdentityStorage({ origin: location.origin })
 * const me = await loadOrCreateIdentity(storage)
 * ```
 */
export function createWebIdentityStorage(options: WebIdentityStorageOptions): IdentityStorage {
  const storage = options.storage ?? (globalThis as { localStorage?: WebStorageLike }).localStorage
  if (storage === undefined) throw new AuthError('ERR_INVALID_OPTIONS', 'no Web Storage: pass options.storage')
  const key = `${options.prefix ?? 'orrery.identity'}:${options.origin}`
  const wrap = (action: string, cause: unknown): AuthError => new AuthError('ERR_STORAGE', `cannot ${action} '${key}' in web storage`, { cause })
  return {
    description: `web storage key '${key}'`,
    load: () => {
      try {
        return storage.getItem(key)
      } catch (cause) {
        throw wrap('read', cause)
      }
    },
    save: (text) => {
      try {
        storage.setItem(key, text)
      } catch (cause) {
        throw wrap('write', cause)
      }
    },
  }
}
