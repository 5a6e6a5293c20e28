import { type Component, createWorld, defineComponent, type Entity } from '@orrery/ecs'
import { type Area, decodeServerMessage, type ProtocolEvent, type ServerMessage, type TableUpdate } from '@orrery/protocol'
import { describe, expect, it } from 'vitest'
import { createReplica } from './replica.js'
import { createReplicator } from './replicator.js'
import { SyncError } from './sync-error.js'
import { aoiComponents, Body, components, Mover, Player, Score, Tag } from './test-utils/fixtures.js'
import { type Harness, harness, onlyUpdate, type TestClient, updatesOf } from './test-utils/harness.js'
import { type ViewSpec, viewProblems } from './test-utils/view-check.js'

/** A run's head: count · 2^fields + mask (docs/protocol.md §7). */
const run = (mask: number, count: number, fields: number): number => count * 2 ** fields + mask

function codeOf(fn: () => void): string | undefined {
  try {
    fn()
  } catch (error) {
    return error instanceof SyncError ? error.code : `not a SyncError: ${String(error)}`
  }
  return undefined
}

function table(update: { tables: readonly TableUpdate[] }, tableId: number): TableUpdate | undefined {
  return update.tables.find((t) => t.tableId === tableId)
}

/** Where the insert row of a handle starts in a flat `[handle, ...fields]` list. */
function rowAt(inserts: readonly unknown[], stride: number, handle: number): number {
  for (let at = 0; at < inserts.length; at += stride) if (inserts[at] === handle) return at
  throw new Error(`no insert row for handle ${handle}`)
}

function types(messages: readonly ServerMessage[]): string[] {
  return messages.map((m) => m.type)
}

/** The handles of the rows of an update's runs: `[head, (handle, values)*]*`, head = count · 2^fields + mask. */
function updatedHandles(t: TableUpdate | undefined, fields = 4): number[] {
  const out: number[] = []
  if (t === undefined) return out
  let at = 0
  while (at < t.updates.length) {
    const head = t.updates[at] as number
    const mask = head % 2 ** fields
    const count = (head - mask) / 2 ** fields
    let bits = 0
    for (let b = mask; b !== 0; b &= b - 1) bits++
    at += 1
    let previous = 0
    for (let r = 0; r < count; r++) {
      previous += t.updates[at] as number
      out.push(previous)
      at += 1 + bits
    }
  }
  return out
}

/** Entity → handle, from the binds of every update so far (releases forget). */
function handleMap(messages: readonly ServerMessage[], into = new Map<number, Entity>()): Map<number, Entity> {
  for (const u of updatesOf(messages)) {
    for (const h of u.releases) into.delete(h)
    for (let k = 0; k < u.binds.length; k += 2) into.set(u.binds[k] as number, u.binds[k + 1] as Entity)
  }
  return into
}

function expectExact(h: Harness, c: TestClient, spec: ViewSpec, components: readonly Component[] = aoiComponents): void {
  expect(viewProblems(h.world, c.replica, components, spec, true)).toEqual([])
}

const AREA: Area = { minX: 0, minY: 0, maxX: 100, maxY: 100, margin: 10 }
const HYSTERESIS = 5
const areaSpec = (area: Area, tables: readonly Component[] = [Mover, Tag], whole: readonly Component[] = []): ViewSpec => ({
  whole,
  area: { components: tables, position: Mover, area, hysteresis: HYSTERESIS },
})

function aoi(options: Parameters<typeof harness>[0] = {}): Harness {
  return harness({ components: aoiComponents, hysteresis: HYSTERESIS, ...options })
}

function spawn(h: Harness, x: number, y: number, extra: { tag?: string; score?: number; heading?: number; hp?: number } = {}): Entity {
  return h.tx(() => {
    const e = h.world.create()
    h.world.add(e, Mover, { x, y, heading: extra.heading ?? 0, hp: extra.hp ?? 1 })
    if (extra.tag !== undefined) h.world.add(e, Tag, { label: extra.tag, level: 1 })
    if (extra.score !== undefined) h.world.add(e, Score, { points: extra.score, ratio: 0.5 })
    return e
  })
}

function moveTo(h: Harness, e: Entity, x: number, y: number): void {
  h.tx(() => h.world.update(e, Mover, { x, y }))
}

describe('createReplicator', () => {
  it('describes the replicated tables in table-id order, with quantization steps (positions predicted)', () => {
    const { replicator } = aoi()
    expect(replicator.schema).toEqual([
      ['Mover', [['x', 'f64', 1 / 16, true], ['y', 'f64', 1 / 16, true], ['heading', 'f32'], ['hp', 'u8']]],
      ['Tag', [['label', 'string'], ['level', 'u16']]],
      ['Score', [['points', 'u32'], ['ratio', 'f32', 0.01]]],
    ])
  })

  it('advances seq only for non-empty change sets', () => {
    const h = harness()
    const seqs = [
      h.replicator.commit(h.world.transaction(() => {}).changes),
      h.replicator.commit(h.world.transaction(() => h.world.add(h.world.create(), Body)).changes),
      h.replicator.commit(h.world.transaction(() => h.world.emit('ping', null)).changes),
    ]
    expect(seqs).toEqual([0, 1, 2])
    expect(h.replicator.seq).toBe(2)
  })

  it('refuses more than 32 tables, duplicate clients and unknown clients or components', () => {
    const many = Array.from({ length: 33 }, (_, i) => defineComponent(`C${i}`, { v: 'u8' }))
    const h = harness()
    expect(codeOf(() => createReplicator({ world: h.world, components: many }))).toBe('ERR_TOO_MANY_TABLES')
    h.client('a')
    expect(codeOf(() => h.replicator.addClient('a', { send: () => {} }))).toBe('ERR_DUPLICATE_CLIENT')
    expect(codeOf(() => h.replicator.subscribe('nobody', 1, 1, ['Body']))).toBe('ERR_UNKNOWN_CLIENT')
    expect(codeOf(() => h.replicator.unsubscribe('nobody', 1, 1))).toBe('ERR_UNKNOWN_CLIENT')
    expect(codeOf(() => h.replicator.setArea('nobody', 1, AREA))).toBe('ERR_UNKNOWN_CLIENT')
    expect(codeOf(() => h.replicator.subscribe('a', 1, 1, ['Body', 'Nope']))).toBe('ERR_UNKNOWN_COMPONENT')
  })
})

