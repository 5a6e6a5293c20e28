import { connect, type OrreryClient } from '@orrery/client'
import { createFaultProxy, type FaultProxy } from '@orrery/tooling-chaos'
import { afterEach, describe, expect, it } from 'vitest'
import {
  type CommitLog,
  createAnonymousAuthenticator,
  createMemoryCommitLog,
  createServer,
  defineReducer,
  type OrreryServer,
  type SavedSessions,
  type SessionStore,
} from '../src/index.js'
import { components, createTestModule, eventually, type HookLog, reducerSchemas, stepUntil } from './helpers.js'

type TestClient = OrreryClient<typeof components, typeof reducerSchemas>

const secret = 'restart-sessions-secret-0123456789'
const cleanups: (() => unknown)[] = []

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

/** A session store in memory; `failSave` makes `save` throw. */
function memoryStore(failSave = false): SessionStore & { saved: SavedSessions | null } {
  return {
    saved: null,
    save(saved) {
      if (failSave) throw new Error('disk full')
      this.saved = saved
    },
    take() {
      const taken = this.saved
      this.saved = null
      return taken
    },
  }
}

/** A server on `log` (a log in memory dressed as durable or not, with a session store); `extraReducer` changes its schema. */
async function start(hooks: HookLog, log: CommitLog, extraReducer = false): Promise<{ server: OrreryServer; port: number }> {
  const base = createTestModule(hooks)
  const module = extraReducer ? { ...base, reducers: { ...base.reducers, noop: defineReducer({}, () => {}) } } : base
  const server = createServer({ module, logger: false, autoStart: false, seed: 7, commitLog: log, authenticator: createAnonymousAuthenticator({ secret }) })
  cleanups.push(() => server.close())
  return { server, port: (await server.listen()).port }
}

/** A first server with one client through a proxy, one call made; then the server closes gracefully. */
async function playAndClose(store: SessionStore, durable: boolean) {
  const log = createMemoryCommitLog()
  const hooks: HookLog = { connected: [], disconnected: [] }
  const first = await start(hooks, { ...log, durable, sessions: store })
  const proxy: FaultProxy = await createFaultProxy({ targetPort: first.port })
  cleanups.push(() => proxy.close())
  const client: TestClient = await stepUntil(
    first.server,
    connect({ url: `ws://127.0.0.1:${proxy.port}`, components, reducers: reducerSchemas, reconnect: { initialDelayMs: 5, maxDelayMs: 20, breakerThreshold: 1_000 } }),
  )
  cleanups.push(() => client.disconnect())
  await stepUntil(first.server, client.reducers.spawn({ x: 1, y: 2 }))
  const resumed: boolean[] = []
  client.onReconnect((info) => resumed.push(info.resumed))
  proxy.refuse(true)
  await first.server.close()
  const recovered: CommitLog = { ...log, durable, sessions: store, recover: () => ({ snapshot: null, entries: [...log.all] }) }
  /** Opens the next server on the same log and lets the client back in. */
  const restart = async (after: HookLog, extraReducer = false) => {
    const second = await start(after, recovered, extraReducer)
    proxy.setTarget(second.port)
    proxy.refuse(false)
    return second.server
  }
  return { hooks, resumed, restart }
}

describe('sessions saved at a graceful shutdown', () => {
  it('are restored with what was left of their window (onConnect on the new server); one not resumed in time ends there, with onDisconnect', async () => {
    const store = memoryStore()
    const { hooks, resumed, restart } = await playAndClose(store, true)
    expect(hooks.disconnected).toEqual([])
    const saved = store.saved as SavedSessions
    expect(saved.sessions).toHaveLength(1)
    // The downtime outlasted the window (120 s by default).
    store.saved = { ...saved, savedAt: saved.savedAt - 120_001 }
    const after: HookLog = { connected: [], disconnected: [], connections: [] }
    const server = await restart(after)
    expect(server.metrics().resume.restored).toBe(1)
    await eventually(server, () => resumed.length > 0)
    expect(resumed).toEqual([false])
    // onConnect for the restored session (after onRecover), onDisconnect when its window ran out, onConnect for the fresh one.
    expect(after.connected).toHaveLength(2)
    expect(after.disconnected).toHaveLength(1)
    // The restored session keeps the connectionId of the first server's connection that opened it; the fresh
    // connection gets a new one (hooks that track connections by id must not see one id twice).
    expect(after.connections).toEqual(['connect c1', 'disconnect c1', 'connect c2'])
    expect(store.saved).toBeNull()
  })

  it('are dropped when the recovered world is at another seq: the client re-syncs', async () => {
    const store = memoryStore()
    const { resumed, restart } = await playAndClose(store, true)
    const saved = store.saved as SavedSessions
    store.saved = { ...saved, seq: saved.seq + 1 }
    const after: HookLog = { connected: [], disconnected: [] }
    const server = await restart(after)
    expect(server.metrics().resume).toMatchObject({ restored: 0, detachedSessions: 0 })
    await eventually(server, () => resumed.length > 0)
    expect(resumed).toEqual([false])
    expect(after.disconnected).toEqual([])
  })

  it('are dropped when the module changed its reducers or components (a deploy that changes the schema)', async () => {
    const store = memoryStore()
    const { resumed, restart } = await playAndClose(store, true)
    const server = await restart({ connected: [], disconnected: [] }, true)
    expect(server.metrics().resume.restored).toBe(0)
    await eventually(server, () => resumed.length > 0)
    expect(resumed).toEqual([false])
  })

  it('are not saved without a durable log, nor when the store fails: sessions end at shutdown as before', async () => {
    for (const [store, durable] of [
      [memoryStore(), false],
      [memoryStore(true), true],
    ] as const) {
      const { hooks, resumed, restart } = await playAndClose(store, durable)
      expect(hooks.disconnected).toHaveLength(1)
      expect(store.saved).toBeNull()
      const server = await restart({ connected: [], disconnected: [] })
      await eventually(server, () => resumed.length > 0)
      expect(resumed).toEqual([false])
    }
  })
})
