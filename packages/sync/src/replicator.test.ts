import { defineComponent, type Entity } from '@orrery/ecs'
import type { SubscribeApplied, TransactionUpdate } from '@orrery/protocol'
import { describe, expect, it } from 'vitest'
import { SyncError } from './sync-error.js'
import { Body, Food, Player } from './test-utils/fixtures.js'
import { harness } from './test-utils/harness.js'

function updateOf(messages: readonly unknown[]): TransactionUpdate {
  const updates = messages.filter((m): m is TransactionUpdate => (m as { type: string }).type === 'TransactionUpdate')
  expect(updates).toHaveLength(1)
  return updates[0] as TransactionUpdate
}

describe('createReplicator', () => {
  it('describes the replicated tables in table-id order', () => {
    const { replicator } = harness()
    expect(replicator.schema).toEqual([
      ['Body', [['x', 'f64'], ['y', 'f64'], ['mass', 'u32']]],
      ['Player', [['name', 'string'], ['alive', 'bool'], ['target', 'entity']]],
      ['Food', []],
    ])
  })

  it('advances seq only for non-empty change sets', () => {
    const h = harness()
    expect(h.tx(() => {})).toBe(0)
    expect(h.tx(() => h.world.add(h.world.create(), Body))).toBe(1)
    expect(h.tx(() => h.world.emit('ping', null))).toBe(2)
    expect(h.replicator.seq).toBe(2)
    expect(h.replicator.flushedSeq).toBe(0)
  })

  it('advances seq for server-private components without sending their rows', () => {
    const Secret = defineComponent('Secret', { code: 'u32' })
    const h = harness({ components: [Body] })
    h.client('a')
    h.replicator.subscribe('a', 1, 1, ['Body'])
    h.tx(() => h.world.add(h.world.create(), Secret, { code: 7 }))
    h.replicator.flush(1, 50)
    const [update] = h.received('a')
    expect(update).toMatchObject({ type: 'TransactionUpdate', prevSeq: 0, seq: 1, tables: [] })
    expect(h.replicator.history.since(0)?.[0]?.tables).toEqual([])
  })

  it('answers an unsubscribe of an unknown queryId', () => {
    const h = harness()
    h.client('a')
    h.replicator.unsubscribe('a', 8, 99)
    h.replicator.flush(0, 0)
    expect(h.received('a')).toEqual([{ type: 'Unsubscribed', requestId: 8, queryId: 99 }])
  })

  it('sends nothing on a flush when seq did not advance', () => {
    const h = harness()
    const frames = h.client('a')
    h.replicator.flush(1, 1_000)
    h.tx(() => {})
    h.replicator.flush(2, 1_050)
    expect(frames).toHaveLength(0)
    expect(h.replicator.history.size).toBe(0)
  })

  it('builds flat inserts, masked updates and deletes per table', () => {
    const h = harness()
    h.client('a')
    h.replicator.subscribe('a', 1, 1, ['Body', 'Player'])
    h.replicator.flush(0, 1_000)
    h.received('a')
    let e = 0 as Entity
    h.tx(() => {
      e = h.world.create()
      h.world.add(e, Body, { x: 1.5, y: -2, mass: 30 })
    })
    h.replicator.flush(1, 1_050)
    expect(updateOf(h.received('a')).tables).toEqual([{ tableId: 0, inserts: [e, 1.5, -2, 30], updates: [], deletes: [] }])

    h.tx(() => h.world.update(e, Body, { x: 4, mass: 31 }))
    h.replicator.flush(2, 1_100)
    expect(updateOf(h.received('a')).tables).toEqual([{ tableId: 0, inserts: [], updates: [e, 0b101, 4, 31], deletes: [] }])

    h.tx(() => h.world.destroy(e))
    h.replicator.flush(3, 1_150)
    const update = updateOf(h.received('a'))
    expect(update).toMatchObject({ prevSeq: 2, seq: 3, tick: 3, serverTime: 1_150 })
    expect(update.tables).toEqual([{ tableId: 0, inserts: [], updates: [], deletes: [e] }])
  })

  it('merges the transactions between flushes into one update with the current values', () => {
    const h = harness()
    h.client('a')
    h.replicator.subscribe('a', 1, 1, ['Body'])
    let kept = 0 as Entity
    h.tx(() => {
      kept = h.world.create()
      h.world.add(kept, Body, { x: 1 })
    })
    h.replicator.flush(0, 0)
    h.received('a')

    let born = 0 as Entity
    h.tx(() => h.world.set(kept, Body, 'x', 2))
    h.tx(() => h.world.set(kept, Body, 'y', 3))
    h.tx(() => {
      born = h.world.create()
      h.world.add(born, Body, { mass: 5 })
    })
    h.tx(() => h.world.set(born, Body, 'mass', 6))
    h.tx(() => {
      const gone = h.world.create()
      h.world.add(gone, Body)
    })
    h.tx(() => {
      for (const e of h.world.query([Body]).toArray()) if (e !== kept && e !== born) h.world.destroy(e)
    })
    h.replicator.flush(1, 50)
    const update = updateOf(h.received('a'))
    expect(update.prevSeq).toBe(1)
    expect(update.seq).toBe(7)
    expect(update.tables).toEqual([{ tableId: 0, inserts: [born, 0, 0, 6], updates: [kept, 0b011, 2, 3], deletes: [] }])
  })

  it('encodes once per distinct view and sends the same bytes to every client of a view', () => {
    const h = harness()
    const a = h.client('a')
    const b = h.client('b')
    const c = h.client('c')
    const d = h.client('d')
    const idle = h.client('idle')
    h.replicator.subscribe('a', 1, 1, ['Body'])
    h.replicator.subscribe('b', 1, 7, ['Body', 'Body'])
    h.replicator.subscribe('c', 1, 1, ['Player', 'Body'])
    h.replicator.subscribe('d', 1, 1, ['Body'])
    h.replicator.subscribe('d', 2, 2, ['Player'])
    h.replicator.flush(0, 0)
    for (const id of ['a', 'b', 'c', 'd']) h.received(id)
    const before = { ...h.replicator.stats }
    expect(before.encodes).toBe(5) // one SubscribeApplied per request, no update yet

    h.tx(() => {
      const e = h.world.create()
      h.world.add(e, Body)
      h.world.add(e, Player, { name: 'ada' })
    })
    h.replicator.flush(1, 50)
    expect(h.replicator.stats.encodes - before.encodes).toBe(3) // {Body}, {Body, Player}, {}
    expect(h.replicator.stats.framesSent - before.framesSent).toBe(5)
    const last = (frames: Uint8Array[]): Uint8Array => frames[frames.length - 1] as Uint8Array
    expect(last(a)).toBe(last(b))
    expect(last(c)).toBe(last(d))
    expect(last(a)).not.toBe(last(c))
    expect(h.replicator.stats.bytesSent - before.bytesSent).toBe(
      [a, b, c, d, idle].reduce((sum, frames) => sum + last(frames).byteLength, 0),
    )
    const tableIds = (id: string): number[] => updateOf(h.received(id)).tables.map((t) => t.tableId)
    expect(tableIds('a')).toEqual([0])
    expect(tableIds('c')).toEqual([0, 1])
    expect(tableIds('idle')).toEqual([])
  })

  it('keeps prevSeq → seq contiguous for a client without subscriptions', () => {
    const h = harness()
    h.client('idle')
    for (let tick = 1; tick <= 4; tick++) {
      h.tx(() => h.world.add(h.world.create(), Food))
      if (tick % 2 === 0) h.tx(() => h.world.emit('tock', tick))
      h.replicator.flush(tick, tick * 50)
    }
    const updates = h.received('idle') as TransactionUpdate[]
    expect(updates.map((u) => [u.prevSeq, u.seq])).toEqual([
      [0, 1],
      [1, 3],
      [3, 4],
      [4, 6],
    ])
    expect(updates.every((u) => u.tables.length === 0)).toBe(true)
  })

  it('sends every event to every client, whatever its view', () => {
    const h = harness()
    h.client('a')
    h.client('b')
    h.replicator.subscribe('a', 1, 1, ['Food'])
    h.tx(() => h.world.emit('splash', { at: [1, 2] }))
    h.tx(() => h.world.emit('boom', 3))
    h.replicator.flush(1, 50)
    for (const id of ['a', 'b']) {
      expect(updateOf(h.received(id)).events).toEqual([
        { name: 'splash', payload: { at: [1, 2] } },
        { name: 'boom', payload: 3 },
      ])
    }
  })

  it('serves a subscribe after that tick’s update, with every row and the flushed seq', () => {
    const h = harness()
    h.client('a')
    let e = 0 as Entity
    h.tx(() => {
      e = h.world.create()
      h.world.add(e, Body, { x: 9, y: 8, mass: 7 })
      h.world.add(e, Player, { name: 'bo', alive: true })
    })
    h.replicator.subscribe('a', 42, 3, ['Player', 'Food'])
    h.replicator.flush(1, 50)
    const [update, applied] = h.received('a')
    expect(update).toMatchObject({ type: 'TransactionUpdate', prevSeq: 0, seq: 1, tables: [] })
    expect(applied).toEqual({
      type: 'SubscribeApplied',
      requestId: 42,
      queryId: 3,
      seq: 1,
      tables: [
        { tableId: 1, rows: [e, 'bo', true, 0] },
        { tableId: 2, rows: [] },
      ],
    } satisfies SubscribeApplied)

    h.tx(() => h.world.set(e, Player, 'alive', false))
    h.tx(() => h.world.set(e, Body, 'x', 1))
    h.replicator.flush(2, 100)
    expect(updateOf(h.received('a')).tables).toEqual([{ tableId: 1, inserts: [], updates: [e, 0b010, false], deletes: [] }])
  })

  it('serves an unsubscribe after that tick’s update and then leaves the table out', () => {
    const h = harness()
    h.client('a')
    h.replicator.subscribe('a', 1, 1, ['Body'])
    h.replicator.subscribe('a', 2, 2, ['Food'])
    h.replicator.flush(0, 0)
    h.received('a')
    h.tx(() => h.world.add(h.world.create(), Body))
    h.replicator.unsubscribe('a', 3, 1)
    h.replicator.flush(1, 50)
    const [update, unsubscribed] = h.received('a')
    expect((update as TransactionUpdate).tables.map((t) => t.tableId)).toEqual([0])
    expect(unsubscribed).toEqual({ type: 'Unsubscribed', requestId: 3, queryId: 1 })
    h.tx(() => {
      const e = h.world.create()
      h.world.add(e, Body)
      h.world.add(e, Food)
    })
    h.replicator.flush(2, 100)
    expect(updateOf(h.received('a')).tables.map((t) => t.tableId)).toEqual([2])
  })

  it('validates subscriptions at once', () => {
    const h = harness({ maxSubscriptionsPerClient: 2 })
    h.client('a')
    const codeOf = (fn: () => void): string | undefined => {
      try {
        fn()
      } catch (error) {
        return error instanceof SyncError ? error.code : 'other'
      }
      return undefined
    }
    expect(codeOf(() => h.replicator.subscribe('a', 1, 1, ['Body', 'Nope']))).toBe('ERR_UNKNOWN_COMPONENT')
    expect(codeOf(() => h.replicator.subscribe('zz', 1, 1, ['Body']))).toBe('ERR_UNKNOWN_CLIENT')
    expect(codeOf(() => h.replicator.unsubscribe('zz', 1, 1))).toBe('ERR_UNKNOWN_CLIENT')
    expect(codeOf(() => h.replicator.addClient('a', () => {}))).toBe('ERR_DUPLICATE_CLIENT')
    h.replicator.subscribe('a', 1, 1, ['Body'])
    h.replicator.subscribe('a', 2, 2, ['Food'])
    expect(codeOf(() => h.replicator.subscribe('a', 3, 3, ['Player']))).toBe('ERR_TOO_MANY_SUBSCRIPTIONS')
    expect(codeOf(() => h.replicator.subscribe('a', 4, 2, ['Player']))).toBeUndefined() // replaces query 2
    h.replicator.unsubscribe('a', 5, 1)
    expect(codeOf(() => h.replicator.subscribe('a', 6, 3, ['Player']))).toBeUndefined()
    h.replicator.flush(0, 0)
    expect(h.received('a').map((m) => m.type)).toEqual([
      'SubscribeApplied',
      'SubscribeApplied',
      'SubscribeApplied',
      'Unsubscribed',
      'SubscribeApplied',
    ])
  })

  it('stops sending to a removed client and drops its pending requests', () => {
    const h = harness()
    const frames = h.client('a')
    h.replicator.subscribe('a', 1, 1, ['Body'])
    h.replicator.removeClient('a')
    h.tx(() => h.world.add(h.world.create(), Body))
    h.replicator.flush(1, 50)
    expect(frames).toHaveLength(0)
    expect(h.replicator.stats.framesSent).toBe(0)
  })

  it('records every changed table in the history, whatever the views', () => {
    const h = harness({ historySize: 2 })
    h.client('a')
    h.replicator.subscribe('a', 1, 1, ['Food'])
    for (let tick = 1; tick <= 3; tick++) {
      h.tx(() => {
        const e = h.world.create()
        h.world.add(e, Body, { mass: tick })
        h.world.add(e, Player)
      })
      h.replicator.flush(tick, tick)
    }
    expect(h.replicator.history.oldestSeq).toBe(1)
    expect(h.replicator.history.newestSeq).toBe(3)
    expect(h.replicator.history.since(0)).toBeNull()
    const entries = h.replicator.history.since(1) ?? []
    expect(entries.map((x) => [x.prevSeq, x.seq, x.tick])).toEqual([
      [1, 2, 2],
      [2, 3, 3],
    ])
    expect(entries[0]?.tables.map((t) => t.tableId)).toEqual([0, 1])
  })

  it('serves the other clients when one send throws, then rethrows', () => {
    const h = harness()
    const boom = new Error('socket gone')
    h.replicator.addClient('bad', () => {
      throw boom
    })
    const good = h.client('good')
    h.tx(() => h.world.add(h.world.create(), Food))
    expect(() => h.replicator.flush(1, 50)).toThrow(boom)
    expect(good).toHaveLength(1)
    expect(h.replicator.flushedSeq).toBe(1)
    expect(h.replicator.stats.framesSent).toBe(1)
  })
})