describe('a replicator over a recovered world', () => {
  it('continues from initialSeq and initialTick: Welcome values, seqs of new commits and the first update', () => {
    const world = createWorld({ components, seed: 1 })
    const e = world.transaction(() => {
      const body = world.create()
      world.add(body, Body, { x: 1, y: 2 })
      return body
    }).result
    const replicator = createReplicator({ world, components, initialSeq: 41, initialTick: 900 })
    expect(replicator.seq).toBe(41)
    expect(replicator.flushedTick).toBe(900)
    const frames: Uint8Array[] = []
    replicator.addClient('a', { send: (frame) => frames.push(frame) })
    const replica = createReplica({ components, schema: { components: replicator.schema, reducers: [] } })
    replica.startSession({ seq: replicator.seq, tick: replicator.flushedTick, serverTime: replicator.flushedTime }, false)
    replicator.subscribe('a', 1, 1, ['Body'])
    expect(replicator.commit(world.transaction(() => world.update(e, Body, { x: 5 })).changes)).toBe(42)
    replicator.flush(901, replicator.flushedTime + 50)
    for (const frame of frames) replica.apply(decodeServerMessage(frame))
    expect(replica.seq).toBe(42)
    expect(replica.tick).toBe(901)
    expect(replica.world.read(e, Body, 'x')).toBe(5)
  })

  it('takes an entity that predates it out of an area when its first move jumps far out of the area’s cells', () => {
    const world = createWorld({ components: aoiComponents, seed: 1 })
    const e = world.transaction(() => {
      const mover = world.create()
      world.add(mover, Mover, { x: 5, y: 5 })
      return mover
    }).result
    const replicator = createReplicator({ world, components: aoiComponents, hysteresis: 2 })
    const frames: Uint8Array[] = []
    replicator.addClient('a', { send: (frame) => frames.push(frame) })
    const replica = createReplica({ components: aoiComponents, schema: { components: replicator.schema, reducers: [] } })
    replica.startSession({ seq: replicator.seq, tick: replicator.flushedTick, serverTime: replicator.flushedTime }, false)
    replicator.subscribe('a', 1, 1, ['Mover'], { minX: 0, minY: 0, maxX: 20, maxY: 20, margin: 0 })
    const flush = (tick: number): void => {
      replicator.flush(tick, replicator.flushedTime + 50)
      for (const frame of frames.splice(0)) replica.apply(decodeServerMessage(frame))
    }
    flush(1)
    expect(replica.world.has(e, Mover)).toBe(true)
    // Its last position (5, 5) was never placed in the replicator's touched grid: it entered through the full pass.
    replicator.commit(world.transaction(() => world.update(e, Mover, { x: 500, y: 500 })).changes)
    flush(2)
    expect(replica.world.has(e, Mover)).toBe(false)
  })

  it('refuses an initialSeq or initialTick that is not a non-negative safe integer', () => {
    const world = createWorld({ components, seed: 1 })
    expect(codeOf(() => createReplicator({ world, components, initialSeq: -1 }))).toBe('ERR_INVALID_OPTIONS')
    expect(codeOf(() => createReplicator({ world, components, initialTick: 1.5 }))).toBe('ERR_INVALID_OPTIONS')
  })
})

