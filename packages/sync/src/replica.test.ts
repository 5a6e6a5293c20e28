import { type Entity, entityIndex } from '@orrery/ecs'
import type { SubscribeApplied, TableUpdate, TransactionUpdate } from '@orrery/protocol'
import { describe, expect, it, vi } from 'vitest'
import { createReplica, type Replica } from './replica.js'
import { SyncError } from './sync-error.js'
import { Body, components, Food, Player } from './test-utils/fixtures.js'

/** An entity id as the ECS packs it: version above 22 index bits. */
const id = (index: number, version = 0): Entity => (version * 2 ** 22 + index) as Entity

function snapshot(seq: number, tables: SubscribeApplied['tables'], queryId = 1): SubscribeApplied {
  return { type: 'SubscribeApplied', requestId: 1, queryId, seq, tables }
}

function update(
  prevSeq: number,
  seq: number,
  tables: Partial<TableUpdate>[] = [],
  events: TransactionUpdate['events'] = [],
): TransactionUpdate {
  return {
    type: 'TransactionUpdate',
    prevSeq,
    seq,
    tick: seq,
    serverTime: seq * 50,
    tables: tables.map((t) => ({ tableId: 0, inserts: [], updates: [], deletes: [], ...t })),
    events,
  }
}

function rows(replica: Replica, component = Body): [number, unknown][] {
  return replica.world
    .query([component])
    .toArray()
    .map((e): [number, unknown] => [e, replica.world.get(e, component)])
    .sort((a, b) => a[0] - b[0])
}

function record(replica: Replica) {
  const log: unknown[][] = []
  for (const c of components) {
    replica.onInsert(c, (e, row) => log.push(['insert', c.name, e, row]))
    replica.onUpdate(c, (e, row, previous, mask) => log.push(['update', c.name, e, row, previous, mask]))
    replica.onDelete(c, (e, row) => log.push(['delete', c.name, e, row]))
  }
  replica.onEvent((name, payload) => log.push(['event', name, payload]))
  replica.onApplied((seq) => log.push(['applied', seq]))
  return log
}

function codeOf(fn: () => void): string | undefined {
  try {
    fn()
  } catch (error) {
    return error instanceof SyncError ? error.code : 'other'
  }
  return undefined
}

