import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { connect } from '@orrery/client'
import { Bot } from '@orrery/demo-client/bots'
import { Body, Circle, LoggedOutPlayer, liveComponents, Player, reducers } from '@orrery/demo-shared'
import { createAnonymousAuthenticator, createServer, type OrreryServer } from '@orrery/server'
import { createSqliteCommitLog, openHistory, worldRows } from '@orrery/sqlite'
import type { Component } from '@orrery/ecs'
import { afterEach, describe, expect, it } from 'vitest'
import { loadAuthSecret } from '../src/data-dir.js'
import type { BlackholioStats } from '../src/module.js'
import { createTestModule } from './test-module.js'
import { waitFor } from './wait-for.js'

const dirs: string[] = []
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
})

function start(dir: string, stats: BlackholioStats): OrreryServer {
  return createServer({
    module: createTestModule(stats),
    port: 0,
    seed: 7,
    logger: false,
    commitLog: createSqliteCommitLog({ dir, onWarning: () => {} }),
    authenticator: createAnonymousAuthenticator({ secret: loadAuthSecret(dir) }),
  })
}

const fresh = (): BlackholioStats => ({ foodEaten: 0, circlesEaten: 0, splits: 0, restoredPlayers: 0, restoredMass: 0 })

describe('Blackholio keeps its world across restarts', () => {
  it('a player connected when the server stopped comes back with its circles and mass', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'blackholio-'))
    dirs.push(dir)
    const first = start(dir, fresh())
    const { port } = await first.listen()
    const client = await connect({ url: `ws://127.0.0.1:${port}`, components: liveComponents, reducers })
    await client.reducers.enterGame({ name: 'ada' })
    const player = first.world.findUnique(Player, 'identity', client.identity)
    if (player === undefined) throw new Error('no player')
    const mass = first.world.findAll(Circle, 'playerId', player).reduce((m, e) => m + first.world.read(e, Body, 'mass'), 0)
    const token = client.token
    const seq = first.seq
    // The server stops first, as in a restart; the client's own disconnect comes after.
    await first.close()
    await client.disconnect()

    const stats = fresh()
    const second = start(dir, stats)
    expect(second.recoveredSeq).toBeGreaterThanOrEqual(seq)
    expect(second.world.findUnique(LoggedOutPlayer, 'identity', client.identity)).toBe(player)
    const { port: port2 } = await second.listen()
    const back = await connect({ url: `ws://127.0.0.1:${port2}`, components: liveComponents, reducers, token })
    expect(back.identity).toBe(client.identity)
    await waitFor('the player is back', () => back.replica.world.findUnique(Player, 'identity', client.identity) === player)
    expect(stats.restoredPlayers).toBe(1)
    expect(stats.restoredMass).toBe(mass)
    await back.disconnect()
    await second.close()
  })
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
