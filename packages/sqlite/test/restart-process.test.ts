import { connect, type OrreryClient } from '@orrery/client'
import type { Component, Entity, World } from '@orrery/ecs'
import { createFaultProxy } from '@orrery/tooling-chaos'
import { afterEach, describe, expect, it } from 'vitest'
import { openHistory } from '../src/index.js'
import { tempDir } from './fixtures.js'
import { components, dump, eventually, reducerSchemas } from './restart/game.js'
import { type GameProcess, startGameProcess } from './restart/process.js'

type GameClient = OrreryClient<typeof components, typeof reducerSchemas>

const cleanups: (() => unknown)[] = []

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

function track(game: GameProcess): GameProcess {
  cleanups.push(() => {
    if (game.child.exitCode === null && game.child.signalCode === null) game.child.kill('SIGKILL')
    return game.exited
  })
  return game
}

/** The stored world at a seq, dumped with the components rebuilt from the data folder's schema. */
function storedWorld(dir: string, seq: number): Record<string, [number, unknown][]> {
  const history = openHistory(dir)
  try {
    const world: World = history.worldAt(seq)
    return dump(world, ['Position', 'Tag'].map((name) => history.components.get(name) as Component))
  } finally {
    history.close()
  }
}

/**
 * A server process, two clients through the proxy making changes, then the process stops with `signal`
 * and a new one opens the same data folder on the same port; returns how the clients came back.
 */
async function restartWith(signal: 'SIGTERM' | 'SIGKILL') {
  const { dir, cleanup } = tempDir()
  cleanups.push(cleanup)
  const first = track(await startGameProcess(dir, 0))
  const proxy = await createFaultProxy({ targetPort: first.port })
  cleanups.push(() => proxy.close())
  const options = { url: `ws://127.0.0.1:${proxy.port}`, components, reducers: reducerSchemas, reconnect: { initialDelayMs: 5, maxDelayMs: 20, breakerThreshold: 1_000 } }
  const clients: GameClient[] = [await connect(options), await connect({ ...options, subscribe: [{ components: ['Position', 'Tag'], area: { minX: 0, minY: 0, maxX: 100, maxY: 100, margin: 0 } }] })]
  cleanups.push(...clients.map((c) => () => c.disconnect()))
  const [whole, area] = clients as [GameClient, GameClient]
  const a = (await whole.reducers.spawn({ x: 10, y: 10 })) as Entity
  const far = (await area.reducers.spawn({ x: 500, y: 500 })) as Entity
  await area.reducers.move({ e: a, dx: 5 })
  // The whole-table client holds both changes before its callbacks are recorded (its updates may still be on their way).
  await eventually(null, () => whole.db.Position.get(far) !== undefined && whole.db.Position.get(a)?.x === 15)
  const log = { inserted: [] as number[], deleted: [] as number[], resumed: [] as boolean[] }
  for (const c of clients) {
    c.db.Position.onInsert((e) => log.inserted.push(e))
    c.db.Position.onDelete((e) => log.deleted.push(e))
    c.onReconnect(({ resumed }) => log.resumed.push(resumed))
  }
  first.child.kill(signal)
  expect(await first.exited).toBe(signal === 'SIGKILL' ? 'SIGKILL' : 0)
  const second = track(await startGameProcess(dir, first.port))
  await eventually(null, () => log.resumed.length === 2, 10_000)
  const b = (await whole.reducers.spawn({ x: 20, y: 20 })) as Entity
  await eventually(null, () => area.db.Position.get(b) !== undefined)
  const seq = whole.replica.seq
  const stored = storedWorld(dir, seq)
  expect(dump(whole.replica.world)).toEqual(stored)
  expect(dump(area.replica.world).Position).toEqual(stored.Position?.filter(([, p]) => (p as { x: number }).x < 100))
  // Rows the clients held were neither inserted again nor deleted; the new one arrived once to each.
  expect(log.inserted).toEqual([b, b])
  expect(log.deleted).toEqual([])
  return { restored: second.restored, resumed: log.resumed }
}

describe('restart of a server process on a SQLite data folder', () => {
  it('after SIGTERM (a graceful shutdown) the next process restores the sessions and the clients resume', async () => {
    expect(await restartWith('SIGTERM')).toEqual({ restored: 2, resumed: [true, true] })
  }, 30_000)

  it('after SIGKILL (a crash) nothing was saved: the clients re-sync against their replicas, consistent', async () => {
    expect(await restartWith('SIGKILL')).toEqual({ restored: 0, resumed: [false, false] })
  }, 30_000)
})
