import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Player } from '@orrery/demo-shared'
import type { ArgsSchema } from '@orrery/protocol'
import { createKeyAuthenticator, type OrreryServer } from '@orrery/server'
import { createTestServer, type TestServer } from '@orrery/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { forkBots } from '../src/bot-runner.js'
import { createBlackholioModule } from '../src/module.js'

let t: TestServer<Record<string, ArgsSchema>>
let server: OrreryServer
let url: string
let dataDir: string

/** Steps the server until `probe` returns a value (not undefined or false); fails naming `what`. */
function waitFor<T>(what: string, probe: () => T | undefined | false, timeoutMs?: number): Promise<T> {
  return t.until(probe, timeoutMs === undefined ? { what } : { what, timeoutMs })
}

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'blackholio-identity-'))
  t = await createTestServer({
    module: createBlackholioModule(),
    seed: 5,
    authenticator: createKeyAuthenticator({ dataDir: join(dataDir, 'server'), issuer: 'blackholio', audience: 'blackholio' }),
  })
  server = t.server
  url = t.url
})

afterAll(async () => {
  await t.dispose()
  await rm(dataDir, { recursive: true, force: true })
})

function playerEntities(): Map<string, number> {
  const out = new Map<string, number>()
  for (const e of server.world.query([Player]).toArray()) out.set(server.world.read(e, Player, 'identity'), e)
  return out
}

describe('bots with identity files', () => {
  it('sign in with their keys, and a restarted bot process is the same players', async () => {
    const identityDir = join(dataDir, 'bots')
    const first = forkBots({ url, count: 2, identityDir, reportMs: 50 })
    const ready = await t.settle(first.ready, { what: 'the first bot process', timeoutMs: 10_000 })
    expect(ready.failures).toEqual([])
    const signedIn = await waitFor('both bots authenticated', () => (first.latest()?.authenticated === 2 ? first.latest() : undefined), 10_000)
    expect(signedIn?.connected).toBe(2)
    const before = playerEntities()
    expect(before.size).toBe(2)
    await t.settle(first.stop(), { what: 'the first bot process to stop', timeoutMs: 10_000 })
    await waitFor('the players to log out', () => playerEntities().size === 0)

    const second = forkBots({ url, count: 2, identityDir, reportMs: 50 })
    await t.settle(second.ready, { what: 'the second bot process', timeoutMs: 10_000 })
    await waitFor('both bots back', () => second.latest()?.authenticated === 2, 10_000)
    await waitFor('both players live again', () => playerEntities().size === 2)
    expect(playerEntities()).toEqual(before)
    await t.settle(second.stop(), { what: 'the second bot process to stop', timeoutMs: 10_000 })
  }, 30_000)
})
