import { connect, type OrreryClient } from '@orrery/client'
import type { Entity } from '@orrery/ecs'
import type { OrreryServer } from '@orrery/server'
import { createFaultProxy, type FaultProxy } from '@orrery/tooling-chaos'
import { afterEach, describe, expect, it } from 'vitest'
import { LogStore } from '../src/index.js'
import { tempDir } from './fixtures.js'
import { components, dump, eventually, type Hooks, Position, populate, reducerSchemas, startGame, stepUntil, Tag } from './restart/game.js'

type GameClient = OrreryClient<typeof components, typeof reducerSchemas>

/** Rows of the world (20 a row, 50 units apart). */
const ROWS = 1_000
const AREA = { minX: 0, minY: 0, maxX: 240, maxY: 240, margin: 0 }
const cleanups: (() => Promise<void> | void)[] = []

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

/** Row callbacks and events of a client, in order. */
function record(client: GameClient) {
  const log = { inserted: [] as number[], deleted: [] as number[], updated: new Set<number>(), events: [] as string[], resumed: [] as boolean[] }
  client.db.Position.onInsert((e) => log.inserted.push(e))
  client.db.Position.onDelete((e) => log.deleted.push(e))
  client.db.Position.onUpdate((e) => log.updated.add(e))
  client.onEvent((name) => log.events.push(name))
  client.onReconnect(({ resumed }) => log.resumed.push(resumed))
  return log
}

/** The rows of the server inside the area (every row here sits well inside or well outside it). */
function inArea(server: OrreryServer): Record<string, [number, unknown][]> {
  const full = dump(server.world)
  const inside = new Set(
    (full.Position ?? []).filter(([, p]) => {
      const { x, y } = p as { x: number; y: number }
      return x >= AREA.minX && x <= AREA.maxX && y >= AREA.minY && y <= AREA.maxY
    }).map(([e]) => e),
  )
  return Object.fromEntries(Object.entries(full).map(([name, rows]) => [name, rows.filter(([e]) => inside.has(e))]))
}

/** Whether a replica holds exactly these rows (the area client's replica lags its server by up to a tick). */
function sameRows(world: Parameters<typeof dump>[0], rows: Record<string, [number, unknown][]>): boolean {
  return JSON.stringify(dump(world)) === JSON.stringify(rows)
}

/**
 * A world of {@link ROWS} rows on a SQLite data folder, two clients through a fault-injecting proxy (one with whole
 * tables, one with an area of interest), a few changes they see, then a call in flight and changes they do
 * not see (the proxy black-holes both sockets) when the server shuts down gracefully.
 */
async function playUntilShutdown(hooks: Hooks) {
  const { dir, cleanup } = tempDir()
  cleanups.push(cleanup)
  const first = await startGame(dir, 0, hooks)
  first.server.mutate('populate', (world) => populate(world, ROWS))
  const proxy: FaultProxy = await createFaultProxy({ targetPort: first.port })
  cleanups.push(() => proxy.close())
  const options = { url: `ws://127.0.0.1:${proxy.port}`, components, reducers: reducerSchemas, reconnect: { initialDelayMs: 5, maxDelayMs: 20, breakerThreshold: 1_000 } }
  const whole = await stepUntil(first.server, connect(options))
  const area = await stepUntil(first.server, connect({ ...options, subscribe: [{ components: ['Position', 'Tag'], area: AREA }] }))
  cleanups.push(() => whole.disconnect(), () => area.disconnect())
  const a = (await stepUntil(first.server, whole.reducers.spawn({ x: 10, y: 20 }))) as Entity
  const b = (await stepUntil(first.server, area.reducers.spawn({ x: 30, y: 40 }))) as Entity
  // Both clients hold both rows before their callbacks are recorded (the other client's update may still be on its way).
  await eventually(first.server, () => whole.replica.seq === first.server.seq && area.db.Position.get(a) !== undefined && whole.db.Position.get(b) !== undefined)
  const logs = { whole: record(whole), area: record(area) }
  // A call that reached the server, whose answer and effects are still on their way when the sockets go dark.
  const callsBefore = first.server.metrics().reducerCalls
  const inFlight = whole.reducers.spawn({ x: 50, y: 60 })
  inFlight.catch(() => {})
  await eventually(null, () => first.server.metrics().reducerCalls === callsBefore + 1)
  proxy.blackholeAll()
  first.server.call('remove', { e: b })
  first.server.call('move', { e: a, dx: 7 })
  first.server.step()
  proxy.refuse(true)
  const closing = first.server.close()
  proxy.cutAll()
  await closing
  return { dir, port: first.port, proxy, whole, area, logs, inFlight, a, b, seq: first.server.seq, tick: first.server.tick }
}

