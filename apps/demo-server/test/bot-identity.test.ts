import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Player } from '@orrery/demo-shared'
import { createKeyAuthenticator, createServer, type OrreryServer } from '@orrery/server'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { forkBots } from '../src/bot-runner.js'
import { createBlackholioModule } from '../src/module.js'
import { waitFor } from './wait-for.js'

let server: OrreryServer
let url: string
let dataDir: string

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'blackholio-identity-'))
  server = createServer({
    module: createBlackholioModule(),
    port: 0,
    seed: 5,
    logger: false,
    authenticator: createKeyAuthenticator({ dataDir: join(dataDir, 'server'), issuer: 'blackholio', audience: 'blackholio' }),
  })
  const { port } = await server.listen()
  url = `ws://127.0.0.1:${port}`
})

afterAll(async () => {
  await server.close()
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
    const ready = await first.ready
    expect(ready.failures).toEqual([])
    const signedIn = await waitFor('both bots authenticated', () => (first.latest()?.authenticated === 2 ? first.latest() : undefined), 10_000)
    expect(signedIn?.connected).toBe(2)
    const before = playerEntities()
    expect(before.size).toBe(2)
    await first.stop()
    await waitFor('the players to log out', () => playerEntities().size === 0)

    const second = forkBots({ url, count: 2, identityDir, reportMs: 50 })
    await second.ready
    await waitFor('both bots back', () => second.latest()?.authenticated === 2, 10_000)
    await waitFor('both players live again', () => playerEntities().size === 2)
    expect(playerEntities()).toEqual(before)
    await second.stop()
  }, 30_000)
})
