import { Redis } from 'ioredis'
import { afterEach, expect, it } from 'vitest'
import type { Presence } from './presence.js'
import { createRedisPresence } from './redis-presence.js'
import { describeWithRedis } from './test-utils/redis.js'

/** Resolves with the first `count` messages `presence` receives on `channel`. */
async function collect(presence: Presence, channel: string, count: number): Promise<{ messages: Promise<string[]>; off: () => Promise<void> }> {
  const got: string[] = []
  let done: (messages: string[]) => void = () => {}
  const messages = new Promise<string[]>((resolve) => {
    done = resolve
  })
  const off = await presence.subscribe(channel, (message) => {
    got.push(message)
    if (got.length === count) done(got)
  })
  return { messages, off }
}

describeWithRedis('redis presence', (redis) => {
  const open: Presence[] = []
  let prefix = 0
  const presences = (count: number, leaseMs?: number): Presence[] => {
    const keyPrefix = `{p${++prefix}}:`
    const out = Array.from({ length: count }, () => createRedisPresence({ url: redis().url, keyPrefix, ...(leaseMs === undefined ? {} : { leaseMs }) }))
    open.push(...out)
    return out
  }
  afterEach(async () => {
    await Promise.all(open.splice(0).map((p) => p.close()))
  })

  it('pub/sub reaches the subscribers of every process', async () => {
    const three = presences(3)
    const subs = await Promise.all(three.map((p) => collect(p, 'chat', 3)))
    expect(await three[0]!.publish('chat', 'a')).toBe(3)
    await three[1]!.publish('chat', 'b')
    await three[2]!.publish('chat', 'c')
    for (const sub of subs) expect(await sub.messages).toEqual(['a', 'b', 'c'])
    await subs[0]!.off()
    expect(await three[1]!.publish('chat', 'd')).toBe(2)
  })

  it('keys are shared; a TTL ends one; owned keys go with their presence', async () => {
    const [a, b] = presences(2)
    await a!.set('leader', 'ada')
    await a!.set('short', 'x', { ttlMs: 1 })
    expect(await b!.get('leader')).toBe('ada')
    await new Promise((resolve) => setTimeout(resolve, 10))
    expect(await b!.get('short')).toBeNull()
    await a!.close()
    expect(await b!.get('leader')).toBeNull()
    expect(await b!.delete('leader')).toBe(false)
  })

  it('survives a Redis restart: commands and subscriptions come back, owned keys are written again', async () => {
    const [a, b] = presences(2, 300)
    await a!.set('owned', 'yes')
    const before = await collect(b!, 'news', 1)
    expect(await a!.publish('news', 'before')).toBe(1)
    expect(await before.messages).toEqual(['before'])
    await redis().restart()
    const after = await collect(b!, 'after', 1)
    // The subscriber reconnects on its own; publish until it is back.
    let reached = 0
    for (let i = 0; i < 100 && reached === 0; i++) {
      reached = await a!.publish('after', 'hello')
      if (reached === 0) await new Promise((resolve) => setTimeout(resolve, 50))
    }
    expect(await after.messages).toEqual(['hello'])
    let owned: string | null = null
    for (let i = 0; i < 100 && owned === null; i++) {
      owned = await b!.get('owned')
      if (owned === null) await new Promise((resolve) => setTimeout(resolve, 20))
    }
    expect(owned).toBe('yes')
  })

  it('close leaves no key behind', async () => {
    const three = presences(3)
    const client = new Redis(redis().url)
    try {
      for (const [i, p] of three.entries()) {
        await p.set(`k${i}`, 'v')
        await p.set(`t${i}`, 'v', { ttlMs: 60_000 })
      }
      const keys = await client.keys(`{p${prefix}}:*`)
      expect(keys).toHaveLength(6)
      expect((await Promise.all(keys.map((k) => client.pttl(k)))).every((t) => t > 0)).toBe(true)
      for (const [i, p] of three.entries()) await p.delete(`t${i}`)
      await Promise.all(open.splice(0).map((p) => p.close()))
      expect(await client.keys(`{p${prefix}}:*`)).toEqual([])
    } finally {
      client.disconnect()
    }
  })
})
