import { defineComponent, type Entity } from '@orrery/ecs'
import { describeSchema } from '@orrery/protocol'
import { createReplica } from '@orrery/sync'
import { describe, expect, it } from 'vitest'
import { createTable } from './table.js'
import { transactionUpdate as update } from './test-utils/scripted-server.js'

/** A run's head: count · 2^fields + mask (docs/protocol.md §7). */
const run = (mask: number, count: number, fields: number): number => count * 2 ** fields + mask

const Body = defineComponent('Body', { x: 'f64', y: 'f64' })
const Player = defineComponent('Player', { identity: 'string', team: 'u8' }, { unique: ['identity'], index: ['team'] })

function setup() {
  const replica = createReplica({ components: [Body, Player] })
  replica.setSchema(describeSchema({ components: [Body, Player] }))
  replica.startSession({ seq: 0, tick: 0, serverTime: 0 }, false)
  return { replica, body: createTable(replica, Body), player: createTable(replica, Player) }
}

const e = (n: number) => n as Entity

describe('Table', () => {
  it('reads rows, iterates, counts and finds through unique, multi-value and unindexed fields', () => {
    const { replica, body, player } = setup()
    // Handles 1..3 name entities 1..3.
    replica.applyUpdate(
      update(
        0,
        3,
        [
          { tableId: 0, inserts: [1, 10, 20, 2, 30, 40], updates: [], deletes: [] },
          { tableId: 1, inserts: [1, 'alice', 1, 2, 'bob', 2, 3, 'carol', 1], updates: [], deletes: [] },
        ],
        { binds: [1, 1, 2, 2, 3, 3] },
      ),
    )
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
    replica.applyUpdate(update(0, 1, [{ tableId: 0, inserts: [1, 5, 5], updates: [], deletes: [] }], { binds: [1, 1] }))
    replica.applyUpdate(update(1, 2, [{ tableId: 0, inserts: [2, 7, 7], updates: [run(0b01, 1, 2), 1, 6], deletes: [] }], { binds: [2, 2] }))
    replica.applyUpdate(update(2, 3, [{ tableId: 0, inserts: [], updates: [], deletes: [2] }], { releases: [2] }))
    expect(log).toEqual(['+1:5', '+2:7', '~1:5->6/1', '-2:7'])
    offInsert()
    offUpdate()
    offDelete()
    replica.applyUpdate(update(3, 4, [{ tableId: 0, inserts: [3, 1, 1], updates: [], deletes: [1] }], { binds: [3, 3], releases: [1] }))
    expect(log).toHaveLength(4)
    expect(body.count()).toBe(1)
  })
})
