import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join as joinPath } from 'node:path'
import { connect, joinOrCreate, type OrreryClient } from '@orrery/client'
import { createSqliteCommitLog } from '@orrery/sqlite'
import { afterEach, expect, it } from 'vitest'
import { createWorldHost, type WorldHost, type WorldHostEvent, type WorldHostOptions } from '../src/index.js'
import { Counter, counterModule, reducers, counterValue } from './counter-module.js'

const hosts: WorldHost[] = []
const clients: OrreryClient<readonly [typeof Counter], typeof reducers>[] = []
const dirs: string[] = []

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.disconnect()))
  await Promise.all(hosts.splice(0).map((h) => h.close()))
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
})

async function startHost(options: Partial<WorldHostOptions> = {}) {
  const events: WorldHostEvent[] = []
  const host = createWorldHost({
    kinds: { counter: { module: () => counterModule(), seats: 2 } },
    serverOptions: { logger: false },
    onEvent: (event) => events.push(event),
    ...options,
  })
  hosts.push(host)
  const { address } = await host.listen()
  return { host, address, events }
}

async function join(address: string, filters = {}) {
  const client = await joinOrCreate('counter', filters, { url: address, components: [Counter], reducers })
  clients.push(client)
  return client
}

it('hosts many worlds on one port: matchmaking fills a world to its seats, then opens another, each its own world', async () => {
  const { host, address } = await startHost()
  const [a, b, c] = [await join(address), await join(address), await join(address)]
  expect(host.worlds.size).toBe(2)
  expect(await a.reducers.add({ by: 5 })).toBe(5)
  expect(await b.reducers.add({ by: 1 })).toBe(6)
  // The third client is in a world of its own: its counter started at 0.
  expect(await c.reducers.add({ by: 1 })).toBe(1)
  expect(counterValue(a)).toBe(6)
  const seats = [...host.worlds.values()].map((w) => w.server.metrics().clients).sort()
  expect(seats).toEqual([1, 2])
  // A filter that no world has opens a new one.
  await join(address, { mode: 'duel' })
  expect(host.worlds.size).toBe(3)
})

it('connect({ url, world }) joins a known world; a full world refuses the connect', async () => {
  const { host, address } = await startHost()
  const world = await host.createWorld('counter', { id: 'lobby', seats: 1 })
  const client = await connect({ url: address, world: world.spec.id, components: [Counter], reducers })
  clients.push(client)
  expect(await client.reducers.add({ by: 2 })).toBe(2)
  await expect(connect({ url: address, world: 'lobby', components: [Counter], reducers, reconnect: { maxAttempts: 0 } })).rejects.toMatchObject({
    code: 'ERR_CONNECT_FAILED',
  })
})

it('disposes a world after it was empty for the grace period', async () => {
  const { host, address, events } = await startHost({ emptyGraceMs: 50, seatGraceMs: 20, heartbeatMs: 20 })
  const client = await join(address)
  expect(host.worlds.size).toBe(1)
  await clients.pop()!.disconnect()
  await new Promise<void>((resolve) => {
    const check = setInterval(() => {
      if (events.some((e) => e.type === 'world-closed')) {
        clearInterval(check)
        resolve()
      }
    }, 10)
  })
  expect(events.find((e) => e.type === 'world-closed')).toMatchObject({ why: 'empty' })
  expect(host.worlds.size).toBe(0)
  expect(counterValue(client)).toBe(0)
})

it('durable worlds come back from their logs when the host starts again', async () => {
  const dataDir = mkdtempSync(joinPath(tmpdir(), 'orrery-worlds-'))
  dirs.push(dataDir)
  const options: Partial<WorldHostOptions> = {
    kinds: { counter: { module: () => counterModule(), seats: 4, durable: true } },
    dataDir,
    openCommitLog: (dir) => createSqliteCommitLog({ dir }),
  }
  const first = await startHost(options)
  const client = await join(first.address)
  expect(await client.reducers.add({ by: 7 })).toBe(7)
  const [worldId] = first.host.worlds.keys()
  await clients.pop()!.disconnect()
  await hosts.pop()!.close()
  const second = await startHost(options)
  expect([...second.host.worlds.keys()]).toEqual([worldId])
  expect(second.events.find((e) => e.type === 'world-opened')).toMatchObject({ recovered: true })
  const back = await connect({ url: second.address, world: worldId!, components: [Counter], reducers })
  clients.push(back)
  expect(counterValue(back)).toBe(7)
})
