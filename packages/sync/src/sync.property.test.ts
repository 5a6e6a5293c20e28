import type { Component, Entity, World } from '@orrery/ecs'
import { decodeServerMessage } from '@orrery/protocol'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { createReplica, type Replica } from './replica.js'
import { Body, components, Food, Player } from './test-utils/fixtures.js'
import { harness } from './test-utils/harness.js'

const names = components.map((c) => c.name)
const CLIENTS = ['a', 'b', 'c'] as const

// -0 is left out: msgpack carries it as the integer 0, which is a codec property, not a sync one.
const coordinate = fc.double({ noNaN: true, min: -1e6, max: 1e6 }).map((v) => (Object.is(v, -0) ? 0 : v))
const bodyValues = fc.record({ x: coordinate, y: coordinate, mass: fc.integer({ min: 0, max: 0xffffffff }) })
const playerValues = fc.record({ name: fc.string({ maxLength: 6 }), alive: fc.boolean(), target: fc.nat(40) })

const op = fc.oneof(
  fc.record({
    t: fc.constant('create' as const),
    body: fc.option(bodyValues, { nil: undefined }),
    player: fc.option(playerValues, { nil: undefined }),
    food: fc.boolean(),
  }),
  fc.record({ t: fc.constant('destroy' as const), pick: fc.nat() }),
  fc.record({ t: fc.constant('addBody' as const), pick: fc.nat(), values: bodyValues }),
  fc.record({ t: fc.constant('addPlayer' as const), pick: fc.nat(), values: playerValues }),
  fc.record({ t: fc.constant('addFood' as const), pick: fc.nat() }),
  fc.record({ t: fc.constant('remove' as const), pick: fc.nat(), table: fc.nat(2) }),
  fc.record({ t: fc.constant('updateBody' as const), pick: fc.nat(), values: bodyValues, keys: fc.subarray(['x', 'y', 'mass'] as const, { minLength: 1 }) }),
  fc.record({ t: fc.constant('updatePlayer' as const), pick: fc.nat(), values: playerValues, keys: fc.subarray(['name', 'alive', 'target'] as const, { minLength: 1 }) }),
  fc.record({ t: fc.constant('emit' as const), payload: fc.integer() }),
)
type Op = typeof op extends fc.Arbitrary<infer T> ? T : never

const step = fc.oneof(
  { weight: 5, arbitrary: fc.record({
      kind: fc.constant('tx' as const),
      ops: fc.array(op, { minLength: 1, maxLength: 8 }),
      fail: fc.nat(7).map((n) => n === 0),
    }) },
  { weight: 3, arbitrary: fc.constant({ kind: 'flush' as const }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('subscribe' as const),
      client: fc.constantFrom(...CLIENTS),
      queryId: fc.nat(2),
      tables: fc.subarray(names),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('unsubscribe' as const), client: fc.constantFrom(...CLIENTS), queryId: fc.nat(2) }),
  },
)

function pickFrom(world: World, pick: number): Entity | undefined {
  const alive = [...world.entities()]
  return alive.length === 0 ? undefined : alive[pick % alive.length]
}

function targetOf(world: World, pick: number): Entity {
  return pick === 0 ? (0 as Entity) : (pickFrom(world, pick) ?? (0 as Entity))
}

