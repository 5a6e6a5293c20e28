import { connect, matchmake, type OrreryClient } from '@orrery/client'
import { createAnonymousAuthenticator } from '@orrery/server'
import { Redis } from 'ioredis'
import { afterEach, expect, it } from 'vitest'
import { createRedisPresence, createRedisRegistry, createWorldHost, type WorldHost, type WorldHostEvent } from '../src/index.js'
import { describeWithRedis } from '../src/test-utils/redis.js'
import { Counter, counterModule, reducers } from './counter-module.js'

describeWithRedis('world hosts across a Redis restart', (redis) => {
  const hosts: WorldHost[] = []
  const clients: OrreryClient<readonly [typeof Counter], typeof reducers>[] = []
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.disconnect()))
    await Promise.all(hosts.splice(0).map((h) => h.close()))
  })

  async function startHost(events: WorldHostEvent[]) {
    const url = redis().url
    const host = createWorldHost({
      kinds: { counter: { module: () => counterModule(), seats: 2 } },
      registry: createRedisRegistry({ url, keyPrefix: '{restart}:' }),
      presence: createRedisPresence({ url, keyPrefix: '{restart}:' }),
      heartbeatMs: 50,
      serverOptions: { logger: false, authenticator: createAnonymousAuthenticator({ secret: 'a secret shared by the cluster' }) },
      onEvent: (event) => events.push(event),
    })
    hosts.push(host)
    return { host, address: (await host.listen()).address }
  }

  it('the registry is rebuilt from the hosts, seats included: matchmaking goes on without overbooking', async () => {
    const events: WorldHostEvent[] = []
    const a = await startHost(events)
    const b = await startHost(events)
    const seat = await matchmake(a.address, 'counter')
    const client = await connect({ url: a.address, world: seat.worldId, ticket: seat.ticket, worldUrl: seat.url, components: [Counter], reducers })
    clients.push(client)
    expect(await client.reducers.add({ by: 3 })).toBe(3)
    await redis().restart()
    await until(() => events.some((e) => e.type === 'registry-rebuilt'))
    // The world has one seat left: the next join gets it, the one after opens a new world.
    const second = await matchmake(b.address, 'counter')
    const third = await matchmake(b.address, 'counter')
    expect(second.worldId).toBe(seat.worldId)
    expect(third.worldId).not.toBe(seat.worldId)
    expect(await client.reducers.add({ by: 1 })).toBe(4)
    // Nothing is left behind once the hosts are gone.
    await Promise.all(clients.splice(0).map((c) => c.disconnect()))
    await Promise.all(hosts.splice(0).map((h) => h.close()))
    const probe = new Redis(redis().url)
    try {
      expect(await probe.keys('{restart}:*')).toEqual([])
    } finally {
      probe.disconnect()
    }
  })
})

async function until(check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out')
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}
