import { connect, type OrreryClient } from '@orrery/client'
import type { Entity } from '@orrery/ecs'
import { afterEach, describe, expect, it } from 'vitest'
import { createAnonymousAuthenticator, createServer, type OrreryServer } from '../src/index.js'
import { components, createTestModule, dump, eventually, Position, reducerSchemas, startServer, stepUntil, Tag } from './helpers.js'

type TestClient = OrreryClient<typeof components, typeof reducerSchemas>

const servers: OrreryServer[] = []
const clients: TestClient[] = []

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.disconnect()))
  await Promise.all(servers.splice(0).map((s) => s.close()))
})

async function start(...args: Parameters<typeof startServer>) {
  const started = await startServer(...args)
  servers.push(started.server)
  return started
}

describe('reconnect', () => {
  it('a client that reconnects with its token is the same identity', async () => {
    const { server, url } = await start()
    const tokens: string[] = []
    const first = await stepUntil(server, connect({ url, components, reducers: reducerSchemas, onTokenChange: (t) => tokens.push(t) }))
    const identity = first.identity
    expect(tokens).toEqual([first.token])
    await first.disconnect()
    const second = await stepUntil(server, connect({ url, components, reducers: reducerSchemas, token: tokens[0] ?? null }))
    clients.push(second)
    expect(second.identity).toBe(identity)
    const refreshed = await stepUntil(server, second.refreshToken())
    expect(refreshed.startsWith(`${identity}.`)).toBe(true)
  })

  it('after a server restart, the client reconnects with its token, re-subscribes, and rows the new session does not send again are deleted', async () => {
    const secret = 'restart-secret-0123456789'
    const first = await start({ authenticator: createAnonymousAuthenticator({ secret }) })
    const client = await stepUntil(
      first.server,
      connect({ url: first.url, components, reducers: reducerSchemas, reconnect: { initialDelayMs: 10, maxDelayMs: 50 } }),
    )
    clients.push(client)
    const identity = client.identity
    const kept = (await stepUntil(first.server, client.reducers.spawn({ x: 1, y: 1 }))) as Entity
    const dropped = (await stepUntil(first.server, client.reducers.spawn({ x: 2, y: 2 }))) as Entity
    expect(client.db.Position.count()).toBe(2)
    const changes = { inserted: [] as number[], updated: [] as number[], deleted: [] as number[] }
    client.db.Position.onInsert((e) => changes.inserted.push(e))
    client.db.Position.onUpdate((e) => changes.updated.push(e))
    client.db.Position.onDelete((e) => changes.deleted.push(e))
    const port = Number(new URL(first.url).port)
    await first.server.close()
    // A new process on the same port: same secret, a different world with one entity, which has the id of the
    // client's first row: that stale row is overwritten by the new session's insert; the second row is not sent again.
    const second = createServer({
      module: createTestModule(),
      logger: false,
      autoStart: false,
      port,
      authenticator: createAnonymousAuthenticator({ secret }),
    })
    servers.push(second)
    await second.listen()
    const fresh = second.call('spawn', { x: 50, y: 50 }) as Entity
    expect(fresh).toBe(kept)
    await eventually(second, () => changes.deleted.length > 0 && client.connection.state === 'connected')
    expect(client.identity).toBe(identity)
    expect(changes.deleted).toEqual([dropped])
    expect(changes.inserted.concat(changes.updated)).toEqual([kept])
    expect([...client.db.Position.iter()].map(([, row]) => row.x)).toEqual([50])
    expect(dump(client.replica.world, [Position, Tag])).toEqual(dump(second.world, [Position, Tag]))
    const e = (await stepUntil(second, client.reducers.spawn({ x: 70, y: 0 }))) as Entity
    expect(client.db.Position.get(e)?.x).toBe(70)
    expect(client.db.Position.count()).toBe(2)
  })
})
