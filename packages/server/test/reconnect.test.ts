import { connect, type OrreryClient } from '@orrery/client'
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
    const refreshed = await second.refreshToken()
    expect(refreshed.startsWith(`${identity}.`)).toBe(true)
  })

  it('after a server restart, the client reconnects with its token, re-subscribes and the fresh snapshot replaces its tables', async () => {
    const secret = 'restart-secret-0123456789'
    const first = await start({ authenticator: createAnonymousAuthenticator({ secret }) })
    const client = await stepUntil(
      first.server,
      connect({ url: first.url, components, reducers: reducerSchemas, reconnect: { initialDelayMs: 10, maxDelayMs: 50 } }),
    )
    clients.push(client)
    const identity = client.identity
    await client.reducers.spawn({ x: 1, y: 1 })
    first.server.step()
    await eventually(first.server, () => client.db.Position.count() === 1)
    const changes = { inserted: 0, updated: 0, deleted: 0 }
    client.db.Position.onInsert(() => changes.inserted++)
    client.db.Position.onUpdate(() => changes.updated++)
    client.db.Position.onDelete(() => changes.deleted++)
    const port = Number(new URL(first.url).port)
    await first.server.close()
    // A new process on the same port: same secret, a different world (one entity the client never saw).
    const second = createServer({
      module: createTestModule(),
      logger: false,
      autoStart: false,
      port,
      authenticator: createAnonymousAuthenticator({ secret }),
    })
    servers.push(second)
    await second.listen()
    second.call('spawn', { x: 50, y: 50 })
    second.call('spawn', { x: 60, y: 60 })
    await eventually(second, () => client.db.Position.count() === 2 && client.connection.state === 'connected')
    expect(client.identity).toBe(identity)
    expect([...client.db.Position.iter()].map(([, row]) => row.x).sort()).toEqual([50, 60])
    expect(dump(client.replica.world, [Position, Tag])).toEqual(dump(second.world, [Position, Tag]))
    // The old row (x = 1) left or was overwritten in place; at least one new row came in.
    expect(changes.inserted).toBeGreaterThanOrEqual(1)
    expect(changes.updated + changes.deleted).toBeGreaterThanOrEqual(1)
    await client.reducers.spawn({ x: 70, y: 0 })
    await eventually(second, () => client.db.Position.count() === 3)
  })

})