describe('whole-table subscriptions', () => {
  it('sends the rows as inserts with binds, then SubscribeApplied at the update’s seq', () => {
    const h = harness()
    const [e1, e2] = h.tx(() => {
      const a = h.world.create()
      h.world.add(a, Body, { x: 1.5, y: -2, mass: 30 })
      const b = h.world.create()
      h.world.add(b, Body, { x: 3, y: 4, mass: 5 })
      h.world.add(b, Player, { name: 'bo', alive: true, target: a })
      return [a, b]
    })
    const a = h.client('a')
    h.replicator.subscribe('a', 11, 3, ['Body'])
    h.flush()
    const messages = a.pump()
    expect(types(messages)).toEqual(['TransactionUpdate', 'SubscribeApplied'])
    const update = onlyUpdate(messages)
    expect(update).toMatchObject({ prevSeq: 1, seq: 1, ack: null, releases: [], events: [] })
    expect(update.binds).toEqual([1, e1, 2, e2])
    expect(update.tables).toEqual([{ tableId: 0, inserts: [1, 1.5, -2, 30, 2, 3, 4, 5], updates: [], deletes: [] }])
    expect(messages[1]).toEqual({ type: 'SubscribeApplied', requestId: 11, queryId: 3, seq: 1 })
    expect(a.replica.world.get(e1, Body)).toEqual({ x: 1.5, y: -2, mass: 30 })
    expect(a.replica.world.has(e2, Player)).toBe(false)
    expectExact(h, a, { whole: [Body], area: null }, [Body, Player])
  })

  it('sends only the changed fields, in runs of one mask', () => {
    const h = harness()
    const a = h.client('a')
    h.replicator.subscribe('a', 1, 1, ['Body'])
    const [e1, e2, e3] = h.tx(() =>
      [0, 1, 2].map(() => {
        const e = h.world.create()
        h.world.add(e, Body, { x: 1, y: 2, mass: 3 })
        return e
      }),
    ) as [Entity, Entity, Entity]
    h.flush()
    const handles = handleMap(a.pump())
    const handle = (e: Entity): number => [...handles].find(([, x]) => x === e)?.[0] as number
    h.tx(() => h.world.update(e1, Body, { x: 4, mass: 31 }))
    h.tx(() => h.world.set(e2, Body, 'y', 9))
    h.tx(() => h.world.update(e3, Body, { x: 7, mass: 32 }))
    h.flush()
    const update = onlyUpdate(a.pump())
    expect(update.binds).toEqual([])
    expect(update.tables).toEqual([
      // Handles ascend within a run; each after the first is the gap from the one before.
      { tableId: 0, inserts: [], updates: [run(0b101, 2, 3), handle(e1), 4, 31, handle(e3) - handle(e1), 7, 32, run(0b010, 1, 3), handle(e2), 9], deletes: [] },
    ])
    expectExact(h, a, { whole: [Body], area: null }, [Body, Player])
  })

  it('deletes a destroyed entity’s rows, releases its handle and binds the handle again later', () => {
    const h = harness()
    const a = h.client('a')
    h.replicator.subscribe('a', 1, 1, ['Body', 'Player'])
    const e = h.tx(() => {
      const e = h.world.create()
      h.world.add(e, Body, { mass: 1 })
      h.world.add(e, Player, { name: 'x', alive: true, target: 0 as Entity })
      return e
    })
    h.flush()
    expect(onlyUpdate(a.pump()).binds).toEqual([1, e])
    h.tx(() => h.world.destroy(e))
    h.flush()
    const update = onlyUpdate(a.pump())
    expect(update.releases).toEqual([1])
    expect(update.tables).toEqual([
      { tableId: 0, inserts: [], updates: [], deletes: [1] },
      { tableId: 1, inserts: [], updates: [], deletes: [1] },
    ])
    expect(a.replica.world.isAlive(e)).toBe(false)
    const next = h.tx(() => {
      const n = h.world.create()
      h.world.add(n, Body, { mass: 2 })
      return n
    })
    h.flush()
    expect(onlyUpdate(a.pump()).binds).toEqual([1, next])
    expect(a.replica.world.get(next, Body)).toEqual({ x: 0, y: 0, mass: 2 })
  })

  it('moves an entity that lost its last row and gained another in one window to a new handle the replica accepts', () => {
    const h = harness()
    const a = h.client('a')
    h.replicator.subscribe('a', 1, 1, ['Body', 'Player'])
    const e = h.tx(() => {
      const e = h.world.create()
      h.world.add(e, Player, { name: 'p' })
      return e
    })
    h.flush()
    expect(onlyUpdate(a.pump()).binds).toEqual([1, e])
    const other = h.tx(() => {
      h.world.remove(e, Player)
      const other = h.world.create()
      h.world.add(other, Body, { mass: 1 })
      h.world.add(e, Body, { mass: 2 })
      return other
    })
    h.flush()
    const update = onlyUpdate(a.pump())
    expect(update.releases).toEqual([1])
    expect(update.binds).toEqual([1, other, 2, e])
    expect(a.replica.world.get(e, Body)).toEqual({ x: 0, y: 0, mass: 2 })
    expectExact(h, a, { whole: [Body, Player], area: null }, [Body, Player])
  })

  it('serves thousands of rows: handles beyond one byte, tables that grow', () => {
    const h = harness()
    const a = h.client('a')
    const es = h.tx(() =>
      Array.from({ length: 3_000 }, (_, i) => {
        const e = h.world.create()
        h.world.add(e, Body, { x: i, y: -i, mass: i })
        return e
      }),
    )
    h.replicator.subscribe('a', 1, 1, ['Body'])
    // The default budget (16 KiB) spreads the rows over a few updates.
    const seen: string[] = []
    for (let i = 0; i < 10 && !seen.includes('SubscribeApplied'); i++) {
      h.flush()
      seen.push(...types(a.pump()))
    }
    expect(seen).toEqual(['TransactionUpdate', 'TransactionUpdate', 'TransactionUpdate', 'SubscribeApplied'])
    const bound = handleMap(a.frames.map((f) => decodeServerMessage(f)))
    expect(bound.size).toBe(3_000)
    expect(Math.max(...bound.keys())).toBe(3_000)
    h.tx(() => {
      for (let i = 0; i < es.length; i += 7) h.world.set(es[i] as Entity, Body, 'y', i * 2)
      for (let i = 3; i < es.length; i += 11) h.world.destroy(es[i] as Entity)
    })
    h.flush()
    a.pump()
    expect(a.replica.world.count(Body)).toBe(h.world.count(Body))
    expectExact(h, a, { whole: [Body], area: null }, [Body, Player])
  })

  it('on Unsubscribe deletes only the rows no other subscription covers, then answers Unsubscribed', () => {
    const h = harness()
    const a = h.client('a')
    const [both, bodyOnly] = h.tx(() => {
      const both = h.world.create()
      h.world.add(both, Body, { mass: 1 })
      h.world.add(both, Player, { name: 'p', alive: true, target: 0 as Entity })
      const bodyOnly = h.world.create()
      h.world.add(bodyOnly, Body, { mass: 2 })
      return [both, bodyOnly]
    })
    h.replicator.subscribe('a', 1, 1, ['Body', 'Player'])
    h.replicator.subscribe('a', 2, 2, ['Player'])
    h.flush()
    const handles = handleMap(a.pump())
    const handle = (e: Entity): number => [...handles].find(([, x]) => x === e)?.[0] as number
    h.replicator.unsubscribe('a', 3, 1)
    h.flush()
    const messages = a.pump()
    expect(types(messages)).toEqual(['TransactionUpdate', 'Unsubscribed'])
    const update = onlyUpdate(messages)
    expect(update.tables).toEqual([{ tableId: 0, inserts: [], updates: [], deletes: [handle(both), handle(bodyOnly)] }])
    expect(update.releases).toEqual([handle(bodyOnly)])
    expect(messages[1]).toEqual({ type: 'Unsubscribed', requestId: 3, queryId: 1 })
    expect(a.replica.world.has(both, Player)).toBe(true)
    expect(a.replica.world.isAlive(bodyOnly)).toBe(false)
    expectExact(h, a, { whole: [Player], area: null }, [Body, Player])
    // Later Body changes do not reach the client any more.
    h.tx(() => h.world.set(both, Body, 'mass', 9))
    h.flush()
    expect(a.pump()).toEqual([])
  })

  it('answers an unsubscribe of an unknown queryId', () => {
    const h = harness()
    const a = h.client('a')
    h.replicator.unsubscribe('a', 8, 99)
    h.flush()
    expect(a.pump()).toEqual([{ type: 'Unsubscribed', requestId: 8, queryId: 99 }])
  })

  it('sends nothing for ticks without changes in the view, and keeps prevSeq → seq contiguous', () => {
    const Secret = defineComponent('Secret', { code: 'u32' })
    const h = harness()
    const a = h.client('a')
    const idle = h.client('idle')
    h.replicator.subscribe('a', 1, 1, ['Body'])
    const e = h.tx(() => {
      const e = h.world.create()
      h.world.add(e, Body)
      return e
    })
    h.flush()
    a.pump()
    h.flush()
    h.tx(() => h.world.add(h.world.create(), Secret, { code: 7 }))
    h.tx(() => h.world.add(h.world.create(), Player))
    h.flush()
    expect(a.pump()).toEqual([])
    expect(idle.frames).toHaveLength(0)
    h.tx(() => h.world.set(e, Body, 'mass', 4))
    h.flush()
    const update = onlyUpdate(a.pump())
    expect(update.prevSeq).toBe(1)
    expect(update.seq).toBe(4)
    expect(update.tickDelta).toBe(3)
    expect(update.timeDelta).toBe(150)
    expect(a.replica.seq).toBe(4)
    expect(a.replica.world.read(e, Body, 'mass')).toBe(4)
    expect(idle.frames).toHaveLength(0)
  })

  it('sends an update carrying `ack` after a call ran, even when nothing changed', () => {
    const h = harness()
    const a = h.client('a')
    const b = h.client('b')
    h.replicator.acknowledge('a', 41)
    h.replicator.acknowledge('a', 42)
    h.replicator.acknowledge('nobody', 1)
    h.flush()
    const update = onlyUpdate(a.pump())
    expect(update).toMatchObject({ ack: 42, tables: [], binds: [], releases: [], events: [] })
    expect(a.replica.ack).toBe(42)
    expect(b.frames).toHaveLength(0)
    h.flush()
    expect(a.pump()).toEqual([])
  })

  it('sends the sendAfterUpdate frames after that flush’s update', () => {
    const h = harness()
    const a = h.client('a')
    h.replicator.subscribe('a', 1, 1, ['Body'])
    h.flush()
    a.pump()
    h.tx(() => h.world.add(h.world.create(), Body))
    h.replicator.acknowledge('a', 5)
    h.replicator.sendAfterUpdate('a', { type: 'ReducerResult', requestId: 5, ok: true, value: 'done' })
    h.replicator.sendAfterUpdate('a', { type: 'Pong', clientTime: 1, serverTime: 2 })
    h.replicator.sendAfterUpdate('nobody', { type: 'Pong', clientTime: 1, serverTime: 2 })
    expect(a.pump()).toEqual([])
    h.flush()
    const messages = a.pump()
    expect(types(messages)).toEqual(['TransactionUpdate', 'ReducerResult', 'Pong'])
    expect(onlyUpdate(messages).ack).toBe(5)
    h.flush()
    expect(a.pump()).toEqual([])
  })

  it('sends a sendAfterAck frame after the update carrying the ack: queued before the flush, at once after it', () => {
    const h = harness()
    const a = h.client('a')
    h.replicator.subscribe('a', 1, 1, ['Body'])
    h.flush()
    a.pump()
    h.tx(() => h.world.add(h.world.create(), Body))
    h.replicator.acknowledge('a', 7)
    h.replicator.sendAfterAck('a', { type: 'ReducerResult', requestId: 7, ok: true, value: 1, durable: true })
    expect(a.pump()).toEqual([])
    h.flush()
    let messages = a.pump()
    expect(types(messages)).toEqual(['TransactionUpdate', 'ReducerResult'])
    expect(onlyUpdate(messages).ack).toBe(7)
    // The call's update went out before its result was ready: the result goes at once.
    h.tx(() => h.world.add(h.world.create(), Body))
    h.replicator.acknowledge('a', 8)
    h.flush()
    expect(onlyUpdate(a.pump()).ack).toBe(8)
    h.replicator.sendAfterAck('a', { type: 'ReducerResult', requestId: 8, ok: true, value: 2, durable: true })
    messages = a.pump()
    expect(messages).toEqual([{ type: 'ReducerResult', requestId: 8, ok: true, value: 2, durable: true }])
    // A client whose update is held back (socket behind) gets the result after that update.
    h.replicator.acknowledge('a', 9)
    a.canSend = false
    h.flush()
    h.replicator.sendAfterAck('a', { type: 'ReducerResult', requestId: 9, ok: true, value: 3, durable: true })
    expect(a.pump()).toEqual([])
    a.canSend = true
    h.flush()
    expect(types(a.pump())).toEqual(['TransactionUpdate', 'ReducerResult'])
    h.replicator.sendAfterAck('nobody', { type: 'Pong', clientTime: 1, serverTime: 2 })
  })

  it('sends unscoped events to every client, whatever its subscriptions', () => {
    const h = harness()
    const a = h.client('a')
    const b = h.client('b')
    h.replicator.subscribe('a', 1, 1, ['Body'])
    h.flush()
    a.pump()
    h.tx(() => h.world.emit('splash', { at: [1, 2] }))
    h.tx(() => h.world.emit('boom', 3))
    h.flush()
    for (const c of [a, b]) {
      const heard: unknown[] = []
      c.replica.onEvent((name, payload) => heard.push([name, payload]))
      expect(onlyUpdate(c.pump()).events).toEqual([
        { name: 'splash', payload: { at: [1, 2] } },
        { name: 'boom', payload: 3 },
      ])
      expect(heard).toEqual([
        ['splash', { at: [1, 2] }],
        ['boom', 3],
      ])
    }
  })

  it('stops sending to a removed client and drops its pending requests', () => {
    const h = harness()
    const a = h.client('a')
    h.replicator.subscribe('a', 1, 1, ['Body'])
    h.replicator.acknowledge('a', 1)
    h.replicator.sendAfterUpdate('a', { type: 'Pong', clientTime: 1, serverTime: 2 })
    h.replicator.removeClient('a')
    h.replicator.removeClient('a')
    h.tx(() => h.world.add(h.world.create(), Body))
    h.flush()
    expect(a.frames).toHaveLength(0)
    expect(codeOf(() => h.replicator.subscribe('a', 1, 1, ['Body']))).toBe('ERR_UNKNOWN_CLIENT')
  })

  it('serves the other clients when one send throws, then rethrows', () => {
    const h = harness()
    const boom = new Error('socket gone')
    h.replicator.addClient('bad', {
      send: () => {
        throw boom
      },
    })
    const a = h.client('a')
    h.replicator.subscribe('bad', 1, 1, ['Body'])
    h.replicator.subscribe('a', 1, 1, ['Body'])
    h.tx(() => h.world.add(h.world.create(), Body))
    let thrown: unknown
    try {
      h.flush()
    } catch (error) {
      thrown = error
    }
    // Both of its frames (the update and SubscribeApplied) failed; the other client got everything.
    expect(thrown).toBeInstanceOf(AggregateError)
    expect((thrown as AggregateError).errors).toEqual([boom, boom])
    expect(types(a.pump())).toEqual(['TransactionUpdate', 'SubscribeApplied'])
  })
})

