import { generateIdentity, type KeyIdentity } from '@orrery/auth'
import { Bot, type BlackholioClient } from '@orrery/demo-client/bots'
import {
  Body,
  CONSUME_EVENT,
  Circle,
  type ConsumeEvent,
  isConsumeEvent,
  LoggedOutPlayer,
  liveComponents,
  POSITION_STEP,
  Player,
  reducers,
} from '@orrery/demo-shared'
import type { Entity } from '@orrery/ecs'
import type { ArgsSchema } from '@orrery/protocol'
import { createKeyAuthenticator, type OrreryServer } from '@orrery/server'
import { createTestServer, type TestServer } from '@orrery/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { BlackholioStats } from '../src/module.js'
import { createTestModule } from './test-module.js'

// Ticks run only while a test waits (t.settle, t.until) or steps (t.step): what a test checks after a
// number of ticks holds after exactly those ticks, with no sleeping.
let t: TestServer<Record<string, ArgsSchema>>
let server: OrreryServer
const stats: BlackholioStats = { foodEaten: 0, circlesEaten: 0, splits: 0, restoredPlayers: 0, restoredMass: 0 }

const keys = new Map<string, KeyIdentity>()

/** Connects with `identity` (default: a new guest key); `keyOf(client)` gives the key back to return as the same player. */
async function join(identity: KeyIdentity = generateIdentity()): Promise<BlackholioClient> {
  keys.set(identity.identity, identity)
  return t.connect({ components: liveComponents, reducers, identity })
}

function keyOf(client: BlackholioClient): KeyIdentity {
  const key = keys.get(client.identity)
  if (key === undefined) throw new Error('not a client of join()')
  return key
}

function playerOf(client: BlackholioClient, identity = client.identity): Entity | undefined {
  return client.replica.world.findUnique(Player, 'identity', identity)
}

function circlesOf(client: BlackholioClient, player: Entity): Entity[] {
  return client.replica.world
    .findAll(Circle, 'playerId', player)
    .slice()
    .sort((a, b) => a - b)
}

function bodyOf(client: BlackholioClient, e: Entity): { x: number; y: number; mass: number } | undefined {
  return client.replica.world.get(e, Body)
}

/** Steps the server until `probe` returns a value (not undefined or false); fails naming `what`. */
function waitFor<T>(what: string, probe: () => T | undefined | false, timeoutMs?: number): Promise<T> {
  return t.until(probe, timeoutMs === undefined ? { what } : { what, timeoutMs })
}

beforeAll(async () => {
  t = await createTestServer({ module: createTestModule(stats), seed: 7, authenticator: createKeyAuthenticator() })
  server = t.server
})

afterAll(async () => {
  await t.dispose()
})

