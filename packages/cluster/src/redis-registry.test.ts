import { Redis } from 'ioredis'
import { afterEach, expect, it } from 'vitest'
import { ClusterError } from './cluster-error.js'
import { createRedisRegistry, type RedisRegistryOptions } from './redis-registry.js'
import type { Registry } from './registry.js'
import { describeWithRedis } from './test-utils/redis.js'

describeWithRedis('redis registry', (redis) => {
  const open: Registry[] = []
  let prefix = 0
  const registries = (count: number, options: Partial<RedisRegistryOptions> = {}): Registry[] => {
    const keyPrefix = `{t${++prefix}}:`
    const out = Array.from({ length: count }, (_, i) => createRedisRegistry({ url: redis().url, keyPrefix, processId: `p${i}`, ...options }))
    open.push(...out)
    return out
  }
  const up = (r: Registry, clients = 0) => r.heartbeat({ address: `http://${r.processId}`, clients, tickMs: 0 })
  afterEach(async () => {
    await Promise.all(open.splice(0).map((r) => r.dispose()))
  })

  it('1,000 concurrent joinOrCreate calls from three processes fill worlds to exactly their seat limit', async () => {
    const three = registries(3)
    await Promise.all(three.map((r) => up(r)))
    const seats = 7
    const joins = await Promise.all(Array.from({ length: 1000 }, (_, i) => three[i % 3]!.joinOrCreate({ kind: 'arena', seats, filters: { mode: 'duel' } })))
    expect(new Set(joins.map((j) => j.ticket)).size).toBe(1000)
    const perWorld = new Map<string, number>()
    for (const join of joins) perWorld.set(join.worldId, (perWorld.get(join.worldId) ?? 0) + 1)
    expect(perWorld.size).toBe(Math.ceil(1000 / seats))
    const counts = [...perWorld.values()].sort((a, b) => b - a)
    expect(counts.filter((c) => c === seats)).toHaveLength(Math.floor(1000 / seats))
    expect(counts.at(-1)).toBe(1000 % seats)
    const worlds = await three[0]!.worlds('arena')
    expect(worlds.every((w) => w.taken <= w.seats && w.taken === perWorld.get(w.id))).toBe(true)
    expect(joins.filter((j) => j.created)).toHaveLength(perWorld.size)
    // Placement spreads new worlds over the least-loaded processes.
    const placed = new Map<string, number>()
    for (const w of worlds) placed.set(w.processId, (placed.get(w.processId) ?? 0) + 1)
    expect(Math.max(...placed.values()) - Math.min(...placed.values())).toBeLessThanOrEqual(1)
  })

  it('a reservation is consumed once on connect; a full world gives no seat; an expired one frees it', async () => {
    const [a] = registries(1)
    await up(a!)
    const first = await a!.joinOrCreate({ kind: 'duel', seats: 2 })
    const second = await a!.reserve(first.worldId)
    await expect(a!.reserve(first.worldId)).rejects.toMatchObject({ code: 'ERR_WORLD_FULL' })
    expect(await a!.consume(first.worldId, first.ticket, false)).toBe('reserved')
    expect(await a!.consume(first.worldId, first.ticket, false)).toBe('seated')
    expect(await a!.consume(first.worldId, 'stranger', true)).toBe('full')
    expect(await a!.consume(first.worldId, second.ticket, false)).toBe('reserved')
    await a!.release(first.worldId, first.ticket)
    const short = await a!.reserve(first.worldId, 1)
    await new Promise((resolve) => setTimeout(resolve, 10))
    // The short reservation expired: its seat went back, and its ticket is no longer a reservation.
    const third = await a!.reserve(first.worldId)
    expect(await a!.consume(first.worldId, short.ticket, false)).toBe('full')
    expect(await a!.consume(first.worldId, third.ticket, false)).toBe('reserved')
    expect(await a!.consume('nope', 'x', true)).toBe('unknown')
  })

  it('places a new world on the least-loaded live process', async () => {
    const [busy, idle] = registries(2)
    await up(busy!, 50)
    await up(idle!, 3)
    const seat = await busy!.joinOrCreate({ kind: 'arena', seats: 4 })
    expect(seat.processId).toBe(idle!.processId)
    expect(seat.address).toBe(`http://${idle!.processId}`)
  })

  it('with no live process, joinOrCreate throws ERR_NO_PROCESS', async () => {
    const [a] = registries(1)
    const error = await a!.joinOrCreate({ kind: 'arena', seats: 4 }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ClusterError)
    expect((error as ClusterError).code).toBe('ERR_NO_PROCESS')
  })

  it('moves the durable worlds of a process whose heartbeat ran out to a live one and drops the others', async () => {
    const [dying, live] = registries(2, { processTtlMs: 150 })
    await up(dying!)
    await dying!.registerWorld({ id: 'keep', kind: 'arena', seats: 4, durable: true, metadata: {} }, ['t1'])
    await dying!.registerWorld({ id: 'drop', kind: 'arena', seats: 4, durable: false, metadata: {} })
    await new Promise((resolve) => setTimeout(resolve, 200))
    await up(live!)
    const moved = await live!.sweep()
    expect(moved).toEqual([{ worldId: 'keep', kind: 'arena', processId: live!.processId }])
    expect((await live!.heartbeat({ address: 'http://p1', clients: 0, tickMs: 0 })).worlds).toEqual(['keep'])
    expect(await live!.occupants('keep')).toEqual(['t1'])
    expect(await live!.world('drop')).toBeNull()
    expect((await live!.processes()).map((p) => p.id)).toEqual([live!.processId])
  })

  it('survives a Redis restart: the next heartbeat says to rebuild, and re-registered worlds keep their seats', async () => {
    const [a, b] = registries(2)
    await up(a!)
    await up(b!)
    const seat = await a!.joinOrCreate({ kind: 'arena', seats: 2 })
    const host = [a!, b!].find((r) => r.processId === seat.processId)!
    expect(await host.consume(seat.worldId, seat.ticket, false)).toBe('reserved')
    const spec = { id: seat.worldId, kind: 'arena', seats: 2, durable: false, metadata: {} }
    await redis().restart()
    // Commands issued while Redis is away wait for the reconnect.
    const after = await host.heartbeat({ address: `http://${host.processId}`, clients: 1, tickMs: 0 })
    expect(after).toEqual({ rebuilt: true, worlds: [] })
    expect(await host.registerWorld(spec, [seat.ticket])).toBe(true)
    const next = await b!.joinOrCreate({ kind: 'arena', seats: 2 })
    expect(next.worldId).toBe(seat.worldId)
    await expect(b!.reserve(seat.worldId)).rejects.toMatchObject({ code: 'ERR_WORLD_FULL' })
  })

  it('every key has a TTL while in use, and dispose leaves none behind', async () => {
    const three = registries(3)
    const keyPrefix = `{t${prefix}}:`
    const client = new Redis(redis().url)
    try {
      const count = async () => (await client.keys(`${keyPrefix}*`)).length
      expect(await count()).toBe(0)
      for (let round = 0; round < 5; round++) {
        await Promise.all(three.map((r) => up(r)))
        const joins = await Promise.all(Array.from({ length: 60 }, (_, i) => three[i % 3]!.joinOrCreate({ kind: `k${round % 2}`, seats: 5 })))
        for (const join of joins.slice(0, 30)) await three[0]!.consume(join.worldId, join.ticket, false)
        for (const join of joins.slice(0, 10)) await three[1]!.release(join.worldId, join.ticket)
        await three[2]!.sweep()
      }
      const keys = await client.keys(`${keyPrefix}*`)
      expect(keys.length).toBeGreaterThan(0)
      const ttls = await Promise.all(keys.map((k) => client.pttl(k)))
      expect(ttls.filter((t) => t <= 0)).toEqual([])
      await Promise.all(open.splice(0).map((r) => r.dispose()))
      expect(await client.keys(`${keyPrefix}*`)).toEqual([])
    } finally {
      client.disconnect()
    }
  })
})