describe('areas of interest', () => {
  it('inserts the entities inside the area plus margin with all their fields, and nothing else', () => {
    const h = aoi()
    const inside = spawn(h, 50, 50, { tag: 'in', heading: 1.25, hp: 7 })
    const inMargin = spawn(h, -9, 105)
    const outside = spawn(h, -11, 50, { tag: 'out' })
    const far = spawn(h, 500, 500)
    const a = h.client('a')
    h.replicator.subscribe('a', 1, 1, ['Mover', 'Tag'], AREA)
    h.flush()
    const messages = a.pump()
    expect(types(messages)).toEqual(['TransactionUpdate', 'SubscribeApplied'])
    const update = onlyUpdate(messages)
    const bound = handleMap(messages)
    expect(new Set(bound.values())).toEqual(new Set([inside, inMargin]))
    const hIn = [...bound].find(([, e]) => e === inside)?.[0] as number
    const hMargin = [...bound].find(([, e]) => e === inMargin)?.[0] as number
    const movers = table(update, 0)?.inserts ?? []
    expect(movers).toHaveLength(10)
    const at = rowAt(movers, 5, hIn)
    expect(movers.slice(at, at + 5)).toEqual([hIn, 800, 800, 1.25, 7])
    expect(movers[rowAt(movers, 5, hMargin) + 1]).toBe(-144)
    expect(table(update, 1)?.inserts).toEqual([hIn, 'in', 1])
    expect(table(update, 2)).toBeUndefined()
    for (const e of [outside, far]) expect(a.replica.world.isAlive(e)).toBe(false)
    expectExact(h, a, areaSpec(AREA))
  })

  it('deletes and releases an entity that leaves, binds one that enters and reuses freed handles', () => {
    const h = aoi()
    const a = h.client('a')
    const e = spawn(h, 50, 50, { tag: 't' })
    const other = spawn(h, 300, 300)
    h.replicator.subscribe('a', 1, 1, ['Mover', 'Tag'], AREA)
    h.flush()
    expect(onlyUpdate(a.pump()).binds).toEqual([1, e])
    moveTo(h, e, 50, 200)
    moveTo(h, other, 20, 20)
    h.flush()
    const update = onlyUpdate(a.pump())
    expect(update.releases).toEqual([1])
    expect(update.binds).toEqual([1, other])
    expect(table(update, 0)).toEqual({ tableId: 0, inserts: [1, 320, 320, 0, 1], updates: [], deletes: [1] })
    expect(table(update, 1)).toEqual({ tableId: 1, inserts: [], updates: [], deletes: [1] })
    expect(a.replica.world.isAlive(e)).toBe(false)
    expect(a.replica.world.get(other, Mover)).toEqual({ x: 20, y: 20, heading: 0, hp: 1 })
    expectExact(h, a, areaSpec(AREA))
  })

  it('keeps an entity that wanders back and forth across the border within the hysteresis', () => {
    const h = aoi()
    const a = h.client('a')
    const e = spawn(h, 109, 50)
    h.replicator.subscribe('a', 1, 1, ['Mover'], AREA)
    h.flush()
    expect(onlyUpdate(a.pump()).binds).toEqual([1, e])
    const inserted: Entity[] = []
    const deleted: Entity[] = []
    a.replica.onInsert(Mover, (x) => inserted.push(x))
    a.replica.onDelete(Mover, (x) => deleted.push(x))
    for (const x of [112, 109, 114.5, 108, 115, 110.5]) {
      moveTo(h, e, x, 50)
      h.flush()
      const update = onlyUpdate(a.pump())
      expect(update.binds).toEqual([])
      expect(update.releases).toEqual([])
      expect(updatedHandles(table(update, 0))).toEqual([1])
      expect(a.replica.world.read(e, Mover, 'x')).toBe(x)
    }
    expect(inserted).toEqual([])
    expect(deleted).toEqual([])
    // Beyond margin + hysteresis it leaves; back inside the leave rect (but not the enter rect) it stays out.
    moveTo(h, e, 115.5, 50)
    h.flush()
    expect(onlyUpdate(a.pump()).releases).toEqual([1])
    moveTo(h, e, 112, 50)
    h.flush()
    expect(a.pump()).toEqual([])
    expect(a.replica.world.isAlive(e)).toBe(false)
    moveTo(h, e, 110, 50)
    h.flush()
    expect(onlyUpdate(a.pump()).binds).toEqual([1, e])
    expect(deleted).toEqual([e])
    expect(inserted).toEqual([e])
  })

  it('retune changes the hysteresis from the next flush (null: a tenth of the area)', () => {
    const h = aoi()
    const a = h.client('a')
    const e = spawn(h, 109, 50)
    h.replicator.subscribe('a', 1, 1, ['Mover'], AREA)
    h.flush()
    expect(onlyUpdate(a.pump()).binds).toEqual([1, e])
    h.replicator.retune({ hysteresis: 20 })
    moveTo(h, e, 125, 50) // beyond margin + 5, within margin + 20
    h.flush()
    expect(onlyUpdate(a.pump()).releases).toEqual([])
    h.replicator.retune({ hysteresis: null })
    moveTo(h, e, 125.5, 50) // beyond margin + 10
    h.flush()
    expect(onlyUpdate(a.pump()).releases).toEqual([1])
  })

  it('moves the view with setArea: the old area’s entities leave, the new one’s enter', () => {
    const h = aoi()
    const a = h.client('a')
    const west = spawn(h, 10, 10)
    const east = spawn(h, 1_010, 10)
    h.replicator.subscribe('a', 1, 7, ['Mover'], AREA)
    h.flush()
    expect(onlyUpdate(a.pump()).binds).toEqual([1, west])
    const moved: Area = { ...AREA, minX: 1_000, maxX: 1_100 }
    h.replicator.setArea('a', 7, moved)
    h.flush()
    const update = onlyUpdate(a.pump())
    expect(update.releases).toEqual([1])
    expect(update.binds).toEqual([1, east])
    expect(a.replica.world.isAlive(west)).toBe(false)
    expectExact(h, a, areaSpec(moved, [Mover]))
    // A setArea before the subscription is served moves the pending request.
    const b = h.client('b')
    h.replicator.subscribe('b', 1, 1, ['Mover'], AREA)
    h.replicator.setArea('b', 1, moved)
    h.flush()
    expect(onlyUpdate(b.pump()).binds).toEqual([1, east])
  })

  it('refuses setArea for unknown, whole-table and ended subscriptions, and areas without a position', () => {
    const h = aoi()
    h.client('a')
    expect(codeOf(() => h.replicator.setArea('a', 1, AREA))).toBe('ERR_UNKNOWN_SUBSCRIPTION')
    h.replicator.subscribe('a', 1, 1, ['Score'])
    expect(codeOf(() => h.replicator.setArea('a', 1, AREA))).toBe('ERR_UNKNOWN_SUBSCRIPTION')
    h.replicator.subscribe('a', 2, 2, ['Mover'], AREA)
    h.flush()
    h.replicator.setArea('a', 2, { ...AREA, maxX: 50 })
    h.replicator.unsubscribe('a', 3, 2)
    h.flush()
    expect(codeOf(() => h.replicator.setArea('a', 2, AREA))).toBe('ERR_UNKNOWN_SUBSCRIPTION')
    expect(codeOf(() => h.replicator.subscribe('a', 4, 4, ['Tag', 'Score'], AREA))).toBe('ERR_NO_POSITION')
  })

  it('inserts a component added to a visible entity as a row, and deletes one removed from it', () => {
    const h = aoi()
    const a = h.client('a')
    const e = spawn(h, 50, 50)
    h.replicator.subscribe('a', 1, 1, ['Mover', 'Tag'], AREA)
    h.flush()
    a.pump()
    h.tx(() => h.world.add(e, Tag, { label: 'late', level: 3 }))
    h.flush()
    let update = onlyUpdate(a.pump())
    expect(update.binds).toEqual([])
    expect(update.tables).toEqual([{ tableId: 1, inserts: [1, 'late', 3], updates: [], deletes: [] }])
    h.tx(() => h.world.remove(e, Tag))
    h.flush()
    update = onlyUpdate(a.pump())
    expect(update.releases).toEqual([])
    expect(update.tables).toEqual([{ tableId: 1, inserts: [], updates: [], deletes: [1] }])
    h.tx(() => h.world.add(e, Tag, { label: 'again', level: 4 }))
    h.flush()
    a.pump()
    // Losing its position takes the entity out of the view, every row with it.
    h.tx(() => h.world.remove(e, Mover))
    h.flush()
    update = onlyUpdate(a.pump())
    expect(update.releases).toEqual([1])
    expect(a.replica.world.isAlive(e)).toBe(false)
    expectExact(h, a, areaSpec(AREA))
  })

  it('sends the rows of a table added to a served area subscription for entities already in view', () => {
    const h = aoi()
    const a = h.client('a')
    const e = spawn(h, 50, 50, { tag: 'x' })
    h.replicator.subscribe('a', 1, 1, ['Mover'], AREA)
    h.flush()
    a.pump()
    h.replicator.subscribe('a', 2, 1, ['Mover', 'Tag'], AREA)
    h.flush()
    expect(types(a.pump())).toEqual(['TransactionUpdate', 'SubscribeApplied'])
    expect(a.replica.world.get(e, Tag)).toEqual({ label: 'x', level: 1 })
    expectExact(h, a, areaSpec(AREA))
    h.replicator.subscribe('a', 3, 1, ['Mover'], AREA)
    h.flush()
    a.pump()
    expect(a.replica.world.has(e, Tag)).toBe(false)
    expectExact(h, a, areaSpec(AREA, [Mover]))
  })

  it('combines an area with whole tables: a whole-table row stays when its entity leaves the area', () => {
    const h = aoi()
    const a = h.client('a')
    const e = spawn(h, 50, 50, { score: 3 })
    const far = spawn(h, 900, 900, { score: 4 })
    h.replicator.subscribe('a', 1, 1, ['Mover'], AREA)
    h.replicator.subscribe('a', 2, 2, ['Score'])
    h.flush()
    a.pump()
    expect(a.replica.world.has(far, Score)).toBe(true)
    expect(a.replica.world.has(far, Mover)).toBe(false)
    moveTo(h, e, 500, 500)
    h.flush()
    const update = onlyUpdate(a.pump())
    expect(update.releases).toEqual([])
    expect(table(update, 0)?.deletes).toHaveLength(1)
    expect(a.replica.world.has(e, Score)).toBe(true)
    expect(a.replica.world.has(e, Mover)).toBe(false)
    expectExact(h, a, areaSpec(AREA, [Mover], [Score]))
  })

  it('uses a tenth of the area’s larger side as the default hysteresis', () => {
    const h = harness({ components: aoiComponents })
    const a = h.client('a')
    const e = spawn(h, 110, 50)
    h.replicator.subscribe('a', 1, 1, ['Mover'], AREA)
    h.flush()
    a.pump()
    moveTo(h, e, 120, 50)
    h.flush()
    expect(onlyUpdate(a.pump()).releases).toEqual([])
    moveTo(h, e, 120.5, 50)
    h.flush()
    expect(onlyUpdate(a.pump()).releases).toEqual([1])
  })

  it('makes the view of two area subscriptions their union', () => {
    const h = aoi()
    const a = h.client('a')
    const west = spawn(h, 50, 50)
    const east = spawn(h, 1_050, 50)
    const between = spawn(h, 500, 50)
    const eastArea: Area = { ...AREA, minX: 1_000, maxX: 1_100 }
    h.replicator.subscribe('a', 1, 1, ['Mover'], AREA)
    h.replicator.subscribe('a', 2, 2, ['Mover'], eastArea)
    h.flush()
    a.pump()
    expect(a.replica.world.query([Mover]).toArray().sort()).toEqual([west, east].sort())
    // Leaving one area for the other keeps the row; leaving both drops it.
    moveTo(h, west, 1_060, 60)
    moveTo(h, east, 500, 60)
    h.flush()
    const update = onlyUpdate(a.pump())
    expect(update.binds).toEqual([])
    expect(update.releases).toHaveLength(1)
    expect(a.replica.world.isAlive(west)).toBe(true)
    expect(a.replica.world.isAlive(east)).toBe(false)
    expect(a.replica.world.isAlive(between)).toBe(false)
    h.replicator.unsubscribe('a', 3, 2)
    h.flush()
    a.pump()
    expect(a.replica.world.entityCount).toBe(0)
  })

  it('delivers an event with a scope only to the clients that see its entity', () => {
    const scope = (event: ProtocolEvent): Entity | null => ((event.payload as { e?: Entity }).e ?? null) as Entity | null
    const h = aoi({ eventScope: scope })
    const near = h.client('near')
    const away = h.client('away')
    const e = spawn(h, 50, 50)
    h.replicator.subscribe('near', 1, 1, ['Mover'], AREA)
    h.replicator.subscribe('away', 1, 1, ['Mover'], { ...AREA, minX: 1_000, maxX: 1_100 })
    h.flush()
    near.pump()
    away.pump()
    h.tx(() => h.world.emit('hit', { e }))
    h.tx(() => h.world.emit('round', { n: 2 }))
    h.flush()
    expect(onlyUpdate(near.pump()).events.map((x) => x.name)).toEqual(['hit', 'round'])
    expect(onlyUpdate(away.pump()).events.map((x) => x.name)).toEqual(['round'])
    // The entity's last event reaches its viewers together with its delete.
    h.tx(() => {
      h.world.emit('died', { e })
      h.world.destroy(e)
    })
    h.flush()
    const update = onlyUpdate(near.pump())
    expect(update.events.map((x) => x.name)).toEqual(['died'])
    expect(update.releases).toEqual([1])
    expect(away.pump()).toEqual([])
  })
})

