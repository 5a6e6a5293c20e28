import { connect, type OrreryClient } from '@orrery/client'
import type { Entity } from '@orrery/ecs'
import fc from 'fast-check'
import { afterEach, describe, expect, it } from 'vitest'
import type { OrreryServer } from '../src/index.js'
import { components, dump, eventually, Position, reducerSchemas, startServer, stepUntil, Tag } from './helpers.js'

type TestClient = OrreryClient<typeof components, typeof reducerSchemas>

let server: OrreryServer | undefined
const clients: TestClient[] = []

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.disconnect()))
  await server?.close()
  server = undefined
})

async function setup(
  count: number,
  overrides: Parameters<typeof startServer>[0] = {},
): Promise<{ server: OrreryServer; clients: TestClient[]; url: string }> {
  const started = await startServer(overrides)
  server = started.server
  const made: TestClient[] = []
  for (let i = 0; i < count; i++) {
    const client = await stepUntil(started.server, connect({ url: started.url, components, reducers: reducerSchemas }))
    clients.push(client)
    made.push(client)
  }
  return { server: started.server, clients: made, url: started.url }
}

/** One tick, then waits (without further ticks) until the client's replica holds what that tick flushed. */
async function caughtUp(s: OrreryServer, client: TestClient): Promise<void> {
  s.step()
  const want = JSON.stringify(dump(s.world, [Position, Tag]))
  await eventually(null, () => JSON.stringify(dump(client.replica.world, [Position, Tag])) === want)
}

