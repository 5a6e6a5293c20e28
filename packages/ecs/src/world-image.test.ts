import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { defineComponent } from './component.js'
import type { Entity } from './entity.js'
import { EcsError } from './errors.js'
import { createWorld, type World } from './world.js'
import { captureWorld, restoreWorld } from './world-image.js'

const Body = defineComponent('Body', { x: 'f32', y: 'f32', mass: 'u32' }, { spatial: { x: 'x', y: 'y', cellSize: 10 } })
const Player = defineComponent('Player', { identity: 'string', alive: 'bool', data: 'json' }, { unique: ['identity'] })
const components = [Body, Player]

function dump(world: World): unknown {
  const rows: unknown[] = []
  for (const e of world.entities()) rows.push([e, world.get(e, Body) ?? null, world.get(e, Player) ?? null])
  return rows
}

describe('captureWorld / restoreWorld', () => {
  it('brings back rows, indexes, the allocator and the rng so both worlds go on alike', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(3), fc.nat(1000)), { maxLength: 60 }), fc.nat(), (ops, seed) => {
        const world = createWorld({ components, seed })
        const live: Entity[] = []
        for (const [op, v] of ops) {
          world.transaction(() => {
            if (op === 0 || live.length === 0) {
              const e = world.create()
              world.add(e, Body, { x: v % 100, y: v % 37, mass: v })
              if (v % 2 === 0) world.add(e, Player, { identity: `p${v}-${e}`, alive: true, data: { v } })
              live.push(e)
            } else if (op === 1) {
              const e = live.splice(v % live.length, 1)[0] as Entity
              world.destroy(e)
            } else {
              const e = live[v % live.length] as Entity
              world.set(e, Body, 'mass', v)
              world.rng.next()
            }
          })
        }
        const copy = restoreWorld(captureWorld(world), { components })
        expect(dump(copy)).toEqual(dump(world))
        expect(copy.rng.getState()).toBe(world.rng.getState())
        expect(copy.entityCount).toBe(world.entityCount)
        expect(copy.queryRadius(Body, 50, 20, 30).sort()).toEqual(world.queryRadius(Body, 50, 20, 30).sort())
        for (const e of world.query([Player]).toArray()) {
          expect(copy.findUnique(Player, 'identity', world.read(e, Player, 'identity'))).toBe(e)
        }
        const next = (w: World) => w.transaction(() => [w.create(), w.create(), w.rng.next()]).result
        expect(next(copy)).toEqual(next(world))
      }),
      { numRuns: 50 },
    )
  })

  it('refuses a table whose fields differ, naming component and field', () => {
    const world = createWorld({ components })
    world.transaction(() => world.add(world.create(), Body, { x: 1, y: 2, mass: 3 }))
    const image = captureWorld(world)
    const Body2 = defineComponent('Body', { x: 'f32', y: 'f32', mass: 'f64' })
    expect(() => restoreWorld(image, { components: [Body2, Player] })).toThrow(/component Body: field mass \(f64\)/)
    expect(() => restoreWorld(image, { components: [Player] })).toThrow(EcsError)
  })

  it('refuses to capture inside a transaction', () => {
    const world = createWorld({ components })
    world.transaction(() => {
      expect(() => captureWorld(world)).toThrow(EcsError)
    })
  })
})
