import { defineComponent, type Entity } from '@orrery/ecs'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { createReplicator } from './replicator.js'
import { harness } from './test-utils/harness.js'

const Spot = defineComponent('Spot', { x: 'f64', y: 'f64' }, { spatial: { x: 'x', y: 'y', cellSize: 8 } })
const Secret = defineComponent('Secret', { owner: 'string', value: 'i32' }, { visibility: { owner: 'owner' } })
const Hidden = defineComponent('Hidden', { note: 'string' }, { visibility: 'private' })
const components = [Spot, Secret]
const OWNERS = ['alice', 'bob', 'carol'] as const
const AREA = { minX: 0, minY: 0, maxX: 50, maxY: 50, margin: 0 }

type Op =
  | { readonly t: 'create'; readonly owner: number; readonly x: number; readonly value: number }
  | { readonly t: 'owner'; readonly pick: number; readonly owner: number }
  | { readonly t: 'value'; readonly pick: number; readonly value: number }
  | { readonly t: 'drop'; readonly pick: number }
  | { readonly t: 'destroy'; readonly pick: number }
  | { readonly t: 'flush' }

const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ t: fc.constant('create' as const), owner: fc.nat(2), x: fc.integer({ min: -20, max: 80 }), value: fc.integer({ min: -9, max: 9 }) }),
  fc.record({ t: fc.constant('owner' as const), pick: fc.nat(), owner: fc.nat(2) }),
  fc.record({ t: fc.constant('value' as const), pick: fc.nat(), value: fc.integer({ min: -9, max: 9 }) }),
  fc.record({ t: fc.constant('drop' as const), pick: fc.nat() }),
  fc.record({ t: fc.constant('destroy' as const), pick: fc.nat() }),
  fc.constant({ t: 'flush' as const }),
)

describe('owner-only and private components', () => {
  it('never sends a client a row it does not own, and sends every row it owns that it subscribed to', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 40 }), (ops) => {
        const h = harness({ components })
        const alice = h.client('alice', 'alice')
        const bob = h.client('bob', 'bob')
        const anonymous = h.client('anonymous')
        // Alice sees secrets whole; Bob through an area; the anonymous client both ways.
        h.replicator.subscribe('alice', 1, 1, ['Secret'])
        h.replicator.subscribe('bob', 1, 1, ['Spot', 'Secret'], AREA)
        h.replicator.subscribe('anonymous', 1, 1, ['Secret'])
        h.replicator.subscribe('anonymous', 2, 2, ['Spot', 'Secret'], AREA)
        const leaked: string[] = []
        for (const [client, identity] of [
          [alice, 'alice'],
          [bob, 'bob'],
          [anonymous, null],
        ] as const) {
          client.replica.onInsert(Secret, (e, row) => {
            if (row.owner !== identity) leaked.push(`${client.id} got ${row.owner}'s secret ${e}`)
          })
          client.replica.onUpdate(Secret, (e, row) => {
            if (row.owner !== identity) leaked.push(`${client.id} got ${row.owner}'s secret ${e} as an update`)
          })
        }
        const live: Entity[] = []
        const check = (): void => {
          h.flush()
          for (const c of [alice, bob, anonymous]) c.pump()
          expect(leaked).toEqual([])
          const secretsOf = (owner: string, inArea: boolean): [Entity, number][] =>
            h.world
              .query([Secret])
              .toArray()
              .filter((e) => h.world.read(e, Secret, 'owner') === owner)
              .filter((e) => !inArea || (h.world.has(e, Spot) && h.world.read(e, Spot, 'x') >= 0 && h.world.read(e, Spot, 'x') <= 50))
              .map((e): [Entity, number] => [e, h.world.read(e, Secret, 'value')])
              .sort((a, b) => a[0] - b[0])
          const held = (c: typeof alice): [Entity, number][] =>
            c.replica.world
              .query([Secret])
              .toArray()
              .map((e): [Entity, number] => [e, c.replica.world.read(e, Secret, 'value')])
              .sort((a, b) => a[0] - b[0])
          expect(held(alice)).toEqual(secretsOf('alice', false))
          expect(held(anonymous)).toEqual([])
          // Bodies never move here, so Bob's area holds exactly his secrets at x in [0, 50].
          expect(held(bob)).toEqual(secretsOf('bob', true))
        }
        for (const o of ops) {
          const pick = (n: number): Entity | undefined => live[n % Math.max(1, live.length)]
          h.tx(() => {
            switch (o.t) {
              case 'create': {
                const e = h.world.create()
                h.world.add(e, Spot, { x: o.x, y: 0 })
                h.world.add(e, Secret, { owner: OWNERS[o.owner] as string, value: o.value })
                live.push(e)
                break
              }
              case 'owner': {
                const e = pick(o.pick)
                if (e !== undefined && h.world.has(e, Secret)) h.world.set(e, Secret, 'owner', OWNERS[o.owner] as string)
                break
              }
              case 'value': {
                const e = pick(o.pick)
                if (e !== undefined && h.world.has(e, Secret)) h.world.set(e, Secret, 'value', o.value)
                break
              }
              case 'drop': {
                const e = pick(o.pick)
                if (e !== undefined && h.world.has(e, Secret)) h.world.remove(e, Secret)
                break
              }
              case 'destroy': {
                const e = pick(o.pick)
                if (e !== undefined) {
                  h.world.destroy(e)
                  live.splice(live.indexOf(e), 1)
                }
                break
              }
              default:
                break
            }
          })
          if (o.t === 'flush') check()
        }
        check()
      }),
      { numRuns: Number(process.env.SYNC_RUNS ?? 150) },
    )
  })

  it('refuses to replicate a private component', () => {
    const h = harness({ components })
    let code: string | undefined
    try {
      createReplicator({ world: h.world, components: [Spot, Hidden] })
    } catch (error) {
      code = (error as { code?: string }).code
    }
    expect(code).toBe('ERR_PRIVATE_COMPONENT')
  })
})
