import { defineComponent, type Entity } from '@orrery/ecs'
import { describeSchema } from '@orrery/protocol'
import { createReplica } from '@orrery/sync'
import { describe, expect, it } from 'vitest'
import { createTable } from './table.js'

const Body = defineComponent('Body', { x: 'f64', y: 'f64' })
const Player = defineComponent('Player', { identity: 'string', team: 'u8' }, { unique: ['identity'], index: ['team'] })

function setup() {
  const replica = createReplica({ components: [Body, Player] })
  replica.setSchema(describeSchema({ components: [Body, Player] }))
  return { replica, body: createTable(replica, Body), player: createTable(replica, Player) }
}

const e = (n: number) => n as Entity

describe('Table', () => {
  it('reads rows, iterates, counts and finds through unique, multi-value and unindexed fields', () => {
    const { replica, body, player } = setup()
    replica.applySnapshot({
      type: 'SubscribeApplied',
      requestId: 1,
      queryId: 1,
      seq: 3,
      tables: [
        { tableId: 0, rows: [1, 10, 20, 2, 30, 40] },
        { tableId: 1, rows: [1, 'alice', 1, 2, 'bob', 2, 3, 'carol', 1] },
      ],
    })
    expect(body.get(e(1))).toEqual({ x: 10, y: 20 })
    expect(body.get(e(99))).toBeUndefined()
    expect(body.has(e(2))).toBe(true)
    expect(body.count()).toBe(2)
    expect([...body.iter()].sort((a, b) => a[0] - b[0])).toEqual([
      [1, { x: 10, y: 20 }],
      [2, { x: 30, y: 40 }],
    ])
    expect(player.findBy('identity', 'bob')).toEqual([[2, { identity: 'bob', team: 2 }]])
    expect(player.findBy('identity', 'nobody')).toEqual([])
    expect(player.findBy('team', 1).map(([entity]) => entity).sort()).toEqual([1, 3])
    expect(body.findBy('x', 30)).toEqual([[2, { x: 30, y: 40 }]])
  })

  it('fires onInsert/onUpdate/onDelete until unsubscribed', () => {
    const { replica, body } = setup()
    const log: string[] = []
    const offInsert = body.onInsert((entity, row) => log.push(`+${entity}:${row.x}`))
    const offUpdate = body.onUpdate((entity, row, previous, mask) => log.push(`~${entity}:${previous.x}->${row.x}/${mask}`))
    const offDelete = body.onDelete((entity, row) => log.push(`-${entity}:${row.x}`))
    replica.applySnapshot({ type: 'SubscribeApplied', requestId: 1, queryId: 1, seq: 1, tables: [{ tableId: 0, rows: [1, 5, 5] }] })
    replica.applyUpdate({
      type: 'TransactionUpdate',
      prevSeq: 1,
      seq: 2,
      tick: 1,
      serverTime: 0,
      tables: [{ tableId: 0, inserts: [2, 7, 7], updates: [1, 0b01, 6], deletes: [] }],
      events: [],
    })
    replica.applyUpdate({
      type: 'TransactionUpdate',
      prevSeq: 2,
      seq: 3,
      tick: 2,
      serverTime: 0,
      tables: [{ tableId: 0, inserts: [], updates: [], deletes: [2] }],
      events: [],
    })
    expect(log).toEqual(['+1:5', '+2:7', '~1:5->6/1', '-2:7'])
    offInsert()
    offUpdate()
    offDelete()
    replica.applyUpdate({
      type: 'TransactionUpdate',
      prevSeq: 3,
      seq: 4,
      tick: 3,
      serverTime: 0,
      tables: [{ tableId: 0, inserts: [3, 1, 1], updates: [], deletes: [1] }],
      events: [],
    })
    expect(log).toHaveLength(4)
    expect(body.count()).toBe(1)
  })
})
