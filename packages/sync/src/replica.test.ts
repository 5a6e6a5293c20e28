import { type Component, defineComponent, type Entity } from '@orrery/ecs'
import { describeSchema, type SchemaDescription, type TableUpdate, type TransactionUpdate } from '@orrery/protocol'
import { describe, expect, it } from 'vitest'
import { createReplica, type Replica } from './replica.js'
import { SyncError } from './sync-error.js'
import { aoiComponents, Mover, Score, Tag } from './test-utils/fixtures.js'

/** A run's head: count · 2^fields + mask (docs/protocol.md §7). */
const run = (mask: number, count: number, fields: number): number => count * 2 ** fields + mask

/** An entity id as the ECS packs it: version above 22 index bits. */
const id = (index: number, version = 0): Entity => (version * 2 ** 22 + index) as Entity

const schema: SchemaDescription = describeSchema({ components: aoiComponents })

type UpdateParts = Partial<Omit<TransactionUpdate, 'type' | 'prevSeq' | 'seq' | 'tables'>> & {
  tables?: (Partial<TableUpdate> & { tableId: number })[]
}

function update(prevSeq: number, seq: number, parts: UpdateParts = {}): TransactionUpdate {
  return {
    type: 'TransactionUpdate',
    prevSeq,
    seq,
    tickDelta: 1,
    timeDelta: 50,
    ack: null,
    binds: [],
    releases: [],
    events: [],
    ...parts,
    tables: (parts.tables ?? []).map((t) => ({ inserts: [], updates: [], deletes: [], ...t })),
  }
}

function rowsOf(replica: Replica): unknown[] {
  return aoiComponents.map((c) =>
    replica.world
      .query([c])
      .toArray()
      .sort((a, b) => a - b)
      .map((e) => [e, replica.world.get(e, c)]),
  )
}

function record(replica: Replica, components: readonly Component[] = aoiComponents): unknown[][] {
  const log: unknown[][] = []
  for (const c of components) {
    replica.onInsert(c, (e, row) => log.push(['insert', c.name, e, row]))
    replica.onUpdate(c, (e, row, previous, mask) => log.push(['update', c.name, e, row, previous, mask]))
    replica.onDelete(c, (e, row) => log.push(['delete', c.name, e, row]))
  }
  replica.onEvent((name, payload) => log.push(['event', name, payload]))
  replica.onApplied((seq) => log.push(['applied', seq]))
  replica.onAck((requestId) => log.push(['ack', requestId]))
  return log
}

function codeOf(fn: () => void): string | undefined {
  try {
    fn()
  } catch (error) {
    return error instanceof SyncError ? error.code : `not a SyncError: ${String(error)}`
  }
  return undefined
}

/**
 * A replica at seq 2 holding: handle 1 → e1 (Mover x=1, y=2 quantized, Tag), handle 2 → e2 (Mover), handle 3 → e3 (Score).
 */
function seeded(): Replica {
  const replica = createReplica({ components: aoiComponents, schema })
  replica.startSession({ seq: 1, tick: 10, serverTime: 1_000 }, false)
  replica.applyUpdate(
    update(1, 2, {
      binds: [1, id(1), 2, id(2), 3, id(3)],
      tables: [
        { tableId: 0, inserts: [1, 16, 32, 0.5, 3, 2, -16, 0, 0, 1] },
        { tableId: 1, inserts: [1, 'one', 1] },
        { tableId: 2, inserts: [3, 7, 25] },
      ],
    }),
  )
  return replica
}

