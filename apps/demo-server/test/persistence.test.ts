import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { generateIdentity } from '@orrery/auth'
import { connect } from '@orrery/client'
import { Bot } from '@orrery/demo-client/bots'
import { Body, Circle, LoggedOutPlayer, liveComponents, Player, reducers } from '@orrery/demo-shared'
import { createKeyAuthenticator, createServer, type OrreryServer } from '@orrery/server'
import { createSqliteCommitLog, openHistory } from '@orrery/sqlite'
import { worldRows } from '@orrery/sqlite/internal'
import type { Component } from '@orrery/ecs'
import { afterEach, describe, expect, it } from 'vitest'
import { forkBots } from '../src/bot-runner.js'
import { demoFolders } from '../src/data-dir.js'
import type { BlackholioStats } from '../src/module.js'
import { createTestModule } from './test-module.js'
import { waitFor } from './wait-for.js'

const dirs: string[] = []
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
})

/** A server on a demo data folder: the world in `dir`, the signing keys in `dir/server`, as `pnpm demo` keeps them. */
async function start(dir: string, stats: BlackholioStats): Promise<OrreryServer> {
  const folders = await demoFolders(dir, false)
  const authenticator = createKeyAuthenticator({ dataDir: folders.serverKeys, issuer: 'blackholio', audience: 'blackholio' })
  await authenticator.ready()
  return createServer({
    module: createTestModule(stats),
    port: 0,
    seed: 7,
    logger: false,
    commitLog: createSqliteCommitLog({ dir: folders.world ?? dir, onWarning: () => {} }),
    authenticator,
  })
}

const fresh = (): BlackholioStats => ({ foodEaten: 0, circlesEaten: 0, splits: 0, restoredPlayers: 0, restoredMass: 0 })

describe('Blackholio keeps its world across restarts', () => {
  it('a player connected when the server stopped comes back with its circles and mass', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'blackholio-'))
    dirs.push(dir)
    const first = await start(dir, fresh())
    const { port } = await first.listen()
    const key = generateIdentity()
    const client = await connect({ url: `ws://127.0.0.1:${port}`, components: liveComponents, reducers, identity: key })
    await client.reducers.enterGame({ name: 'ada' })
    const player = first.world.findUnique(Player, 'identity', client.identity)
    if (player === undefined) throw new Error('no player')
    const mass = first.world.findAll(Circle, 'playerId', player).reduce((m, e) => m + first.world.read(e, Body, 'mass'), 0)
    const seq = first.seq
    // The server stops first, as in a restart (it saves the session for a resume); the client's own disconnect comes after.
    await first.close()
    await client.disconnect()

    const stats = fresh()
    const second = await start(dir, stats)
    expect(second.recoveredSeq).toBeGreaterThanOrEqual(seq)
    // onRecover logged every player out; the saved session then connected again: the player is live, same entity.
    expect(second.world.findUnique(Player, 'identity', client.identity)).toBe(player)
    expect(stats.restoredPlayers).toBe(1)
    const { port: port2 } = await second.listen()
    // A fresh session of the same identity replaces the saved one: logged out, then back in.
    const back = await connect({ url: `ws://127.0.0.1:${port2}`, components: liveComponents, reducers, identity: key })
    expect(back.identity).toBe(client.identity)
    await waitFor('the player is back', () => back.replica.world.findUnique(Player, 'identity', client.identity) === player)
    expect(second.world.findUnique(LoggedOutPlayer, 'identity', client.identity)).toBeUndefined()
    expect(stats.restoredPlayers).toBe(2)
    expect(stats.restoredMass).toBe(2 * mass)
    await back.disconnect()
    await second.close()
  })
})

describe('bots on one data folder', () => {
  it('come back after a server restart as the same players, signed in with their identity files', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'blackholio-'))
    dirs.push(dir)
    const { botIdentities } = await demoFolders(dir, false)
    const players = (server: OrreryServer): Map<string, number> => {
      const out = new Map<string, number>()
      for (const e of server.world.query([Player]).toArray()) out.set(server.world.read(e, Player, 'identity'), e)
      return out
    }
    const first = await start(dir, fresh())
    const { port } = await first.listen()
    const bots = forkBots({ url: `ws://127.0.0.1:${port}`, count: 2, identityDir: botIdentities, reportMs: 50 })
    expect((await bots.ready).failures).toEqual([])
    await waitFor('both bots signed in', () => bots.latest()?.authenticated === 2, 10_000)
    await waitFor('both players live', () => players(first).size === 2)
    const before = players(first)
    // The server stops first, as in a restart; the bots' process after.
    await first.close()
    await bots.stop()

    const stats = fresh()
    const second = await start(dir, stats)
    expect(second.recoveredSeq).toBeGreaterThan(0)
    const { port: port2 } = await second.listen()
    const again = forkBots({ url: `ws://127.0.0.1:${port2}`, count: 2, identityDir: botIdentities, reportMs: 50 })
    await again.ready
    await waitFor('both bots back', () => again.latest()?.authenticated === 2, 10_000)
    await waitFor('both players live again', () => players(second).size === 2)
    expect(players(second)).toEqual(before)
    // Each bot's player came back twice: with its saved session at the start, then with its fresh session.
    expect(stats.restoredPlayers).toBe(4)
    await again.stop()
    await second.close()
  }, 30_000)
})

describe('a recorded Blackholio match', () => {
  it('replays from its commit log into a fresh world, giving the same final world', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'blackholio-'))
    dirs.push(dir)
    const server = createServer({
      module: createTestModule(fresh()),
      port: 0,
      seed: 11,
      logger: false,
      tickRate: 50,
      commitLog: createSqliteCommitLog({ dir, pruneLog: false, snapshotEveryTransactions: 200, onWarning: () => {} }),
      authenticator: createKeyAuthenticator(),
    })
    const { port } = await server.listen()
    const bots = [1, 2, 3].map((i) => new Bot({ url: `ws://127.0.0.1:${port}`, name: `bot-${i}` }))
    await Promise.all(bots.map((b) => b.start()))
    await waitFor('some hundred transactions', () => server.seq > 150, 15_000)
    await Promise.all(bots.map((b) => b.stop()))
    server.stop()
    const module = createTestModule()
    const live: Component[] = [...module.components, ...(module.serverComponents ?? [])]
    const final = JSON.stringify(worldRows(server.world, live))
    const seq = server.seq
    await server.close()
    const history = openHistory(dir)
    const stored = live.map((c) => history.components.get(c.name)).filter((c): c is Component => c !== undefined)
    expect(stored.length).toBe(live.length)
    const replayed = history.replay(1, seq)
    // The close logged the bots' players out after `final` was taken: compare at `seq`.
    expect(JSON.stringify(worldRows(replayed, stored))).toBe(final)
    expect(JSON.stringify(worldRows(history.worldAt(seq), stored))).toBe(final)
    history.close()
  })
})
