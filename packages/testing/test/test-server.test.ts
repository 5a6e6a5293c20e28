import type { Entity } from '@orrery/ecs'
import { CloseCode } from '@orrery/protocol'
import { describe, expect, it } from 'vitest'
import { createTestServer, TestingError } from '../src/index.js'
import { Counter, counterModule } from './fixtures.js'

describe('createTestServer', () => {
  it('connects N real clients; a call by one reaches the others as a row', async () => {
    await using t = await createTestServer({ module: counterModule })
    const [alice, bob, carol] = await t.connectMany(3, { components: { Counter } })
    if (alice === undefined || bob === undefined || carol === undefined) throw new Error('three clients')
    expect(t.server.metrics().clients).toBe(3)
    const e = (await t.settle(alice.reducers.add({ value: 3 }))) as Entity
    const [found, row] = await t.waitForRow(bob, Counter, (r) => r.value === 3)
    expect(found).toBe(e)
    expect(row).toEqual({ owner: alice.identity, value: 3 })
    await t.waitForRow(carol, Counter, (r, entity) => entity === e && r.value === 3)
    expect(carol.db.Counter.get(e)?.owner).toBe(alice.identity)
  })

  it('sends nothing between steps: a change reaches a client with the next step, as one update', async () => {
    await using t = await createTestServer({ module: counterModule })
    const client = await t.connect({ components: { Counter } })
    const e = t.server.mutate('test', (world) => {
      const created = world.create()
      world.add(created, Counter, { owner: 'server', value: 1 })
      return created
    })
    expect(client.db.Counter.get(e)).toBeUndefined()
    const next = t.nextUpdate(client)
    const tick = t.server.tick
    t.step()
    expect(t.server.tick).toBe(tick + 1)
    expect(await next).toBe(t.server.seq)
    expect(client.db.Counter.get(e)?.value).toBe(1)
    t.step(3)
    expect(t.server.tick).toBe(tick + 4)
  })

  it('fails a wait with ERR_TIMEOUT and a message naming what was awaited', async () => {
    await using t = await createTestServer({ module: counterModule, timeoutMs: 100 })
    const client = await t.connect()
    const update = t.nextUpdate(client, { what: 'an update nobody sends' })
    await expect(update).rejects.toThrow(TestingError)
    await expect(update).rejects.toMatchObject({ code: 'ERR_TIMEOUT', message: expect.stringContaining('an update nobody sends') })
    const row = t.waitForRow(client, Counter, () => true)
    await expect(row).rejects.toMatchObject({ code: 'ERR_TIMEOUT', message: expect.stringMatching(/ticks stepped\) waiting for a Counter row/) })
    const failing = t.settle(client.reducers.bump({ e: 12345, by: 1 }))
    await expect(failing).rejects.toMatchObject({ name: 'ClientError' })
  })

  it('uses a manual clock: the server idles a silent client out only when the test moves time', async () => {
    await using t = await createTestServer({ module: counterModule, heartbeat: { pingIntervalMs: 1_000, idleTimeoutMs: 3_000 } })
    const client = await t.connect()
    const closed = new Promise<number>((resolve) => client.connection.on('close', ({ code }) => resolve(code)))
    // In one synchronous advance nothing can come back from the client: at 1 s and 2 s the server pings, at 3 s it gives up.
    t.advance(2_999)
    expect(t.server.metrics().clients).toBe(1)
    t.advance(1)
    expect(await closed).toBe(CloseCode.IdleTimeout)
  })

  it('dispose disconnects every client and closes the server, once', async () => {
    const t = await createTestServer({ module: counterModule })
    const clients = await t.connectMany(2)
    await Promise.all([t.dispose(), t.dispose()])
    expect(clients.map((c) => c.connection.state)).toEqual(['disconnected', 'disconnected'])
    expect(t.clients).toEqual([])
    expect(() => t.step()).toThrow(expect.objectContaining({ code: 'ERR_DISPOSED' }))
    await expect(t.connect({ timeoutMs: 500 })).rejects.toMatchObject({ code: 'ERR_DISPOSED' })
  })
})
