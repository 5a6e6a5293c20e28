import type { ReplicaSnapshot } from '@orrery/demo-client/bots'
import { Body, Food, liveComponents, Player } from '@orrery/demo-shared'
import type { Entity, World } from '@orrery/ecs'
import { describe, expect, it } from 'vitest'
import { duplicateApplications } from '../src/chaos/reducer-tally.js'
import { checkReplica } from '../src/chaos/replica-check.js'
import { addPlayer, makeWorld, tx } from './world-helpers.js'

function food(world: World, x: number, y: number): Entity {
  return tx(world, () => {
    const e = world.create()
    world.add(e, Body, { x, y, mass: 3 })
    world.add(e, Food, {})
    return e
  })
}

/** What a replica in step with `world` over `area` would hold. */
function snapshotOf(world: World, area: ReplicaSnapshot['area']): ReplicaSnapshot {
  const tables: ReplicaSnapshot['tables'] = {}
  for (const c of liveComponents) {
    const rows: [number, Record<string, unknown>][] = []
    world.query([c]).forEach((e) => {
      if (c !== Player && world.has(e, Body)) {
        const x = world.read(e, Body, 'x')
        if (x < area.minX - area.margin || x > area.maxX + area.margin) return
      }
      rows.push([e, { ...(world.get(e, c) as Record<string, unknown>) }])
    })
    tables[c.name] = rows
  }
  return { identity: 'bot', area, tables }
}

describe('the chaos replica check', () => {
  const area = { minX: 0, minY: 0, maxX: 100, maxY: 100, margin: 10 }

  it('accepts a replica in step, with quantized positions within half a step', () => {
    const world = makeWorld()
    addPlayer(world, 'p1')
    const near = food(world, 50, 50)
    food(world, 500, 500)
    const snapshot = snapshotOf(world, area)
    const body = snapshot.tables.Body?.find(([e]) => e === near)?.[1] as { x: number }
    body.x += 0.03
    expect(checkReplica(snapshot, world)).toMatchObject({ wrongRows: 0, missingRows: 0 })
  })

  it('finds a wrong value, a row the server no longer has, and a missing row', () => {
    const world = makeWorld()
    const player = addPlayer(world, 'p1')
    const near = food(world, 50, 50)
    const gone = food(world, 60, 60)
    const snapshot = snapshotOf(world, area)
    tx(world, () => {
      world.set(near, Body, 'mass', 9)
      world.destroy(gone)
    })
    food(world, 40, 40)
    const check = checkReplica(snapshot, world)
    expect(check.wrongRows).toBe(3) // near's mass, and gone's Body and Food
    expect(check.missingRows).toBe(2) // the new food's Body and Food
    snapshot.tables.Player = []
    expect(checkReplica(snapshot, world).missingRows).toBe(3)
    expect(player).toBeDefined()
  })
})

describe('duplicate reducer applications', () => {
  it('counts applications beyond the distinct calls sent, per identity and reducer', () => {
    const applied = new Map([
      ['a', new Map([['split', 3], ['respawn', 1]])],
      ['b', new Map([['split', 1]])],
    ])
    expect(duplicateApplications(applied, { a: { split: 3, respawn: 1 }, b: { split: 1 } })).toBe(0)
    expect(duplicateApplications(applied, { a: { split: 2, respawn: 1 }, b: { split: 0 } })).toBe(2)
  })
})