describe('createReplica', () => {
  it('binds handles, inserts rows with quantized fields restored, and announces them after the update', () => {
    const replica = createReplica({ components: aoiComponents, schema })
    replica.startSession({ seq: 4, tick: 100, serverTime: 5_000 }, false)
    const log = record(replica)
    replica.applyUpdate(
      update(4, 6, {
        tickDelta: 2,
        timeDelta: 100,
        ack: 9,
        binds: [1, id(7, 2), 2, id(3)],
        tables: [
          { tableId: 0, inserts: [1, 24, -8, 0.25, 5] },
          { tableId: 2, inserts: [2, 11, 37] },
        ],
        events: [{ name: 'hello', payload: [1] }],
      }),
    )
    expect(replica.seq).toBe(6)
    expect(replica.tick).toBe(102)
    expect(replica.serverTime).toBe(5_100)
    expect(replica.ack).toBe(9)
    expect(replica.world.get(id(7, 2), Mover)).toEqual({ x: 1.5, y: -0.5, heading: 0.25, hp: 5 })
    expect(replica.world.get(id(3), Score)).toEqual({ points: 11, ratio: Math.fround(0.37) })
    expect(log).toEqual([
      ['insert', 'Mover', id(7, 2), { x: 1.5, y: -0.5, heading: 0.25, hp: 5 }],
      ['insert', 'Score', id(3), { points: 11, ratio: Math.fround(0.37) }],
      ['event', 'hello', [1]],
      ['applied', 6],
      ['ack', 9],
    ])
  })

  it('applies deltas to quantized fields (positions against their last step), plain values to the others, and announces the changed mask', () => {
    const replica = seeded()
    const log = record(replica)
    replica.applyUpdate(update(2, 3, { tables: [{ tableId: 0, updates: [run(0b0101, 2, 4), 1, 8, 1.75, 1, -3, -1], deletes: [] }] }))
    expect(replica.world.get(id(1), Mover)).toEqual({ x: 1.5, y: 2, heading: 1.75, hp: 3 })
    expect(replica.world.get(id(2), Mover)).toEqual({ x: -1.1875, y: 0, heading: -1, hp: 1 })
    // x of handle 1 last moved 8: predicted 24 + 8, corrected by −12.
    replica.applyUpdate(update(3, 4, { tables: [{ tableId: 0, updates: [run(0b0001, 1, 4), 1, -12] }] }))
    expect(replica.world.read(id(1), Mover, 'x')).toBe(1.25)
    // A run of mask 0 moves each predicted field by its last step (x −4, y 0).
    replica.applyUpdate(update(4, 5, { tables: [{ tableId: 0, updates: [run(0, 1, 4), 1] }] }))
    expect(replica.world.read(id(1), Mover, 'x')).toBe(1)
    expect(replica.world.read(id(1), Mover, 'y')).toBe(2)
    expect(log).toEqual([
      ['update', 'Mover', id(1), { x: 1.5, y: 2, heading: 1.75, hp: 3 }, { x: 1, y: 2, heading: 0.5, hp: 3 }, 0b0101],
      ['update', 'Mover', id(2), { x: -1.1875, y: 0, heading: -1, hp: 1 }, { x: -1, y: 0, heading: 0, hp: 1 }, 0b0101],
      ['applied', 3],
      ['update', 'Mover', id(1), { x: 1.25, y: 2, heading: 1.75, hp: 3 }, { x: 1.5, y: 2, heading: 1.75, hp: 3 }, 0b0001],
      ['applied', 4],
      ['update', 'Mover', id(1), { x: 1, y: 2, heading: 1.75, hp: 3 }, { x: 1.25, y: 2, heading: 1.75, hp: 3 }, 0b0001],
      ['applied', 5],
    ])
  })

  it('deletes rows, destroys entities left without rows, and rebinds released handles in one update', () => {
    const replica = seeded()
    const log = record(replica)
    replica.applyUpdate(
      update(2, 3, {
        releases: [2],
        binds: [2, id(9)],
        tables: [
          { tableId: 0, deletes: [2, 1], inserts: [2, 0, 0, 0, 4] },
          { tableId: 1, deletes: [1] },
        ],
      }),
    )
    expect(replica.world.isAlive(id(2))).toBe(false)
    expect(replica.world.isAlive(id(1))).toBe(false)
    expect(replica.world.get(id(9), Mover)).toEqual({ x: 0, y: 0, heading: 0, hp: 4 })
    expect(log.map((entry) => entry.slice(0, 3))).toEqual([
      ['delete', 'Mover', id(2)],
      ['delete', 'Mover', id(1)],
      ['delete', 'Tag', id(1)],
      ['insert', 'Mover', id(9)],
      ['applied', 3],
    ])
    // Handle 1 stays bound (it was not released): its entity may get rows again, under the same id.
    replica.applyUpdate(update(3, 4, { tables: [{ tableId: 1, inserts: [1, 'back', 2] }] }))
    expect(replica.world.get(id(1), Tag)).toEqual({ label: 'back', level: 2 })
  })

  it('accepts a released handle bound to another entity while its old entity gets a new handle', () => {
    const replica = seeded()
    replica.applyUpdate(
      update(2, 3, {
        releases: [1],
        binds: [1, id(40), 4, id(1)],
        tables: [
          { tableId: 0, deletes: [1], inserts: [1, 0, 0, 0, 9, 4, 48, 0, 0, 8] },
          { tableId: 1, deletes: [1] },
        ],
      }),
    )
    expect(replica.world.get(id(40), Mover)).toEqual({ x: 0, y: 0, heading: 0, hp: 9 })
    expect(replica.world.get(id(1), Mover)).toEqual({ x: 3, y: 0, heading: 0, hp: 8 })
    expect(replica.world.has(id(1), Tag)).toBe(false)
    replica.applyUpdate(update(3, 4, { tables: [{ tableId: 0, updates: [run(0b1000, 2, 4), 1, 1, 3, 2] }] }))
    expect(replica.world.read(id(40), Mover, 'hp')).toBe(1)
    expect(replica.world.read(id(1), Mover, 'hp')).toBe(2)
    // A handle bound twice in one update, or an entity bound under two handles, is still refused.
    expect(codeOf(() => replica.applyUpdate(update(4, 5, { releases: [1], binds: [1, id(50), 1, id(51)] })))).toBe('ERR_INVALID_UPDATE')
    expect(codeOf(() => replica.applyUpdate(update(4, 5, { releases: [1], binds: [5, id(1), 6, id(1)] })))).toBe('ERR_INVALID_UPDATE')
  })

  it('evicts an older generation of an index when a newer one is bound', () => {
    const replica = seeded()
    replica.applyUpdate(update(2, 3, { binds: [4, id(2, 1)], tables: [{ tableId: 1, inserts: [4, 'new', 1] }] }))
    expect(replica.world.isAlive(id(2))).toBe(false)
    expect(replica.world.get(id(2, 1), Tag)).toEqual({ label: 'new', level: 1 })
  })

  it('reports a gap to onGap and applies nothing; throws ERR_GAP when nobody listens', () => {
    const replica = seeded()
    const before = rowsOf(replica)
    const gap = update(3, 4, { tables: [{ tableId: 0, updates: [run(0b1000, 1, 4), 2, 9] }] })
    expect(codeOf(() => replica.applyUpdate(gap))).toBe('ERR_GAP')
    const gaps: unknown[] = []
    replica.onGap((info) => gaps.push(info))
    replica.applyUpdate(gap)
    expect(codeOf(() => replica.applySubscribed({ type: 'SubscribeApplied', requestId: 1, queryId: 1, seq: 5 }))).toBeUndefined()
    expect(gaps).toEqual([
      { expected: 2, got: 3 },
      { expected: 2, got: 5 },
    ])
    expect(replica.seq).toBe(2)
    expect(rowsOf(replica)).toEqual(before)
    replica.applySubscribed({ type: 'SubscribeApplied', requestId: 1, queryId: 1, seq: 2 })
    expect(gaps).toHaveLength(2)
  })

  describe('refuses a malformed update whole', () => {
    const cases: [string, UpdateParts][] = [
      ['an unknown table', { tables: [{ tableId: 9 }] }],
      ['a table twice', { tables: [{ tableId: 0 }, { tableId: 0 }] }],
      ['an update of an unbound handle', { tables: [{ tableId: 0, updates: [run(0b1000, 1, 4), 7, 1] }] }],
      ['a delete of an unbound handle', { tables: [{ tableId: 0, deletes: [7] }] }],
      ['a delete of a row not held', { tables: [{ tableId: 1, deletes: [2] }] }],
      ['an update of a row not held', { tables: [{ tableId: 1, updates: [run(0b01, 1, 2), 2, 'x'] }] }],
      ['a release of an unbound handle', { releases: [7] }],
      ['a bind of a bound handle', { binds: [1, id(20)] }],
      ['a bind of an entity that has a handle', { binds: [7, id(2)] }],
      ['a bind of entity 0', { binds: [7, 0] }],
      ['an insert of a held row', { tables: [{ tableId: 0, inserts: [1, 0, 0, 0, 0] }] }],
      ['an insert with a short row', { binds: [7, id(20)], tables: [{ tableId: 0, inserts: [7, 0, 0, 0] }] }],
      ['a negative run head', { tables: [{ tableId: 0, updates: [-1, 1, 1] }] }],
      ['a fractional run head', { tables: [{ tableId: 0, updates: [16.5, 1, 1] }] }],
      ['a zero mask in a table without predicted fields', { tables: [{ tableId: 2, updates: [run(0, 1, 2), 3] }] }],
      ['an empty run', { tables: [{ tableId: 0, updates: [run(0b1000, 0, 4)] }] }],
      ['a bind of a handle of 2^22 or more', { binds: [2 ** 22, id(30)] }],
      ['a row updated twice', { tables: [{ tableId: 0, updates: [run(0b1000, 1, 4), 1, 5, run(0b0100, 1, 4), 1, 2.5] }] }],
      ['a run longer than the updates', { tables: [{ tableId: 0, updates: [run(0b1000, 3, 4), 1, 1, 2, 1] }] }],
      ['a handle repeated in a run (gap 0)', { tables: [{ tableId: 0, updates: [run(0b1000, 2, 4), 1, 1, 0, 2] }] }],
      ['a negative handle gap', { tables: [{ tableId: 0, updates: [run(0b1000, 2, 4), 2, 1, -1, 2] }] }],
      ['a non-integer quantized insert', { binds: [7, id(20)], tables: [{ tableId: 0, inserts: [7, 1.5, 0, 0, 0] }] }],
      ['a non-integer quantized delta', { tables: [{ tableId: 0, updates: [run(0b0001, 1, 4), 1, 0.5] }] }],
      ['a quantized value beyond safe integers', { tables: [{ tableId: 0, updates: [run(0b0001, 1, 4), 1, 2 ** 60] }] }],
      ['a u8 out of range', { tables: [{ tableId: 0, updates: [run(0b1000, 1, 4), 1, 300] }] }],
      ['a string for a number', { tables: [{ tableId: 2, updates: [run(0b01, 1, 2), 3, 'seven'] }] }],
      ['a number for a string', { tables: [{ tableId: 1, updates: [run(0b01, 1, 2), 1, 4] }] }],
      ['an f32 field that is NaN', { tables: [{ tableId: 0, updates: [run(0b0100, 1, 4), 1, Number.NaN] }] }],
    ]
    it.each(cases)('%s: ERR_INVALID_UPDATE, nothing applied, nobody told', (_, bad) => {
      const replica = seeded()
      const before = rowsOf(replica)
      const log = record(replica)
      // Valid parts come first (a bind, a Score insert and update, an event), so a half-applied update would show.
      const valid = { tableId: 2, updates: [run(0b01, 1, 2), 3, 99], inserts: [8, 5, 5] }
      const badTables = bad.tables ?? []
      const m = update(2, 3, {
        ...bad,
        binds: [8, id(30), ...(bad.binds ?? [])],
        events: [{ name: 'never', payload: null }],
        tables: badTables.some((t) => t.tableId === 2) ? badTables : [valid, ...badTables],
      })
      expect(codeOf(() => replica.applyUpdate(m))).toBe('ERR_INVALID_UPDATE')
      expect(rowsOf(replica)).toEqual(before)
      expect(log).toEqual([])
      expect(replica.seq).toBe(2)
      // Handles, rows and quantized baselines are as before: a valid update still applies on top.
      replica.applyUpdate(
        update(2, 3, {
          binds: [7, id(20)],
          tables: [
            { tableId: 0, updates: [run(0b0001, 1, 4), 1, 1], inserts: [7, 0, 0, 0, 0] },
            { tableId: 1, deletes: [1] },
          ],
        }),
      )
      expect(replica.world.read(id(1), Mover, 'x')).toBe(1.0625)
      expect(replica.world.has(id(20), Mover)).toBe(true)
    })
  })

  it('after a fresh session keeps the re-sent rows, announces only changed ones, and endResync deletes the rest', () => {
    const replica = seeded()
    replica.startSession({ seq: 10, tick: 50, serverTime: 9_000 }, false)
    const log = record(replica)
    // The new session binds new handles: e2 comes back unchanged, e1 with a moved x, e3 not at all.
    replica.applyUpdate(
      update(10, 11, {
        binds: [1, id(2), 2, id(1)],
        tables: [
          { tableId: 0, inserts: [1, -16, 0, 0, 1, 2, 32, 32, 0.5, 3] },
          { tableId: 1, inserts: [2, 'one', 1] },
        ],
      }),
    )
    replica.applySubscribed({ type: 'SubscribeApplied', requestId: 1, queryId: 1, seq: 11 })
    expect(replica.world.has(id(3), Score)).toBe(true)
    replica.endResync()
    expect(replica.world.isAlive(id(3))).toBe(false)
    expect(log).toEqual([
      ['update', 'Mover', id(1), { x: 2, y: 2, heading: 0.5, hp: 3 }, { x: 1, y: 2, heading: 0.5, hp: 3 }, 0b0001],
      ['applied', 11],
      ['delete', 'Score', id(3), { points: 7, ratio: Math.fround(0.25) }],
    ])
    // The new handles and baselines are the ones in force.
    replica.applyUpdate(update(11, 12, { tables: [{ tableId: 0, updates: [run(0b0001, 1, 4), 2, -16] }] }))
    expect(replica.world.read(id(1), Mover, 'x')).toBe(1)
    replica.endResync()
    expect(replica.world.count(Mover)).toBe(2)
  })

  it('keeps handles, rows and baselines over a resumed session', () => {
    const replica = seeded()
    replica.startSession({ seq: 2, tick: 11, serverTime: 1_050 }, true)
    replica.applyUpdate(update(2, 3, { tables: [{ tableId: 0, updates: [run(0b0001, 1, 4), 1, 16] }] }))
    expect(replica.world.read(id(1), Mover, 'x')).toBe(2)
    replica.endResync()
    expect(replica.world.isAlive(id(3))).toBe(true)
  })

  it('maps table ids by name through the server schema, with the server’s steps, and refuses a mismatch', () => {
    const Extra = defineComponent('Extra', { v: 'u8' })
    const server = describeSchema({
      components: [Extra, defineComponent('Mover', Mover.schema, { quantize: { x: 0.5, y: 0.5 } }), Tag],
    })
    const replica = createReplica({ components: [Mover, Tag], schema: server })
    replica.applyUpdate(update(0, 1, { binds: [1, id(1)], tables: [{ tableId: 1, inserts: [1, 3, -3, 0, 1] }] }))
    expect(replica.world.get(id(1), Mover)).toMatchObject({ x: 1.5, y: -1.5 })
    expect(codeOf(() => replica.applyUpdate(update(1, 2, { tables: [{ tableId: 0 }] })))).toBe('ERR_INVALID_UPDATE')
    const other = describeSchema({ components: [defineComponent('Mover', { x: 'f32', y: 'f64', heading: 'f32', hp: 'u8' })] })
    expect(codeOf(() => createReplica({ components: [Mover], schema: other }))).toBe('ERR_SCHEMA_MISMATCH')
    expect(codeOf(() => replica.setSchema(other))).toBe('ERR_SCHEMA_MISMATCH')
  })

  it('routes server messages with apply', () => {
    const replica = seeded()
    expect(replica.apply(update(2, 3, { ack: 4 }))).toBe(true)
    expect(replica.ack).toBe(4)
    expect(replica.apply({ type: 'SubscribeApplied', requestId: 1, queryId: 1, seq: 3 })).toBe(true)
    expect(replica.apply({ type: 'Pong', clientTime: 1, serverTime: 2 })).toBe(false)
    expect(replica.seq).toBe(3)
  })

  it('stops calling a listener once it is removed', () => {
    const replica = seeded()
    const seen: Entity[] = []
    const off = replica.onUpdate(Mover, (e) => seen.push(e))
    replica.applyUpdate(update(2, 3, { tables: [{ tableId: 0, updates: [run(0b1000, 1, 4), 1, 5] }] }))
    off()
    replica.applyUpdate(update(3, 4, { tables: [{ tableId: 0, updates: [run(0b1000, 1, 4), 1, 6] }] }))
    expect(seen).toEqual([id(1)])
    expect(replica.world.read(id(1), Mover, 'hp')).toBe(6)
  })

  it('within one update, a listener removed by another is not called again, and one added is called from the next row on', () => {
    const replica = seeded()
    const seen: string[] = []
    let offSecond: () => void = () => {}
    replica.onUpdate(Mover, (e) => {
      seen.push(`first ${e}`)
      if (e === id(1)) {
        offSecond()
        replica.onUpdate(Mover, (later) => seen.push(`added ${later}`))
      }
    })
    offSecond = replica.onUpdate(Mover, (e) => seen.push(`second ${e}`))
    // Both Movers' hp change in one update: handle 1, then handle 2 (a gap of 1).
    replica.applyUpdate(update(2, 3, { tables: [{ tableId: 0, updates: [run(0b1000, 2, 4), 1, 5, 1, 6] }] }))
    expect(seen).toEqual([`first ${id(1)}`, `first ${id(2)}`, `added ${id(2)}`])
  })

  it('announces the rows of an update a listener applies while another update is announced, and then the rest of that one', () => {
    const replica = seeded()
    const seen: string[] = []
    replica.onUpdate(Mover, (e, row) => {
      seen.push(`${e}: hp ${row.hp}`)
      if (replica.seq === 3 && seen.length === 1) {
        replica.applyUpdate(update(3, 4, { tables: [{ tableId: 0, updates: [run(0b1000, 1, 4), 1, 7] }] }))
      }
    })
    replica.applyUpdate(update(2, 3, { tables: [{ tableId: 0, updates: [run(0b1000, 2, 4), 1, 5, 1, 6] }] }))
    // The rows are read when the update is applied: the nested update's row, then the outer one's second row.
    expect(seen).toEqual([`${id(1)}: hp 5`, `${id(1)}: hp 7`, `${id(2)}: hp 6`])
    expect(replica.seq).toBe(4)
  })
})
