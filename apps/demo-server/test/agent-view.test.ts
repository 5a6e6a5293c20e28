import { Body, buildView, Circle, captureFrame, Food, liveComponents, VIEW_LIMIT, VIEW_RADIUS } from '@orrery/demo-shared'
import { createWorld, type Entity } from '@orrery/ecs'
import { describe, expect, it } from 'vitest'
import { parseAgentIntent } from '../src/agents/agent-intent.js'
import { agentView } from '../src/agents/world-frame.js'

function arena() {
  const world = createWorld({ components: [...liveComponents], seed: 1 })
  const { player, other } = world.transaction(() => {
    const player = world.create()
    const other = world.create()
    const circle = (owner: Entity, x: number, y: number, mass: number) => {
      const e = world.create()
      world.add(e, Body, { x, y, mass })
      world.add(e, Circle, { playerId: owner, dirX: 0, dirY: 0, speed: 0, lastSplitAt: 0 })
    }
    circle(player, 500, 500, 30)
    circle(player, 510, 500, 10)
    circle(other, 540, 500, 50)
    circle(other, 500 + VIEW_RADIUS + 20, 500, 50)
    for (let i = 0; i < 40; i++) {
      const e = world.create()
      world.add(e, Body, { x: 500 + i * 5, y: 480, mass: 3 })
      world.add(e, Food)
    }
    return { player, other }
  }).result
  return { world, player, other }
}

describe('agent views', () => {
  it('hold own circles, and the nearest food and other circles within the view radius, nearest first', () => {
    const { world, player } = arena()
    const view = JSON.parse(agentView(world, player, 7))
    expect(view.tick).toBe(7)
    expect(view.self).toMatchObject({ alive: true, x: 502.5, y: 500, mass: 40 })
    expect(view.self.circles).toHaveLength(2)
    expect(view.others).toEqual([{ x: 540, y: 500, mass: 50 }])
    expect(view.food).toHaveLength(VIEW_LIMIT)
    expect(view.food[0]).toEqual({ x: 500, y: 480, mass: 3 })
    const d = (f: { x: number; y: number }) => Math.hypot(f.x - 502.5, f.y - 500)
    for (let i = 1; i < view.food.length; i++) expect(d(view.food[i])).toBeGreaterThanOrEqual(d(view.food[i - 1]))
    expect(view.world).toMatchObject({ size: 1000, viewRadius: VIEW_RADIUS })
  })

  it('say a player without circles is not alive; the same frame gives the same text', () => {
    const { world, player } = arena()
    const frame = captureFrame(world, 3)
    expect(buildView(frame, String(player))).toBe(buildView(frame.slice(), String(player)))
    expect(JSON.parse(buildView(frame, '999')).self.alive).toBe(false)
  })

  it('accept only { dirX, dirY } finite numbers with optional boolean split and respawn as intents', () => {
    expect(parseAgentIntent({ dirX: 1, dirY: -2, split: true })).toEqual({ dirX: 1, dirY: -2, split: true, respawn: false })
    for (const bad of [null, 3, [1, 2], { dirX: 1 }, { dirX: 'x', dirY: 0 }, { dirX: 1, dirY: Number.NaN }, { dirX: 1, dirY: 0, split: 'yes' }]) {
      expect(parseAgentIntent(bad)).toHaveProperty('invalid')
    }
  })
})
