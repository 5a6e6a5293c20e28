import { generateIdentity } from '@orrery/auth'
import { Bot } from '@orrery/demo-client/bots'
import { Body, Circle, LoggedOutCircle, LoggedOutPlayer, Player } from '@orrery/demo-shared'
import type { ArgsSchema } from '@orrery/protocol'
import { createKeyAuthenticator, type OrreryServer } from '@orrery/server'
import { createTestServer, type TestServer } from '@orrery/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestModule } from './test-module.js'

let t: TestServer<Record<string, ArgsSchema>>
let server: OrreryServer
let url: string

/** Steps the server until `probe` returns a value (not undefined or false); fails naming `what`. */
function waitFor<T>(what: string, probe: () => T | undefined | false, timeoutMs?: number): Promise<T> {
  return t.until(probe, timeoutMs === undefined ? { what } : { what, timeoutMs })
}

beforeAll(async () => {
  t = await createTestServer({ module: createTestModule(), seed: 11, authenticator: createKeyAuthenticator() })
  server = t.server
  url = t.url
})

afterAll(async () => {
  await t.dispose()
})

describe('a Blackholio bot that comes back', () => {
  it('takes over the circle kept from its last session, wherever it is, instead of entering again', async () => {
    const key = generateIdentity()
    const first = new Bot({ url, name: 'returning', identity: key })
    await t.settle(first.start())
    const player = await waitFor('the player', () => server.world.findUnique(Player, 'identity', key.identity))
    await waitFor('its circle', () => server.world.findAll(Circle, 'playerId', player).length === 1 || undefined)
    await t.settle(first.stop())
    await waitFor('the player away', () => server.world.findUnique(LoggedOutPlayer, 'identity', key.identity))
    // While it is away, its circle sits in a corner, far outside the area a client first looks at.
    server.mutate('test: move the kept circle to a corner', (world) => {
      for (const e of world.findAll(LoggedOutCircle, 'playerId', player).slice()) {
        world.set(e, LoggedOutCircle, 'x', 40)
        world.set(e, LoggedOutCircle, 'y', 40)
      }
    })

    const kept = server.world.findAll(LoggedOutCircle, 'playerId', player).slice()
    expect(kept.length).toBe(1)

    const again = new Bot({ url, name: 'returning', identity: key })
    const starting = again.start()
    try {
      // Ticks run only while the test waits, so the kept circle is checked in the tick it came back in:
      // the same entity, in its corner.
      const back = await waitFor('the kept circle live again', () => {
        const circles = server.world.findAll(Circle, 'playerId', player)
        return circles.length > 0 ? circles.slice() : undefined
      })
      expect(back).toEqual(kept)
      const body = server.world.get(kept[0] as (typeof kept)[number], Body)
      expect(body === undefined ? Number.POSITIVE_INFINITY : Math.hypot(body.x - 40, body.y - 40)).toBeLessThan(200)
      await t.settle(starting)
      await waitFor('the bot to steer its kept circle', () => again.stats.inputsSent > 3 || undefined, 5000)
      // No second circle: it did not enter again (nor respawn) while its circle was out of view.
      expect(server.world.findAll(Circle, 'playerId', player)).toEqual(kept)
      expect(again.stats.respawns).toBe(0)
    } finally {
      await t.settle(again.stop())
    }
  }, 20_000)
})
