import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { connect } from '@orrery/client'
import { Body, Circle, LoggedOutPlayer, liveComponents, Player, reducers } from '@orrery/demo-shared'
import { createAnonymousAuthenticator, createServer, type OrreryServer } from '@orrery/server'
import { createSqliteCommitLog } from '@orrery/sqlite'
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