describe('Blackholio over WebSockets', () => {
  it('every reducer acts only on the caller’s own player and circles (ctx.sender is the key identity)', async () => {
    const victim = await join()
    const caller = await join()
    await t.settle(victim.reducers.enterGame({ name: 'victim' }))
    await t.settle(caller.reducers.enterGame({ name: 'caller' }))
    const victimPlayer = await waitFor('victim’s player', () => server.world.findUnique(Player, 'identity', victim.identity))
    const callerPlayer = await waitFor('caller’s player', () => server.world.findUnique(Player, 'identity', caller.identity))
    server.call('feed', { mass: 200 }, victim.identity)
    server.call('feed', { mass: 200 }, caller.identity)
    const snapshot = () =>
      server.world
        .findAll(Circle, 'playerId', victimPlayer)
        .map((e) => [e, server.world.read(e, Circle, 'dirX'), server.world.read(e, Circle, 'dirY')])
        .sort()
    const before = { name: server.world.read(victimPlayer, Player, 'name'), circles: snapshot() }

    await t.settle(caller.reducers.updatePlayerInput({ dirX: 0.6, dirY: -0.8 }))
    await t.settle(caller.reducers.playerSplit())
    await t.settle(caller.reducers.enterGame({ name: 'renamed' }))
    await t.settle(caller.reducers.suicide())
    await t.settle(caller.reducers.respawn()).catch(() => undefined)

    expect({ name: server.world.read(victimPlayer, Player, 'name'), circles: snapshot() }).toEqual(before)
    expect(server.world.read(callerPlayer, Player, 'name')).toBe('renamed')
    expect(server.world.findUnique(Player, 'identity', caller.identity)).toBe(callerPlayer)
  })

  it('two players see each other move, eat, split, and one comes back after a disconnect', async () => {
    const alice = await join()
    const bob = await join()
    await t.settle(alice.reducers.enterGame({ name: 'alice' }))
    await t.settle(bob.reducers.enterGame({ name: 'bob' }))

    // Bob's replica shows Alice's player and circle.
    const alicePlayer = await waitFor('alice in her replica', () => playerOf(alice))
    expect(await waitFor('alice in bob’s replica', () => playerOf(bob, alice.identity))).toBe(alicePlayer)
    const [aliceCircle] = await waitFor('alice’s circle in bob’s replica', () => {
      const c = circlesOf(bob, alicePlayer)
      return c.length === 1 ? c : undefined
    })
    if (aliceCircle === undefined) throw new Error('no circle')
    expect(bob.replica.world.read(alicePlayer, Player, 'name')).toBe('alice')

    // Alice steers; Bob's replica follows her circle.
    const start = bodyOf(bob, aliceCircle)
    if (start === undefined) throw new Error('no body')
    const dirX = start.x < 500 ? 1 : -1
    await t.settle(alice.reducers.updatePlayerInput({ dirX, dirY: 0 }))
    await waitFor('bob to see alice move 30 units', () => {
      const now = bodyOf(bob, aliceCircle)
      return now !== undefined && (now.x - start.x) * dirX > 30
    })
    await t.settle(alice.reducers.updatePlayerInput({ dirX: 0, dirY: 0 }))
    const serverBody = server.world.get(aliceCircle, Body)
    expect(serverBody).toBeDefined()
    // Positions travel quantized: the replica holds them to within half a step.
    await waitFor('bob’s replica to match the server', () => {
      const b = bodyOf(bob, aliceCircle)
      const near = (a: number, s: number): boolean => Math.abs(a - s) <= POSITION_STEP / 2
      return b !== undefined && serverBody !== undefined && near(b.x, serverBody.x) && near(b.y, serverBody.y)
    })

    // Food placed against Alice's circle is eaten at the next move step.
    const events: ConsumeEvent[] = []
    alice.onEvent((name, payload) => {
      if (name === CONSUME_EVENT && isConsumeEvent(payload)) events.push(payload)
    })
    const here = server.world.get(aliceCircle, Body)
    if (here === undefined) throw new Error('no body')
    const food = server.call('placeFood', { x: here.x + 1, y: here.y, mass: 3 }) as Entity
    await waitFor('the consume event', () => events.find((e) => e.consumed === food))
    expect(events.find((e) => e.consumed === food)?.consumer).toBe(aliceCircle)
    expect(server.world.isAlive(food)).toBe(false)
    await waitFor('bob to see the food gone', () => !bob.replica.world.isAlive(food) || !bob.replica.world.has(food, Body))
    expect(bodyOf(alice, aliceCircle)?.mass).toBeGreaterThanOrEqual(here.mass + 3)
    expect(stats.foodEaten).toBeGreaterThan(0)

    // With mass 100, a split makes two circles of 50.
    server.call('feed', { mass: 100 }, alice.identity)
    await waitFor('alice’s mass 100', () => (bodyOf(alice, aliceCircle)?.mass ?? 0) >= 100)
    await t.settle(alice.reducers.playerSplit())
    const split = await waitFor('two circles in bob’s replica', () => {
      const c = circlesOf(bob, alicePlayer)
      return c.length === 2 ? c : undefined
    })
    for (const e of split) expect(bodyOf(bob, e)?.mass).toBeGreaterThanOrEqual(50)

    // Alice leaves: her player and circles leave the live world (Bob sees them go) but are kept.
    const aliceKey = keyOf(alice)
    await alice.disconnect()
    await waitFor('bob to see alice leave', () => playerOf(bob, alice.identity) === undefined && circlesOf(bob, alicePlayer).length === 0)
    expect(server.world.has(alicePlayer, LoggedOutPlayer)).toBe(true)

    // She comes back with her key: same identity, same player, same circles.
    const again = await join(aliceKey)
    expect(again.identity).toBe(alice.identity)
    const back = await waitFor('alice back in her replica', () => playerOf(again))
    expect(back).toBe(alicePlayer)
    expect(circlesOf(again, back)).toEqual(split)
    expect(again.replica.world.read(back, Player, 'name')).toBe('alice')
    await waitFor('bob to see alice back', () => circlesOf(bob, alicePlayer).length === 2)
  })

  it('a replaced session keeps the player in the live world', async () => {
    const first = await join()
    await t.settle(first.reducers.enterGame({ name: 'twice' }))
    const player = await waitFor('the player', () => playerOf(first))
    const second = await join(keyOf(first))
    expect(second.identity).toBe(first.identity)
    await waitFor('the first session to be replaced', () => first.connection.state !== 'connected')
    t.step(10)
    expect(server.world.findUnique(Player, 'identity', first.identity)).toBe(player)
    expect(server.world.findAll(Circle, 'playerId', player).length).toBeGreaterThan(0)
    expect(playerOf(second)).toBe(player)
  })

  it('with duplicate sessions allowed, the player stays live until the last one closes', async () => {
    await using two = await createTestServer({ module: createTestModule(), duplicateIdentity: 'allow', authenticator: createKeyAuthenticator() })
    const host = two.server
    const key = generateIdentity()
    const first = await two.connect({ components: liveComponents, reducers, identity: key })
    const second = await two.connect({ components: liveComponents, reducers, identity: key })
    expect(second.identity).toBe(first.identity)
    await two.settle(first.reducers.enterGame({ name: 'two tabs' }))
    const player = await two.until(() => playerOf(second, first.identity), { what: 'the player' })
    await first.disconnect()
    // The server has dropped the first session, then ticks run: the player stays live for the second.
    await two.until(() => host.metrics().clients === 1, { what: 'the server to drop the first session' })
    two.step(10)
    expect(host.world.findUnique(Player, 'identity', first.identity)).toBe(player)
    await second.disconnect()
    await two.until(() => host.world.has(player, LoggedOutPlayer), { what: 'the player to be logged out' })
    expect(host.world.findUnique(Player, 'identity', first.identity)).toBeUndefined()
  })

  it('a bot enters the game over its own connection and steers', async () => {
    const bot = new Bot({ url: t.url, name: 'bot-test' })
    await t.settle(bot.start())
    try {
      await waitFor('the bot to send input', () => bot.stats.inputsSent > 0, 5000)
      const watcher = await join()
      const player = await waitFor('the bot’s player', () => playerOf(watcher, bot.stats.identity))
      expect(watcher.replica.world.read(player, Player, 'name')).toBe('bot-test')
      expect(bot.stats).toMatchObject({ connected: true, entered: true, reducerErrors: 0 })
    } finally {
      await bot.stop()
    }
  })
})
