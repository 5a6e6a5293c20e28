import { chmod, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createFileIdentityStorage, createFileKeyRingStore, defaultIdentityPath } from './file-storage.js'
import { loadOrCreateIdentity } from './identity-storage.js'
import { KeyRing } from './key-ring.js'

const posix = process.platform !== 'win32'

describe.runIf(posix)('file storage', () => {
  let root: string
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'orrery-auth-'))
  })
  afterEach(async () => {
    await rm(root, { recursive: true, force: true })
  })

  it('creates the identity file 0600 in a 0700 folder and loads the same identity again', async () => {
    const path = join(root, 'ids', 'bot.json')
    const first = await loadOrCreateIdentity(createFileIdentityStorage(path))
    expect((await stat(path)).mode & 0o777).toBe(0o600)
    expect((await stat(join(root, 'ids'))).mode & 0o777).toBe(0o700)
    const again = await loadOrCreateIdentity(createFileIdentityStorage(path))
    expect(again.identity).toBe(first.identity)
  })

  it('refuses a file other users can read', async () => {
    const path = join(root, 'ids', 'bot.json')
    await loadOrCreateIdentity(createFileIdentityStorage(path))
    await chmod(path, 0o644)
    await expect(loadOrCreateIdentity(createFileIdentityStorage(path))).rejects.toMatchObject({ code: 'ERR_STORAGE_PERMISSIONS' })
  })

  it('refuses a folder other users can enter', async () => {
    const folder = join(root, 'open')
    await loadOrCreateIdentity(createFileIdentityStorage(join(folder, 'me.json')))
    await chmod(folder, 0o755)
    await expect(loadOrCreateIdentity(createFileIdentityStorage(join(folder, 'me.json')))).rejects.toMatchObject({ code: 'ERR_STORAGE_PERMISSIONS' })
  })

  it('refuses a corrupt identity file and leaves it in place', async () => {
    const folder = join(root, 'c')
    const path = join(folder, 'me.json')
    await loadOrCreateIdentity(createFileIdentityStorage(path))
    await writeFile(path, '{"format":"orrery-identity"', { mode: 0o600 })
    await expect(loadOrCreateIdentity(createFileIdentityStorage(path))).rejects.toMatchObject({ code: 'ERR_IDENTITY_CORRUPT' })
    expect(await readFile(path, 'utf8')).toBe('{"format":"orrery-identity"')
  })

  it('keeps server signing keys in the data folder, private', async () => {
    const data = join(root, 'data')
    const ring = await KeyRing.open({ store: createFileKeyRingStore(data) })
    expect((await stat(join(data, 'signing-keys.json'))).mode & 0o777).toBe(0o600)
    const reopened = await KeyRing.open({ store: createFileKeyRingStore(data) })
    expect(reopened.kids).toEqual(ring.kids)
  })

  it('names default identity files under the home folder and refuses path tricks', () => {
    expect(defaultIdentityPath('bot-1')).toMatch(/\.orrery[/\\]identities[/\\]bot-1\.json$/)
    expect(() => defaultIdentityPath('../x')).toThrow(/may use/)
  })
})
