import { generateIdentity } from '@orrery/auth'
import { Bot } from '@orrery/demo-client/bots'
import { Body, Circle, LoggedOutCircle, LoggedOutPlayer, Player } from '@orrery/demo-shared'
import { createKeyAuthenticator, createServer, type OrreryServer } from '@orrery/server'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestModule } from './test-module.js'
import { waitFor } from './wait-for.js'

let server: OrreryServer
let url: string

beforeAll(async () => {
  server = createServer({ module: createTestModule(), port: 0, seed: 11, logger: false, authenticator: createKeyAuthenticator() })
  const { port } = await server.listen()
  url = `ws://127.0.0.1:${port}`
})

afterAll(async () => {
  await server.close()
})

describe('a Blackholio bot that comes back', () => {
  it('takes over the circle kept from its last session, wherever it is, instead of entering again', async () => {
    const key = generateIdentity()
    const first = new Bot({ url, name: 'returning', identity: key })
    await first.start()
    const player = await waitFor('the player', () => server.world.findUnique(Player, 'identity', key.identity))
    await waitFor('its circle', () => server.world.findAll(Circle, 'playerId', player).length === 1 || undefined)
    await first.stop()
    await waitFor('the player away', () => server.world.findUnique(LoggedOutPlayer, 'identity', key.identity))
    // While it is away, its circle sits in a corner, far outside the area a client first looks at.
    server.mutate('test: move the kept circle to a corner', (world) => {
      for (const e of world.findAll(LoggedOutCircle, 'playerId', player).slice()) {
        world.set(e, LoggedOutCircle, 'x', 40)
        world.set(e, LoggedOutCircle, 'y', 40)
      }
    })

    const again = new Bot({ url, name: 'returning', identity: key })
    await again.start()
    try {
      await waitFor('the bot to steer its kept circle', () => again.stats.inputsSent > 3 || undefined, 5000)
      const circles = server.world.findAll(Circle, 'playerId', player)
      // No second circle: it did not enter again (nor respawn) while its circle was out of view.
      expect(circles.length).toBe(1)
      expect(again.stats.respawns).toBe(0)
      const body = server.world.get(circles[0] as (typeof circles)[number], Body)
      expect(body === undefined ? Number.POSITIVE_INFINITY : Math.hypot(body.x - 40, body.y - 40)).toBeLessThan(200)
    } finally {
      await again.stop()
    }
  }, 20_000)
})