describe('replication', () => {
  it('one client calls a reducer; the other replica follows after the next tick, with callbacks and events', async () => {
    const { server: s, clients: [a, b] } = await setup(2)
    if (a === undefined || b === undefined) throw new Error('setup')
    const inserted: [number, number][] = []
    const events: string[] = []
    b.db.Position.onInsert((e, row) => inserted.push([e, row.x]))
    b.onEvent((name) => events.push(name))
    const call = a.reducers.spawn({ x: 11, y: 0 })
    // The call commits as it arrives; nothing reaches either replica before the next tick.
    await eventually(null, () => s.world.count(Position) === 1)
    expect(a.db.Position.count()).toBe(0)
    expect(b.db.Position.count()).toBe(0)
    const tick = s.tick
    s.step()
    const e = (await call) as Entity
    // The caller's result follows the update with its effects; the other replica got the same tick's update.
    expect(s.tick).toBe(tick + 1)
    expect(a.db.Position.get(e)?.x).toBe(11)
    await eventually(null, () => b.db.Position.get(e) !== undefined)
    expect(b.db.Position.get(e)).toEqual(s.world.get(e, Position))
    expect(b.db.Position.get(e)?.x).toBe(11)
    expect(b.db.Tag.findBy('owner', a.identity).map(([entity]) => entity)).toEqual([e])
    expect(inserted).toEqual([[e, 11]])
    expect(events).toEqual(['spawned'])
  })

  it('rejects reducer failures with ClientError codes and remote codes, validating arguments locally first', async () => {
    const { server: s, clients: [a] } = await setup(1)
    if (a === undefined) throw new Error('setup')
    const seq = s.seq
    await expect(stepUntil(s, a.reducers.spawnThenFail({ x: 1 }))).rejects.toMatchObject({
      name: 'ClientError',
      code: 'ERR_REDUCER_FAILED',
      remoteCode: 'ERR_REDUCER_FAILED',
      message: 'spawnThenFail always fails',
    })
    await expect(a.reducers.spawn({ x: 'left' as never, y: 0 })).rejects.toMatchObject({ code: 'ERR_INVALID_ARGUMENTS', remoteCode: undefined })
    await expect(stepUntil(s, a.reducers.move({ e: 123456, dx: 1 }))).rejects.toMatchObject({ code: 'ERR_REDUCER_FAILED' })
    expect(s.seq).toBe(seq)
    expect(s.metrics().reducerErrors).toBe(2)
  })

  it('subscribes to more components later and stops receiving rows after unsubscribe', async () => {
    const started = await startServer()
    server = started.server
    const c = await stepUntil(started.server, connect({ url: started.url, components, reducers: reducerSchemas, subscribe: ['Position'] }))
    clients.push(c)
    const e = (await stepUntil(started.server, c.reducers.spawn({ x: 1, y: 2 }))) as Entity
    expect(c.db.Position.count()).toBe(1)
    expect(c.db.Tag.count()).toBe(0)
    const sub = await stepUntil(started.server, c.subscribe(['Tag']))
    expect(c.db.Tag.get(e)?.owner).toBe(c.identity)
    const deleted: number[] = []
    c.db.Tag.onDelete((entity) => deleted.push(entity))
    await stepUntil(started.server, sub.unsubscribe())
    expect(c.db.Tag.count()).toBe(0)
    expect(deleted).toEqual([e])
    await expect(stepUntil(started.server, c.subscribe(['Nope']))).rejects.toMatchObject({
      code: 'ERR_SUBSCRIBE_FAILED',
      remoteCode: 'ERR_UNKNOWN_COMPONENT',
    })
  })

  it('property: after any sequence of reducer calls and ticks, the replica equals the server world', async () => {
    // Up to 40 runs of 25 calls plus shrinking go through two connections in a few hundred ms: far
    // over the default 60 messages/s, whose enforcement has its own tests (lifecycle.test.ts).
    const { server: s, clients: [client, other] } = await setup(2, { limits: { messagesPerSecond: 100_000, messageBurst: 100_000 } })
    if (client === undefined || other === undefined) throw new Error('setup')
    // A replica that refuses an update (and re-syncs) must fail the run by name, not by a timeout.
    const errors: string[] = []
    for (const c of [client, other]) c.onError((error) => errors.push(`${error.code}: ${error.message}`))
    const command = fc.oneof(
      fc.record({ kind: fc.constant('spawn' as const), x: fc.double({ noNaN: true, noDefaultInfinity: true }), y: fc.integer() }),
      fc.record({ kind: fc.constant('move' as const), pick: fc.nat(), dx: fc.integer({ min: -100, max: 100 }) }),
      fc.record({ kind: fc.constant('remove' as const), pick: fc.nat() }),
      fc.record({ kind: fc.constant('label' as const), pick: fc.nat(), label: fc.string({ maxLength: 12 }) }),
      fc.record({ kind: fc.constant('fail' as const) }),
      fc.record({ kind: fc.constant('tick' as const), n: fc.integer({ min: 1, max: 3 }) }),
    )
    await fc.assert(
      fc.asyncProperty(fc.array(command, { maxLength: 25 }), fc.boolean(), async (commands, viaOther) => {
        const caller = viaOther ? other : client
        for (const c of commands) {
          const alive = s.world.query([Position]).toArray()
          const pick = (n: number): Entity | undefined => alive[n % Math.max(1, alive.length)]
          if (c.kind === 'spawn') await stepUntil(s, caller.reducers.spawn({ x: c.x, y: c.y }))
          else if (c.kind === 'move' && pick(c.pick) !== undefined) await stepUntil(s, caller.reducers.move({ e: pick(c.pick) as Entity, dx: c.dx }))
          else if (c.kind === 'remove' && pick(c.pick) !== undefined) await stepUntil(s, caller.reducers.remove({ e: pick(c.pick) as Entity }))
          else if (c.kind === 'label' && pick(c.pick) !== undefined)
            await stepUntil(s, caller.reducers.label({ e: pick(c.pick) as Entity, label: c.label }))
          else if (c.kind === 'fail') await expect(stepUntil(s, caller.reducers.spawnThenFail({ x: 0 }))).rejects.toMatchObject({ code: 'ERR_REDUCER_FAILED' })
          else if (c.kind === 'tick') for (let i = 0; i < c.n; i++) s.step()
          expect(errors).toEqual([])
        }
        await caughtUp(s, client)
        expect(dump(client.replica.world, [Position, Tag])).toEqual(dump(s.world, [Position, Tag]))
        await caughtUp(s, other)
        expect(dump(other.replica.world, [Position, Tag])).toEqual(dump(s.world, [Position, Tag]))
      }),
      { numRuns: 40 },
    )
  })
})
