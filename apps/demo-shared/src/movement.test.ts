import { createWorld, type Entity, type World } from '@orrery/ecs'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { Body, Circle, liveComponents, Player } from './components.js'
import { moveCircles, steerCircles } from './movement.js'

const NOW = 1_700_000_000_000

interface Spec {
  readonly circles: readonly { x: number; y: number; mass: number; splitAgoMs: number }[]
  readonly inputs: readonly { dirX: number; dirY: number }[]
}

/** Builds one player with its circles, in a tracking (server-like) or plain (prediction-like) world. */
function build(spec: Spec, trackChanges: boolean): { world: World; player: Entity } {
  const world = createWorld({ components: liveComponents, trackChanges })
  const run = <T>(fn: () => T): T => (trackChanges ? world.transaction(fn).result : fn())
  const player = run(() => {
    const p = world.create()
    world.add(p, Player, { identity: 'a', name: 'a' })
    for (const c of spec.circles) {
      const e = world.create()
      world.add(e, Body, { x: c.x, y: c.y, mass: c.mass })
      world.add(e, Circle, { playerId: p, dirX: 0, dirY: 1, speed: 0, lastSplitAt: NOW - c.splitAgoMs })
    }
    return p
  })
  for (let t = 0; t < spec.inputs.length; t++) {
    const input = spec.inputs[t] as { dirX: number; dirY: number }
    run(() => {
      steerCircles(world, player, input.dirX, input.dirY)
      moveCircles(world, NOW + t * 50)
    })
  }
  return { world, player }
}

function positions(world: World): number[] {
  const out: number[] = []
  world.query([Body, Circle]).forEach((e) => {
    out.push(e, world.read(e, Body, 'x'), world.read(e, Body, 'y'))
  })
  return out
}

describe('moveCircles (the shared movement step)', () => {
  it('moves a circle of mass 15 by 10 world units per step at full speed, clamped to the world', () => {
    const { world } = build({ circles: [{ x: 500, y: 500, mass: 15, splitAgoMs: 0 }], inputs: [{ dirX: 1, dirY: 0 }] }, false)
    expect(positions(world).slice(1)).toEqual([510, 500])
    const edge = build({ circles: [{ x: 995, y: 500, mass: 16, splitAgoMs: 0 }], inputs: [{ dirX: 1, dirY: 0 }] }, false)
    expect(positions(edge.world)[1]).toBe(996)
  })

  it('is deterministic: a tracking server world and a plain prediction world end bit-identical', () => {
    const circle = fc.record({
      x: fc.integer({ min: 10, max: 990 }),
      y: fc.integer({ min: 10, max: 990 }),
      mass: fc.integer({ min: 15, max: 400 }),
      splitAgoMs: fc.integer({ min: 0, max: 8000 }),
    })
    const input = fc.record({
      dirX: fc.double({ min: -2, max: 2, noNaN: true }),
      dirY: fc.double({ min: -2, max: 2, noNaN: true }),
    })
    fc.assert(
      fc.property(fc.array(circle, { minLength: 1, maxLength: 8 }), fc.array(input, { maxLength: 20 }), (circles, inputs) => {
        const server = build({ circles, inputs }, true)
        const client = build({ circles, inputs }, false)
        expect(positions(client.world)).toEqual(positions(server.world))
      }),
      { numRuns: 100 },
    )
  })
})