describe('quantization', () => {
  it('sends a quantized field as round(v / step), within step / 2 of the server’s value', () => {
    const h = aoi()
    const a = h.client('a')
    const values = [50.03, 50.9, 63.999, 1.0 / 3, -0.04]
    const es = values.map((x) => spawn(h, x, 10.51))
    h.replicator.subscribe('a', 1, 1, ['Mover'], AREA)
    h.flush()
    const update = onlyUpdate(a.pump())
    const inserts = table(update, 0)?.inserts ?? []
    expect(inserts).toHaveLength(5 * values.length)
    values.forEach((x, i) => {
      const e = es[i] as Entity
      const hd = [...handleMap([update])].find(([, b]) => b === e)?.[0] as number
      const at = rowAt(inserts, 5, hd)
      expect(inserts[at + 1]).toBe(Math.round(x * 16))
      expect(inserts[at + 2]).toBe(168)
      const got = a.replica.world.read(e, Mover, 'x')
      expect(got).toBe(Math.round(x * 16) / 16)
      expect(Math.abs(got - x)).toBeLessThanOrEqual(1 / 32)
    })
  })

  it('sends updates of predicted positions against last + last step, and nothing for moves below half a step', () => {
    const h = aoi()
    const a = h.client('a')
    const e = spawn(h, 10, 20)
    h.replicator.subscribe('a', 1, 1, ['Mover'], AREA)
    h.flush()
    a.pump()
    // After the insert the last step is 0: the first update carries the whole delta.
    moveTo(h, e, 11.5, 20)
    h.flush()
    expect(table(onlyUpdate(a.pump()), 0)?.updates).toEqual([run(0b01, 1, 4), 1, 24])
    // x was predicted to move 24 again: it stopped (−24); y moved −32 from a last step of 0.
    moveTo(h, e, 11.5, 18)
    h.flush()
    expect(table(onlyUpdate(a.pump()), 0)?.updates).toEqual([run(0b11, 1, 4), 1, -24, -32])
    // Drift below half a step is not sent, but it is not lost either: the value is compared with the last one sent.
    moveTo(h, e, 11.52, 18.01)
    h.flush()
    expect(a.pump()).toEqual([])
    // x moved one step (its last step is 0); y stays, against a prediction of −32 more.
    moveTo(h, e, 11.54, 18.02)
    h.flush()
    expect(table(onlyUpdate(a.pump()), 0)?.updates).toEqual([run(0b11, 1, 4), 1, 1, 32])
    expect(a.replica.world.read(e, Mover, 'x')).toBe(11.5625)
    expect(a.replica.world.read(e, Mover, 'y')).toBe(18)
    // A row sent for another field moves its predicted positions too: x, predicted one step further, is held back.
    h.tx(() => h.world.update(e, Mover, { x: 11.55, hp: 9 }))
    h.flush()
    expect(table(onlyUpdate(a.pump()), 0)?.updates).toEqual([run(0b1001, 1, 4), 1, -1, 9])
    expect(a.replica.world.read(e, Mover, 'x')).toBe(11.5625)
    expectExact(h, a, areaSpec(AREA, [Mover]))
  })

  it('deletes the rows of an entity that was in the world before the replicator saw any change of it', () => {
    const h = aoi()
    const a = h.client('a')
    // Created without a commit (as a world recovered from a log): the replicator's grids never placed it.
    const old = h.world.transaction(() => {
      const e = h.world.create()
      h.world.add(e, Mover, { x: 20, y: 20, heading: 0, hp: 1 })
      h.world.add(e, Tag, { label: 'old', level: 1 })
      return e
    }).result
    spawn(h, 30, 30)
    h.replicator.subscribe('a', 1, 1, ['Mover', 'Tag'], AREA)
    h.flush()
    a.pump()
    expect(a.replica.world.isAlive(old)).toBe(true)
    h.tx(() => h.world.destroy(old))
    h.flush()
    a.pump()
    expect(a.replica.world.isAlive(old)).toBe(false)
    expectExact(h, a, areaSpec(AREA, [Mover, Tag]))
  })

  it('binds entities of frequent components to handles 1–63 and the others above, so moving rows carry one-byte handles', () => {
    const h = aoi({ frequent: [Tag] })
    const a = h.client('a')
    const still = Array.from({ length: 80 }, (_, i) => spawn(h, 1 + (i % 40), 1 + Math.floor(i / 40)))
    const movers = [spawn(h, 50, 50, { tag: 'm1' }), spawn(h, 60, 60, { tag: 'm2' })]
    h.replicator.subscribe('a', 1, 1, ['Mover', 'Tag'], AREA)
    h.flush()
    const handles = handleMap(a.pump())
    const handleOf = (e: Entity): number => [...handles].find(([, b]) => b === e)?.[0] as number
    for (const e of movers) expect(handleOf(e)).toBeLessThanOrEqual(63)
    for (const e of still) expect(handleOf(e)).toBeGreaterThan(63)
    expectExact(h, a, areaSpec(AREA, [Mover, Tag]))
  })

  it('with predictionTolerance k, keeps each position within k + 1/2 steps and sends fewer corrections', () => {
    const corrections = (tolerance: number): number => {
      const h = aoi({ predictionTolerance: tolerance })
      const a = h.client('a')
      const e = spawn(h, 10, 20)
      h.replicator.subscribe('a', 1, 1, ['Mover'], AREA)
      h.flush()
      a.pump()
      let values = 0
      // A steady mover whose step is not a whole number of quantization steps (rounding jitter).
      for (let k = 1; k <= 40; k++) {
        moveTo(h, e, 10 + k * 0.37, 20 + k * 0.23)
        h.flush()
        for (const m of a.pump()) {
          const updates = m.type === 'TransactionUpdate' ? (table(m, 0)?.updates ?? []) : []
          values += Math.max(0, updates.length - 2)
        }
        const step = 1 / 16
        expect(Math.abs(a.replica.world.read(e, Mover, 'x') - (10 + k * 0.37))).toBeLessThanOrEqual((tolerance + 0.5) * step + 1e-9)
        expect(Math.abs(a.replica.world.read(e, Mover, 'y') - (20 + k * 0.23))).toBeLessThanOrEqual((tolerance + 0.5) * step + 1e-9)
      }
      return values
    }
    expect(corrections(1)).toBeLessThan(corrections(0))
    expect(() => aoi({ predictionTolerance: -1 })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_OPTIONS' }))
  })

  it('sends a steady mover as its handle alone (a run of mask 0), and corrects the prediction when it stops', () => {
    const h = aoi()
    const a = h.client('a')
    const e = spawn(h, 10, 20)
    h.replicator.subscribe('a', 1, 1, ['Mover'], AREA)
    h.flush()
    a.pump()
    moveTo(h, e, 11, 21)
    h.flush()
    expect(table(onlyUpdate(a.pump()), 0)?.updates).toEqual([run(0b11, 1, 4), 1, 16, 16])
    for (let k = 2; k <= 4; k++) {
      moveTo(h, e, 10 + k, 20 + k)
      h.flush()
      expect(table(onlyUpdate(a.pump()), 0)?.updates).toEqual([run(0, 1, 4), 1])
      expect(a.replica.world.read(e, Mover, 'x')).toBe(10 + k)
      expect(a.replica.world.read(e, Mover, 'y')).toBe(20 + k)
    }
    h.tx(() => h.world.update(e, Mover, { heading: 1 }))
    h.flush()
    const heading = table(onlyUpdate(a.pump()), 0)?.updates ?? []
    // The heading's own delta; the position, predicted to move on, is pinned where it is.
    expect(heading[0]).toBe(run(0b111, 1, 4))
    expectExact(h, a, areaSpec(AREA, [Mover]))
  })

  it('sends unquantized f32 fields exactly and quantized f32 fields rounded to f32', () => {
    const h = aoi()
    const a = h.client('a')
    const e = spawn(h, 1, 1, { heading: 0.1, score: 3 })
    h.tx(() => h.world.set(e, Score, 'ratio', 0.123456))
    h.replicator.subscribe('a', 1, 1, ['Mover'], AREA)
    h.replicator.subscribe('a', 2, 2, ['Score'])
    h.flush()
    a.pump()
    expect(a.replica.world.read(e, Mover, 'heading')).toBe(h.world.read(e, Mover, 'heading'))
    expect(a.replica.world.read(e, Mover, 'heading')).toBe(Math.fround(0.1))
    expect(a.replica.world.read(e, Score, 'ratio')).toBe(Math.fround(0.12))
    h.tx(() => h.world.update(e, Mover, { heading: -2.7182817 }))
    h.tx(() => h.world.update(e, Score, { ratio: 0.5678 }))
    h.flush()
    a.pump()
    expect(a.replica.world.read(e, Mover, 'heading')).toBe(Math.fround(-2.7182817))
    expect(a.replica.world.read(e, Score, 'ratio')).toBe(Math.fround(0.57))
    expectExact(h, a, areaSpec(AREA, [Mover], [Score]))
  })

  it('restarts deltas from the inserted value when an entity re-enters under a reused handle', () => {
    const h = aoi()
    const a = h.client('a')
    const e1 = spawn(h, 10, 10)
    const e2 = spawn(h, 500, 500)
    h.replicator.subscribe('a', 1, 1, ['Mover'], AREA)
    h.flush()
    a.pump()
    moveTo(h, e1, 900, 900)
    moveTo(h, e2, 30, 30)
    h.flush()
    expect(onlyUpdate(a.pump()).binds).toEqual([1, e2])
    moveTo(h, e2, 31, 30)
    h.flush()
    expect(table(onlyUpdate(a.pump()), 0)?.updates).toEqual([run(0b01, 1, 4), 1, 16])
    expect(a.replica.world.get(e2, Mover)).toMatchObject({ x: 31, y: 30 })
  })
})

describe('byte budget', () => {
  it('sends a big subscription over several updates, SubscribeApplied after the last row', () => {
    const h = harness({ updateBudgetBytes: 64 })
    const a = h.client('a')
    h.tx(() => {
      for (let i = 0; i < 40; i++) h.world.add(h.world.create(), Body, { mass: i })
    })
    h.replicator.subscribe('a', 1, 1, ['Body'])
    let flushes = 0
    const seen: string[] = []
    while (!seen.includes('SubscribeApplied') && flushes < 100) {
      h.flush()
      flushes++
      const messages = a.pump()
      for (const update of updatesOf(messages)) expect((table(update, 0)?.inserts.length ?? 0) / 4).toBeLessThanOrEqual(6)
      seen.push(...types(messages))
    }
    expect(flushes).toBeGreaterThan(3)
    expect(seen.at(-1)).toBe('SubscribeApplied')
    expect(a.replica.world.count(Body)).toBe(40)
    expectExact(h, a, { whole: [Body], area: null }, [Body, Player])
  })

  it('sends every changed row eventually, the nearest first, while everything keeps moving', () => {
    const h = aoi({ updateBudgetBytes: 30 })
    const a = h.client('a')
    const area: Area = { minX: -100, minY: -10, maxX: 100, maxY: 10, margin: 0 }
    // Entities at growing distance from the area's centre.
    const es = Array.from({ length: 20 }, (_, i) => spawn(h, i * 5, 0))
    h.replicator.subscribe('a', 1, 1, ['Mover'], area)
    for (let i = 0; i < 50 && !a.pump().some((m) => m.type === 'SubscribeApplied'); i++) h.flush()
    expect(a.replica.world.count(Mover)).toBe(20)
    // Handles bound so far: replay the binds of every frame the client got.
    const handles = handleMap(a.frames.map((f) => decodeServerMessage(f)))
    const lastSent = new Map<Entity, number>()
    let first: Entity[] | null = null
    for (let tick = 1; tick <= 60; tick++) {
      h.tx(() => {
        for (const e of es) h.world.set(e, Mover, 'y', tick / 8)
      })
      h.flush()
      const messages = a.pump()
      handleMap(messages, handles)
      const sent = updatedHandles(table(onlyUpdate(messages), 0)).map((hd) => handles.get(hd) as Entity)
      expect(sent.length).toBeGreaterThan(0)
      expect(sent.length).toBeLessThan(20)
      first ??= sent
      for (const e of sent) lastSent.set(e, tick)
    }
    // The first over-budget update carries the entities nearest the centre.
    expect(first).not.toBeNull()
    expect([...(first as Entity[])].sort((x, y) => es.indexOf(x) - es.indexOf(y))).toEqual(es.slice(0, (first as Entity[]).length))
    // No entity starves: each one was sent in the last 20 ticks.
    for (const e of es) expect(lastSent.get(e) ?? 0).toBeGreaterThan(40)
    // Once the movement stops, every row converges.
    for (let i = 0; i < 20; i++) h.flush()
    a.pump()
    expectExact(h, a, areaSpec(area, [Mover]))
  })

  it('holds the ack and the call results until the rows the budget kept back are out, for at most 10 flushes', () => {
    const h = aoi({ updateBudgetBytes: 30 })
    const a = h.client('a')
    const es = Array.from({ length: 20 }, (_, i) => spawn(h, i, i))
    h.replicator.subscribe('a', 1, 1, ['Mover'], AREA)
    for (let i = 0; i < 50 && !a.pump().some((m) => m.type === 'SubscribeApplied'); i++) h.flush()
    // One call moves every entity: more than one update's budget.
    h.tx(() => {
      for (const e of es) h.world.set(e, Mover, 'y', 50)
    })
    h.replicator.acknowledge('a', 7)
    h.replicator.sendAfterUpdate('a', { type: 'ReducerResult', requestId: 7, ok: true, value: null })
    let flushes = 0
    let result: ServerMessage | undefined
    while (result === undefined && flushes < 20) {
      h.flush()
      flushes++
      const messages = a.pump()
      result = messages.find((m) => m.type === 'ReducerResult')
      if (result === undefined) expect(updatesOf(messages).every((u) => u.ack === null)).toBe(true)
      else expect(onlyUpdate(messages).ack).toBe(7)
    }
    expect(flushes).toBeGreaterThan(1)
    expect(flushes).toBeLessThanOrEqual(10)
    // When the result arrives, every effect of the call is in the replica.
    for (const e of es) expect(a.replica.world.read(e, Mover, 'y')).toBe(50)
  })

  it('lets the ack go after 10 held flushes while the budget stays exceeded', () => {
    const h = aoi({ updateBudgetBytes: 30 })
    const a = h.client('a')
    const es = Array.from({ length: 20 }, (_, i) => spawn(h, i, i))
    h.replicator.subscribe('a', 1, 1, ['Mover'], AREA)
    for (let i = 0; i < 50 && !a.pump().some((m) => m.type === 'SubscribeApplied'); i++) h.flush()
    h.replicator.acknowledge('a', 9)
    h.replicator.sendAfterUpdate('a', { type: 'ReducerResult', requestId: 9, ok: true, value: null })
    let at = 0
    for (let tick = 1; tick <= 20 && at === 0; tick++) {
      h.tx(() => {
        for (const e of es) h.world.set(e, Mover, 'y', tick)
      })
      h.flush()
      if (a.pump().some((m) => m.type === 'ReducerResult')) at = tick
    }
    expect(at).toBe(11)
  })

  it('answers new subscriptions while updates keep exceeding the budget', () => {
    const h = aoi({ updateBudgetBytes: 40 })
    const whole = h.client('whole')
    const area = h.client('area')
    const es = Array.from({ length: 20 }, (_, i) => spawn(h, i, i))
    h.replicator.subscribe('whole', 1, 1, ['Mover'])
    h.replicator.subscribe('area', 1, 1, ['Mover'], AREA)
    const seen = { whole: [] as string[], area: [] as string[] }
    for (let tick = 1; tick <= 40; tick++) {
      h.tx(() => {
        for (const e of es) h.world.set(e, Mover, 'hp', tick)
      })
      if (tick === 20) {
        h.replicator.subscribe('whole', 2, 2, ['Score'])
        h.replicator.subscribe('area', 2, 2, ['Score'])
      }
      h.flush()
      seen.whole.push(...types(whole.pump()))
      seen.area.push(...types(area.pump()))
    }
    for (const c of [seen.whole, seen.area]) expect(c.filter((t) => t === 'SubscribeApplied')).toHaveLength(2)
  })
})

describe('slow readers', () => {
  it('folds the changes of a client that cannot be sent to into one update once it can', () => {
    const h = aoi()
    const fast = h.client('fast')
    const slow = h.client('slow')
    const stay = spawn(h, 10, 10, { tag: 'stay', score: 1 })
    const leave = spawn(h, 20, 20, { tag: 'leave' })
    const doomed = spawn(h, 30, 30, { score: 2 })
    const plain = spawn(h, 40, 40)
    for (const id of ['fast', 'slow']) {
      h.replicator.subscribe(id, 1, 1, ['Mover', 'Tag'], AREA)
      h.replicator.subscribe(id, 2, 2, ['Score'])
    }
    h.flush()
    fast.pump()
    slow.pump()
    const framesBefore = slow.frames.length
    slow.canSend = false
    let born = 0 as Entity
    const deferredBefore = h.replicator.stats.deferredFlushes
    for (let tick = 1; tick <= 40; tick++) {
      h.tx(() => {
        h.world.update(stay, Mover, { x: 10 + tick * 0.7, heading: tick })
        h.world.set(stay, Score, 'points', tick)
        if (tick === 5) h.world.update(leave, Mover, { x: 400 })
        if (tick === 8) h.world.destroy(doomed)
        if (tick === 10) {
          born = h.world.create()
          h.world.add(born, Mover, { x: 60, y: 60 })
          h.world.add(born, Score, { points: 9 })
        }
        if (tick === 12) h.world.add(plain, Tag, { label: 'late', level: 2 })
        if (tick === 15) h.world.remove(stay, Tag)
        if (tick === 20) h.world.add(stay, Tag, { label: 'back', level: 3 })
      })
      h.flush()
      expect(updatesOf(fast.pump())).toHaveLength(1)
      expectExact(h, fast, areaSpec(AREA, [Mover, Tag], [Score]))
    }
    expect(slow.frames.length).toBe(framesBefore)
    expect(h.replicator.stats.deferredFlushes - deferredBefore).toBe(40)
    slow.canSend = true
    h.flush()
    const messages = slow.pump()
    expect(types(messages)).toEqual(['TransactionUpdate'])
    expect(onlyUpdate(messages).tickDelta).toBe(41)
    expect([slow.replica.seq, slow.replica.tick, slow.replica.serverTime]).toEqual([h.replicator.seq, h.tick, h.time])
    expect(slow.replica.world.isAlive(born)).toBe(true)
    expectExact(h, slow, areaSpec(AREA, [Mover, Tag], [Score]))
    h.flush()
    expect(slow.pump()).toEqual([])
  })
})

describe('subscription requests', () => {
  it('collapses 1,000 re-subscribes of one queryId into one request: the last one wins', () => {
    const h = harness()
    const a = h.client('a')
    h.tx(() => {
      for (let i = 0; i < 10; i++) {
        const e = h.world.create()
        h.world.add(e, Body, { mass: i })
        h.world.add(e, Player, { name: `p${i}` })
      }
    })
    for (let i = 1; i <= 1_000; i++) h.replicator.subscribe('a', i, 5, i % 2 === 0 ? ['Player'] : ['Body'])
    h.flush()
    const messages = a.pump()
    // One update with the last request's rows, its SubscribeApplied, and a short Error for each replaced request.
    const superseded = messages.filter((m) => m.type === 'Error')
    expect(superseded).toHaveLength(999)
    expect(superseded.every((m) => m.type === 'Error' && m.code === 'ERR_SUPERSEDED')).toBe(true)
    expect(superseded.map((m) => (m.type === 'Error' ? m.requestId : -1))).toEqual(Array.from({ length: 999 }, (_, i) => i + 1))
    expect(types(messages.filter((m) => m.type !== 'Error'))).toEqual(['TransactionUpdate', 'SubscribeApplied'])
    expect(messages.find((m) => m.type === 'SubscribeApplied')).toMatchObject({ requestId: 1_000, queryId: 5 })
    expect(onlyUpdate(messages).tables.map((t) => t.tableId)).toEqual([1])
    expectExact(h, a, { whole: [Player], area: null }, [Body, Player])
    // Re-subscribing a served query with the same tables re-sends no row already held: only the answers.
    const before = h.replicator.stats.bytesSent
    for (let i = 0; i < 1_000; i++) h.replicator.subscribe('a', 2_000 + i, 5, ['Player'])
    h.flush()
    const again = a.pump()
    expect(types(again.filter((m) => m.type !== 'Error'))).toEqual(['SubscribeApplied'])
    expect(h.replicator.stats.bytesSent - before).toBeLessThan(1_000 * 32)
  })

  it('caps subscriptions per client, counting each queryId once, pending or served', () => {
    const h = harness({ maxSubscriptionsPerClient: 2 })
    h.client('a')
    h.replicator.subscribe('a', 1, 1, ['Body'])
    h.replicator.subscribe('a', 2, 1, ['Player'])
    h.replicator.subscribe('a', 3, 2, ['Body'])
    expect(codeOf(() => h.replicator.subscribe('a', 4, 3, ['Body']))).toBe('ERR_TOO_MANY_SUBSCRIPTIONS')
    h.flush()
    h.replicator.subscribe('a', 5, 2, ['Player'])
    expect(codeOf(() => h.replicator.subscribe('a', 6, 3, ['Body']))).toBe('ERR_TOO_MANY_SUBSCRIPTIONS')
    h.replicator.unsubscribe('a', 7, 2)
    h.flush()
    // One served (1); a re-subscribe of it pending must not use up the second slot.
    h.replicator.subscribe('a', 8, 1, ['Body'])
    h.replicator.subscribe('a', 9, 3, ['Player'])
    expect(codeOf(() => h.replicator.subscribe('a', 10, 4, ['Body']))).toBe('ERR_TOO_MANY_SUBSCRIPTIONS')
  })
})
