import type { ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { connect, matchmake, type OrreryClient } from '@orrery/client'
import { afterAll, expect, it } from 'vitest'
import { describeWithRedis } from '../src/test-utils/redis.js'
import { Counter, counterValue, reducers } from './counter-module.js'
import { startHostProcess } from './spawn-host.js'

type CounterClient = OrreryClient<readonly [typeof Counter], typeof reducers>

/** Resolves once the client's replica holds `value` (at once when it does); rejects after 5 s with what it holds. */
function sees(client: CounterClient, value: number): Promise<void> {
  if (counterValue(client) === value) return Promise.resolve()
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off()
      reject(new Error(`the client sees ${counterValue(client)}, not ${value}`))
    }, 5_000)
    const off = client.replica.onApplied(() => {
      if (counterValue(client) !== value) return
      clearTimeout(timer)
      off()
      resolve()
    })
  })
}

describeWithRedis('failover with real processes', (redis) => {
  const children: ChildProcess[] = []
  const clients: CounterClient[] = []
  const dataDir = mkdtempSync(join(tmpdir(), 'orrery-failover-'))
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.disconnect()))
    for (const child of children) child.kill('SIGKILL')
    rmSync(dataDir, { recursive: true, force: true })
  })

  it('a killed process: its durable worlds come back on live ones from their logs, clients reconnect, nothing acknowledged is lost', async () => {
    const hosts = await Promise.all([0, 1, 2].map(() => startHostProcess(redis().url, dataDir)))
    children.push(...hosts.map((h) => h.child))
    const addresses = hosts.map((h) => h.address)
    const worldOf = new Map<(typeof clients)[number], string>()
    for (let i = 0; i < 6; i++) {
      const seat = await matchmake(addresses[i % 3]!, 'counter')
      const client = await connect({ url: addresses[i % 3]!, world: seat.worldId, ticket: seat.ticket, worldUrl: seat.url, processes: addresses, components: [Counter], reducers })
      clients.push(client)
      worldOf.set(client, seat.worldId)
    }
    const acked = new Map<string, number>()
    for (const [i, client] of clients.entries()) acked.set(worldOf.get(client)!, (await client.reducers.add({ by: i + 1 })) as number)
    const worlds = (await (await fetch(`${addresses[0]}/worlds`)).json()) as { id: string; processId: string }[]
    expect(worlds).toHaveLength(3)
    // Placement put the three worlds on the three processes.
    expect(new Set(worlds.map((w) => w.processId)).size).toBe(3)
    const victim = hosts.find((h) => worlds.some((w) => w.processId === h.processId))!
    const moving = worlds.filter((w) => w.processId === victim.processId).map((w) => w.id)
    const affected = clients.filter((c) => moving.includes(worldOf.get(c)!))
    const reconnected = affected.map((c) => new Promise<number>((resolve) => c.onReconnect(() => resolve(performance.now()))))
    const killedAt = performance.now()
    victim.child.kill('SIGKILL')
    const times = await Promise.all(reconnected)
    const recoveryMs = Math.max(...times) - killedAt
    expect(recoveryMs).toBeLessThan(5_000)
    for (const client of clients) {
      const id = worldOf.get(client)!
      // Everything acknowledged before the kill is in the recovered world, and it goes on counting. A client
      // of a world another client just added to sees that update when its own socket delivers it.
      await sees(client, acked.get(id)!)
      expect(counterValue(client)).toBe(acked.get(id))
      const next = await client.reducers.add({ by: 100 })
      acked.set(id, next as number)
    }
    const after = (await (await fetch(`${hosts.find((h) => h !== victim)!.address}/worlds`)).json()) as { id: string; processId: string }[]
    expect(after.map((w) => w.id).sort()).toEqual(worlds.map((w) => w.id).sort())
    expect(after.every((w) => w.processId !== victim.processId)).toBe(true)
    const opened = hosts.filter((h) => h !== victim).flatMap((h) => h.events.filter((e) => e.type === 'world-opened' && e.recovered === true))
    expect(opened.map((e) => e.worldId).sort()).toEqual([...moving].sort())
  }, 30_000)
})