describe('resume across a graceful server restart (SQLite)', () => {
  it('clients resume the sessions the shutdown saved: missed frames replayed, callbacks once, the call in flight answered once', async () => {
    const hooks: Hooks = { connected: [], disconnected: [] }
    const played = await playUntilShutdown(hooks)
    const { whole, area, logs } = played
    expect(hooks.disconnected).toEqual([])
    // A new process on the same data folder and port.
    const after: Hooks = { connected: [], disconnected: [] }
    const { server } = await startGame(played.dir, played.port, after)
    cleanups.push(() => server.close())
    expect([server.seq, server.tick]).toEqual([played.seq, played.tick])
    expect(server.metrics().resume).toMatchObject({ restored: 2, detachedSessions: 2 })
    const bytesBefore = server.metrics().bytesSent
    played.proxy.refuse(false)
    // No tick is needed: a resume is Welcome and the replayed frames, at once.
    await eventually(null, () => logs.whole.resumed.length > 0 && logs.area.resumed.length > 0)
    const resumeBytes = server.metrics().bytesSent - bytesBefore
    expect(server.tick).toBe(played.tick)
    expect([logs.whole.resumed, logs.area.resumed]).toEqual([[true], [true]])
    const spawned = (await stepUntil(server, played.inFlight)) as Entity
    await eventually(server, () => whole.replica.seq === server.seq && area.replica.seq >= played.seq)
    expect(dump(whole.replica.world)).toEqual(dump(server.world))
    await eventually(server, () => sameRows(area.replica.world, inArea(server)))
    // The call ran once, on the first server; the copy the client sent again after the resume was recognised.
    expect(server.metrics().reducerCalls).toBe(0)
    expect(server.metrics().resume).toMatchObject({ resumed: 2, refused: 0, repeatedRequests: 1 })
    expect(server.world.query([Position]).toArray().filter((e) => server.world.read(e, Position, 'x') === 50)).toEqual([spawned])
    // The sessions went on: no onDisconnect on the first server; on the second, onConnect once per restored
    // session (after onRecover, which finds nobody connected), none at the resume.
    expect([after.connected.length, after.disconnected, hooks.disconnected]).toEqual([2, [], []])
    expect(new Set(after.connected)).toEqual(new Set(hooks.connected))
    // The new server goes on changing the world; the clients follow without a gap.
    const c = (await stepUntil(server, whole.reducers.spawn({ x: 70, y: 80 }))) as Entity
    server.call('remove', { e: spawned })
    await eventually(server, () => whole.replica.seq === server.seq && area.replica.world.isAlive(spawned) === false)
    expect(dump(whole.replica.world)).toEqual(dump(server.world))
    await eventually(server, () => sameRows(area.replica.world, inArea(server)))
    for (const log of [logs.whole, logs.area]) {
      expect(log.inserted).toEqual([spawned, c])
      expect(log.deleted).toEqual([played.b, spawned])
      expect(log.events).toEqual(['spawned', 'spawned'])
      expect(log.updated.has(played.a)).toBe(true)
    }
    console.info(`[restart] resume after a graceful restart: ${resumeBytes} bytes to 2 clients until both were consistent (${ROWS}-row world, 0 ticks)`)
  })

  it('sessions saved at a tick the recovered world does not match are dropped: clients re-sync, consistent', async () => {
    const played = await playUntilShutdown({ connected: [], disconnected: [] })
    const { whole, area, logs } = played
    const store = new LogStore(played.dir)
    store.db.prepare('UPDATE resume_saved SET tick = tick - 1').run()
    store.close()
    const { server } = await startGame(played.dir, played.port)
    cleanups.push(() => server.close())
    expect(server.metrics().resume).toMatchObject({ restored: 0, detachedSessions: 0 })
    const bytesBefore = server.metrics().bytesSent
    played.proxy.refuse(false)
    await eventually(server, () => logs.whole.resumed.length > 0 && logs.area.resumed.length > 0)
    const resyncBytes = server.metrics().bytesSent - bytesBefore
    const ticks = server.tick - played.tick
    expect([logs.whole.resumed, logs.area.resumed]).toEqual([[false], [false]])
    // A call in flight when a session is not resumed may or may not have run: the client is told so.
    await expect(played.inFlight).rejects.toMatchObject({ code: 'ERR_DISCONNECTED' })
    await eventually(server, () => whole.replica.seq === server.seq)
    expect(dump(whole.replica.world)).toEqual(dump(server.world))
    await eventually(server, () => sameRows(area.replica.world, inArea(server)))
    const spawned = server.world.query([Position]).toArray().filter((e) => server.world.read(e, Position, 'x') === 50)
    expect(spawned).toHaveLength(1)
    for (const log of [logs.whole, logs.area]) {
      expect(log.inserted).toEqual(spawned)
      expect(log.deleted).toEqual([played.b])
    }
    console.info(`[restart] re-sync after a restart whose saved sessions did not match: ${resyncBytes} bytes to 2 clients until both were consistent (${ROWS}-row world, ${ticks} ticks)`)
  })
})

void Tag