function run(world: World, o: Op): void {
  if (o.t === 'create') {
    const e = world.create()
    if (o.body) world.add(e, Body, o.body)
    if (o.player) world.add(e, Player, { ...o.player, target: targetOf(world, o.player.target) })
    if (o.food) world.add(e, Food)
    return
  }
  if (o.t === 'emit') {
    world.emit('tick', o.payload)
    return
  }
  const e = pickFrom(world, o.pick)
  if (e === undefined) return
  switch (o.t) {
    case 'destroy':
      world.destroy(e)
      return
    case 'addBody':
      if (!world.has(e, Body)) world.add(e, Body, o.values)
      return
    case 'addPlayer':
      if (!world.has(e, Player)) world.add(e, Player, { ...o.values, target: targetOf(world, o.values.target) })
      return
    case 'addFood':
      if (!world.has(e, Food)) world.add(e, Food)
      return
    case 'remove': {
      const c = components[o.table] as Component
      if (world.has(e, c)) world.remove(e, c)
      return
    }
    case 'updateBody':
      if (world.has(e, Body)) for (const key of o.keys) world.set(e, Body, key, o.values[key])
      return
    case 'updatePlayer':
      if (world.has(e, Player)) {
        for (const key of o.keys) {
          if (key === 'target') world.set(e, Player, 'target', targetOf(world, o.values.target))
          else world.set(e, Player, key, o.values[key])
        }
      }
      return
  }
}

function tableOf(world: World, c: Component): [number, unknown][] {
  return world
    .query([c])
    .toArray()
    .map((e): [number, unknown] => [e, world.get(e, c)])
    .sort((x, y) => x[0] - y[0])
}

describe('replica follows the server', () => {
  it('equals the server world for its subscribed components after every flush', () => {
    fc.assert(
      fc.property(fc.array(step, { minLength: 4, maxLength: 40, size: 'max' }), (steps) => {
        const h = harness()
        const replicas = new Map<string, Replica>()
        const views = new Map<string, Map<number, Set<string>>>()
        const pending = new Map<string, (() => void)[]>()
        const gaps: unknown[] = []
        for (const id of CLIENTS) {
          const replica = createReplica({ components, schema: { components: h.replicator.schema, reducers: [] } })
          replica.onGap((info) => gaps.push(info))
          replicas.set(id, replica)
          views.set(id, new Map())
          pending.set(id, [])
          h.replicator.addClient(id, (frame) => replica.apply(decodeServerMessage(frame)))
        }
        // Client a sees everything from the start; b and c only what the random steps subscribe.
        h.replicator.subscribe('a', 0, 9, names)
        pending.get('a')?.push(() => views.get('a')?.set(9, new Set(names)))
        const check = (): void => {
          expect(gaps).toEqual([])
          for (const id of CLIENTS) {
            const replica = replicas.get(id) as Replica
            const view = new Set([...(views.get(id) as Map<number, Set<string>>).values()].flatMap((s) => [...s]))
            expect(replica.seq).toBe(h.replicator.flushedSeq)
            const expectedAlive = new Set<number>()
            for (const c of components) {
              if (view.has(c.name)) {
                expect(tableOf(replica.world, c)).toEqual(tableOf(h.world, c))
                for (const e of h.world.query([c])) expectedAlive.add(e)
              } else {
                expect(replica.world.count(c)).toBe(0)
              }
            }
            expect(new Set(replica.world.entities())).toEqual(expectedAlive)
          }
        }
        const flush = (tick: number): void => {
          h.replicator.flush(tick, tick * 50)
          for (const id of CLIENTS) for (const apply of (pending.get(id) as (() => void)[]).splice(0)) apply()
          check()
        }
        let tick = 0
        for (const s of steps) {
          if (s.kind === 'tx') {
            try {
              h.tx(() => {
                for (const o of s.ops) run(h.world, o)
                if (s.fail) throw new Error('rolled back')
              })
            } catch (error) {
              if (!(error instanceof Error) || error.message !== 'rolled back') throw error
            }
          } else if (s.kind === 'flush') {
            flush(++tick)
          } else if (s.kind === 'subscribe') {
            h.replicator.subscribe(s.client, 0, s.queryId, s.tables)
            const view = views.get(s.client) as Map<number, Set<string>>
            pending.get(s.client)?.push(() => view.set(s.queryId, new Set(s.tables)))
          } else {
            h.replicator.unsubscribe(s.client, 0, s.queryId)
            const view = views.get(s.client) as Map<number, Set<string>>
            pending.get(s.client)?.push(() => view.delete(s.queryId))
          }
        }
        flush(++tick)
      }),
      { numRuns: 150 },
    )
  })
})