describe('createReplica', () => {
  it('applies a snapshot with the server’s entity ids and announces the inserts', () => {
    const replica = createReplica({ components })
    const log = record(replica)
    replica.applySnapshot(snapshot(4, [{ tableId: 0, rows: [id(3), 1, 2, 3, id(7, 2), 4, 5, 6] }]))
    expect(replica.seq).toBe(4)
    expect(replica.world.isAlive(id(7, 2))).toBe(true)
    expect(rows(replica)).toEqual([
      [id(3), { x: 1, y: 2, mass: 3 }],
      [id(7, 2), { x: 4, y: 5, mass: 6 }],
    ])
    expect(log).toEqual([
      ['insert', 'Body', id(3), { x: 1, y: 2, mass: 3 }],
      ['insert', 'Body', id(7, 2), { x: 4, y: 5, mass: 6 }],
      ['applied', 4],
    ])
  })

  it('replaces a table from a later snapshot, announcing only the difference', () => {
    const replica = createReplica({ components })
    replica.applySnapshot(snapshot(1, [{ tableId: 0, rows: [id(1), 1, 1, 1, id(2), 2, 2, 2, id(3), 3, 3, 3] }]))
    const log = record(replica)
    replica.applySnapshot(snapshot(5, [{ tableId: 0, rows: [id(1), 1, 1, 1, id(2), 2, 9, 2, id(4), 4, 4, 4] }], 2))
    expect(log).toEqual([
      ['delete', 'Body', id(3), { x: 3, y: 3, mass: 3 }],
      ['insert', 'Body', id(4), { x: 4, y: 4, mass: 4 }],
      ['update', 'Body', id(2), { x: 2, y: 9, mass: 2 }, { x: 2, y: 2, mass: 2 }, 0b010],
      ['applied', 5],
    ])
    expect(replica.world.isAlive(id(3))).toBe(false)
  })

  it('applies deletes, then inserts, then updates, and announces rows, events and the seq', () => {
    const replica = createReplica({ components })
    replica.applySnapshot(
      snapshot(2, [
        { tableId: 0, rows: [id(1), 1, 1, 1, id(2), 2, 2, 2] },
        { tableId: 1, rows: [id(1), 'ada', true, 0] },
      ]),
    )
    const log = record(replica)
    replica.applyUpdate(
      update(
        2,
        3,
        [
          { tableId: 0, inserts: [id(2, 1), 5, 5, 5], deletes: [id(2)], updates: [id(1), 0b101, 7, 8] },
          { tableId: 1, updates: [id(1), 0b100, id(2, 1)] },
        ],
        [{ name: 'hit', payload: { by: 1 } }],
      ),
    )
    expect(replica.seq).toBe(3)
    expect(log).toEqual([
      ['delete', 'Body', id(2), { x: 2, y: 2, mass: 2 }],
      ['insert', 'Body', id(2, 1), { x: 5, y: 5, mass: 5 }],
      ['update', 'Body', id(1), { x: 7, y: 1, mass: 8 }, { x: 1, y: 1, mass: 1 }, 0b101],
      ['update', 'Player', id(1), { name: 'ada', alive: true, target: id(2, 1) }, { name: 'ada', alive: true, target: 0 }, 0b100],
      ['event', 'hit', { by: 1 }],
      ['applied', 3],
    ])
    expect(replica.world.isAlive(id(2))).toBe(false)
    expect(replica.world.isAlive(id(2, 1))).toBe(true)
  })

  it('destroys an entity that has no rows left', () => {
    const replica = createReplica({ components })
    replica.applyUpdate(update(0, 1, [{ tableId: 0, inserts: [id(1), 0, 0, 0] }, { tableId: 2, inserts: [id(1)] }]))
    replica.applyUpdate(update(1, 2, [{ tableId: 0, deletes: [id(1)] }]))
    expect(replica.world.isAlive(id(1))).toBe(true)
    replica.applyUpdate(update(2, 3, [{ tableId: 2, deletes: [id(1)] }]))
    expect(replica.world.isAlive(id(1))).toBe(false)
  })

  it('evicts an older generation of an index when a newer one arrives', () => {
    const replica = createReplica({ components })
    replica.applyUpdate(update(0, 1, [{ tableId: 2, inserts: [id(4)] }]))
    const deleted = vi.fn()
    replica.onDelete(Food, deleted)
    replica.applyUpdate(update(1, 2, [{ tableId: 0, inserts: [id(4, 3), 1, 2, 3] }]))
    expect(replica.world.isAlive(id(4))).toBe(false)
    expect(replica.world.get(id(4, 3), Body)).toEqual({ x: 1, y: 2, mass: 3 })
    expect(deleted).toHaveBeenCalledWith(id(4), {})
    expect(entityIndex(id(4, 3))).toBe(4)
  })

  it('takes its first update as the baseline, then ignores old ones and reports gaps', () => {
    const replica = createReplica({ components })
    const gaps = vi.fn()
    replica.onGap(gaps)
    replica.applyUpdate(update(40, 41, [{ tableId: 2, inserts: [id(1)] }]))
    expect(replica.seq).toBe(41)
    replica.applyUpdate(update(39, 40, [{ tableId: 2, deletes: [id(1)] }]))
    replica.applyUpdate(update(40, 41, [{ tableId: 2, deletes: [id(1)] }]))
    expect(replica.world.has(id(1), Food)).toBe(true)
    expect(gaps).not.toHaveBeenCalled()
    replica.applyUpdate(update(42, 43, [{ tableId: 2, deletes: [id(1)] }]))
    expect(gaps).toHaveBeenCalledWith({ expected: 41, got: 42 })
    expect(replica.seq).toBe(41)
    expect(replica.world.has(id(1), Food)).toBe(true)
    replica.applyUpdate(update(41, 42))
    expect(replica.seq).toBe(42)
  })

  it('throws ERR_GAP when nobody listens for gaps', () => {
    const replica = createReplica({ components })
    replica.applySnapshot(snapshot(5, []))
    expect(codeOf(() => replica.applyUpdate(update(6, 7)))).toBe('ERR_GAP')
    expect(replica.seq).toBe(5)
  })

  it.each<[string, Partial<TableUpdate>[]]>([
    ['an unknown table id', [{ tableId: 9 }]],
    ['a repeated table id', [{ tableId: 0 }, { tableId: 0 }]],
    ['a wrong insert stride', [{ tableId: 0, inserts: [id(1), 1, 2] }]],
    ['a mask with a bit past the fields', [{ tableId: 0, updates: [id(1), 0b1000] }]],
    ['an empty mask', [{ tableId: 0, updates: [id(1), 0] }]],
    ['a truncated update', [{ tableId: 0, updates: [id(1), 0b011, 5] }]],
    ['a value of the wrong type', [{ tableId: 1, inserts: [id(1), 'ok', 'yes', 0] }]],
    ['an out-of-range integer', [{ tableId: 0, inserts: [id(1), 0, 0, -1] }]],
    ['entity id 0', [{ tableId: 2, deletes: [0] }]],
    ['a fractional entity id', [{ tableId: 2, inserts: [1.5] }]],
  ])('rejects %s and applies nothing', (_name, tables) => {
    const replica = createReplica({ components })
    replica.applySnapshot(snapshot(1, [{ tableId: 0, rows: [id(1), 1, 1, 1] }]))
    const log = record(replica)
    const good: Partial<TableUpdate> = { tableId: 2, inserts: [id(5)] }
    expect(codeOf(() => replica.applyUpdate(update(1, 2, [good, ...tables])))).toBe('ERR_INVALID_UPDATE')
    expect(replica.seq).toBe(1)
    expect(replica.world.isAlive(id(5))).toBe(false)
    expect(rows(replica)).toEqual([[id(1), { x: 1, y: 1, mass: 1 }]])
    expect(log).toEqual([])
  })

  it('rejects a malformed snapshot and applies nothing', () => {
    const replica = createReplica({ components })
    expect(codeOf(() => replica.applySnapshot(snapshot(1, [{ tableId: 2, rows: [id(1)] }, { tableId: 0, rows: [id(2), 1] }])))).toBe(
      'ERR_INVALID_UPDATE',
    )
    expect(replica.world.isAlive(id(1))).toBe(false)
    expect(replica.seq).toBe(0)
  })

  it('rejects an update whose seq does not advance', () => {
    const replica = createReplica({ components })
    expect(codeOf(() => replica.applyUpdate(update(3, 3)))).toBe('ERR_INVALID_UPDATE')
  })

  it('maps table ids through the server schema and refuses a mismatch', () => {
    const replica = createReplica({
      components,
      schema: {
        components: [
          ['Secret', [['v', 'u8']]],
          ['Food', []],
          ['Body', [['x', 'f64'], ['y', 'f64'], ['mass', 'u32']]],
        ],
        reducers: [],
      },
    })
    replica.applyUpdate(update(0, 1, [{ tableId: 1, inserts: [id(1)] }, { tableId: 2, inserts: [id(1), 1, 2, 3] }]))
    expect(replica.world.has(id(1), Food)).toBe(true)
    expect(replica.world.get(id(1), Body)).toEqual({ x: 1, y: 2, mass: 3 })
    expect(codeOf(() => replica.applyUpdate(update(1, 2, [{ tableId: 0, inserts: [id(2), 1] }])))).toBe('ERR_INVALID_UPDATE')
    expect(
      codeOf(() =>
        replica.setSchema({
          components: [['Body', [['y', 'f64'], ['x', 'f64'], ['mass', 'u32']]]],
          reducers: [],
        }),
      ),
    ).toBe('ERR_SCHEMA_MISMATCH')
    expect(codeOf(() => replica.setSchema({ components: [['Player', [['name', 'string']]]], reducers: [] }))).toBe(
      'ERR_SCHEMA_MISMATCH',
    )
  })

  it('drops the rows of tables no remaining subscription covers on Unsubscribed', () => {
    const replica = createReplica({ components })
    replica.applySnapshot(snapshot(1, [{ tableId: 0, rows: [id(1), 1, 1, 1] }, { tableId: 2, rows: [id(2)] }], 1))
    replica.applySnapshot(snapshot(1, [{ tableId: 2, rows: [id(2)] }], 2))
    const log = record(replica)
    replica.applyUnsubscribed({ type: 'Unsubscribed', requestId: 9, queryId: 1 })
    expect(log).toEqual([['delete', 'Body', id(1), { x: 1, y: 1, mass: 1 }]])
    expect(replica.world.isAlive(id(1))).toBe(false)
    expect(replica.world.has(id(2), Food)).toBe(true)
    replica.applyUnsubscribed({ type: 'Unsubscribed', requestId: 10, queryId: 2 })
    expect(replica.world.isAlive(id(2))).toBe(false)
    replica.applyUnsubscribed({ type: 'Unsubscribed', requestId: 11, queryId: 77 })
    expect(replica.seq).toBe(1)
  })

  it('drops tables a replaced subscription no longer covers', () => {
    const replica = createReplica({ components })
    replica.applySnapshot(snapshot(1, [{ tableId: 0, rows: [id(1), 1, 1, 1] }], 1))
    replica.applySnapshot(snapshot(1, [{ tableId: 2, rows: [id(2)] }], 1))
    expect(rows(replica)).toEqual([])
    expect(replica.world.has(id(2), Food)).toBe(true)
  })

  it('routes server messages with apply and re-anchors after reset', () => {
    const replica = createReplica({ components })
    expect(replica.apply({ type: 'Pong', clientTime: 1, serverTime: 2 })).toBe(false)
    expect(replica.apply(snapshot(3, [{ tableId: 2, rows: [id(1)] }]))).toBe(true)
    expect(replica.apply(update(3, 4))).toBe(true)
    replica.reset()
    expect(replica.apply(update(90, 91, [{ tableId: 2, inserts: [id(2)] }]))).toBe(true)
    expect(replica.seq).toBe(91)
    expect(replica.world.has(id(2), Food)).toBe(true)
    expect(replica.apply({ type: 'Unsubscribed', requestId: 1, queryId: 1 })).toBe(true)
    expect(replica.world.has(id(1), Food)).toBe(true) // reset forgot query 1
  })

  it('stops calling a listener once it is removed', () => {
    const replica = createReplica({ components })
    const inserted = vi.fn()
    const off = replica.onInsert(Player, inserted)
    replica.applyUpdate(update(0, 1, [{ tableId: 1, inserts: [id(1), 'a', false, 0] }]))
    off()
    replica.applyUpdate(update(1, 2, [{ tableId: 1, inserts: [id(2), 'b', false, 0] }]))
    expect(inserted).toHaveBeenCalledTimes(1)
    expect(inserted).toHaveBeenCalledWith(id(1), { name: 'a', alive: false, target: 0 })
  })
})
