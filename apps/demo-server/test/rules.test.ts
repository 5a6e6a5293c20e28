import { createRng, type Entity } from '@orrery/ecs'
import {
  Body,
  CONSUME_EVENT,
  Circle,
  Config,
  Food,
  LoggedOutCircle,
  LoggedOutPlayer,
  massToRadius,
  Player,
  snapPosition,
  TARGET_FOOD_COUNT,
  WORLD_SIZE,
} from '@orrery/demo-shared'
import { describe, expect, it } from 'vitest'
import { RecombineTimer } from '../src/components.js'
import { BlackholioError } from '../src/errors.js'
import { consume } from '../src/rules/consume.js'
import { circleDecay } from '../src/rules/decay.js'
import { spawnFood } from '../src/rules/food.js'
import { updatePlayerInput } from '../src/rules/input.js'
import { moveAllPlayers } from '../src/rules/move.js'
import { enterGame, respawn, suicide } from '../src/rules/player.js'
import { circleRecombine, runDueRecombines } from '../src/rules/recombine.js'
import { playerConnected, playerDisconnected } from '../src/rules/session.js'
import { circlesOf } from '../src/rules/spawn.js'
import { playerSplit } from '../src/rules/split.js'
import { addCircle, addPlayer, body, makeWorld, tx } from './world-helpers.js'

const NOW = 1_700_000_000_000

describe('input', () => {
  it('normalizes the direction and clamps the speed to 1', () => {
    const world = makeWorld()
    const p = addPlayer(world, 'a')
    const c1 = addCircle(world, p, { x: 100, y: 100, mass: 15 })
    const c2 = addCircle(world, p, { x: 200, y: 100, mass: 15 })
    tx(world, () => updatePlayerInput(world, p, 3, 4))
    for (const c of [c1, c2]) {
      expect(world.read(c, Circle, 'dirX')).toBeCloseTo(0.6, 6)
      expect(world.read(c, Circle, 'dirY')).toBeCloseTo(0.8, 6)
      expect(world.read(c, Circle, 'speed')).toBe(1)
    }
    tx(world, () => updatePlayerInput(world, p, 0.3, 0.4))
    expect(world.read(c1, Circle, 'speed')).toBeCloseTo(0.5, 6)
    tx(world, () => updatePlayerInput(world, p, 0, 0))
    expect(world.get(c1, Circle)).toMatchObject({ dirX: 0, dirY: 0, speed: 0 })
  })

  it('rejects non-finite input without changing anything', () => {
    const world = makeWorld()
    const p = addPlayer(world, 'a')
    const c = addCircle(world, p, { x: 100, y: 100, mass: 15 }, { dirX: 1, dirY: 0, speed: 1 })
    expect(() => tx(world, () => updatePlayerInput(world, p, Number.NaN, 0))).toThrow(BlackholioError)
    expect(world.get(c, Circle)).toMatchObject({ dirX: 1, dirY: 0, speed: 1 })
  })
})

describe('move', () => {
  it('moves a circle by max speed(mass) times its speed per step', () => {
    const world = makeWorld()
    const p = addPlayer(world, 'a')
    const small = addCircle(world, p, { x: 100, y: 100, mass: 15 }, { dirX: 1, dirY: 0, speed: 1 })
    const q = addPlayer(world, 'b')
    const big = addCircle(world, q, { x: 500, y: 500, mass: 60 }, { dirX: 0, dirY: 1, speed: 0.5 })
    tx(world, () => moveAllPlayers(world, NOW))
    expect(body(world, small).x).toBeCloseTo(110, 4)
    expect(body(world, small).y).toBeCloseTo(100, 4)
    // Positions stay on the wire's 1/16 grid.
    expect(body(world, big).y).toBe(snapPosition(500 + 0.5 * (20 / 3)))
    expect(body(world, big).y).toBe(503.3125)
  })

  it("clamps positions to the size in the world's Config row", () => {
    const world = makeWorld()
    tx(world, () => world.add(world.create(), Config, { worldSize: 2000 }))
    const p = addPlayer(world, 'a')
    const c = addCircle(world, p, { x: 1995, y: 1500, mass: 100 }, { dirX: 1, dirY: 0, speed: 1 })
    const inside = addCircle(world, addPlayer(world, 'b'), { x: 1500, y: 1500, mass: 15 }, { dirX: 1, dirY: 0, speed: 1 })
    tx(world, () => moveAllPlayers(world, NOW))
    expect(body(world, c).x).toBeCloseTo(2000 - 10, 4)
    expect(body(world, inside).x).toBeGreaterThan(WORLD_SIZE)
  })

  it('clamps positions to [r, world − r]', () => {
    const world = makeWorld()
    const p = addPlayer(world, 'a')
    const c = addCircle(world, p, { x: 995, y: 3, mass: 100 }, { dirX: Math.SQRT1_2, dirY: -Math.SQRT1_2, speed: 1 })
    tx(world, () => moveAllPlayers(world, NOW))
    expect(body(world, c).x).toBeCloseTo(WORLD_SIZE - 10, 4)
    expect(body(world, c).y).toBeCloseTo(10, 4)
  })

  it('pushes apart two circles of one player that sit on each other', () => {
    const world = makeWorld()
    const p = addPlayer(world, 'a')
    const a = addCircle(world, p, { x: 500, y: 500, mass: 30 }, { lastSplitAt: NOW })
    const b = addCircle(world, p, { x: 500, y: 500, mass: 30 }, { lastSplitAt: NOW })
    tx(world, () => moveAllPlayers(world, NOW))
    const ax = body(world, a).x
    const bx = body(world, b).x
    expect(Math.max(ax, bx)).toBeGreaterThan(500)
    expect(Math.min(ax, bx)).toBeLessThan(500)
    expect(ax + bx).toBeCloseTo(1000, 3)
  })

  it('pulls apart circles together once fewer than 2 s remain before recombining', () => {
    const world = makeWorld()
    const p = addPlayer(world, 'a')
    const a = addCircle(world, p, { x: 400, y: 500, mass: 30 }, { lastSplitAt: NOW })
    const b = addCircle(world, p, { x: 600, y: 500, mass: 30 }, { lastSplitAt: NOW })
    tx(world, () => moveAllPlayers(world, NOW + 2500))
    expect(body(world, a).x).toBe(400)
    tx(world, () => moveAllPlayers(world, NOW + 4000))
    expect(body(world, a).x).toBeGreaterThan(400)
    expect(body(world, b).x).toBeLessThan(600)
  })
})

describe('consume', () => {
  it('eats overlapping food: mass added, food destroyed, event emitted', () => {
    const world = makeWorld()
    const p = addPlayer(world, 'a')
    const c = addCircle(world, p, { x: 100, y: 100, mass: 15 })
    const food = tx(world, () => {
      const e = world.create()
      world.add(e, Body, { x: 102, y: 101, mass: 3 })
      world.add(e, Food)
      return e
    })
    const { result, changes } = world.transaction(() => moveAllPlayers(world, NOW))
    expect(result).toEqual({ foodEaten: 1, circlesEaten: 0 })
    expect(world.isAlive(food)).toBe(false)
    expect(body(world, c).mass).toBe(18)
    expect(changes.events).toEqual([{ name: CONSUME_EVENT, payload: { consumed: food, consumer: c } }])
  })

  it('eats another player’s circle below the 0.85 mass ratio only', () => {
    for (const [otherMass, eaten] of [
      [84, true],
      [85, false],
    ] as const) {
      const world = makeWorld()
      const a = addPlayer(world, 'a')
      const b = addPlayer(world, 'b')
      const big = addCircle(world, a, { x: 500, y: 500, mass: 100 })
      const small = addCircle(world, b, { x: 505, y: 500, mass: otherMass })
      const result = tx(world, () => moveAllPlayers(world, NOW))
      expect(result.circlesEaten).toBe(eaten ? 1 : 0)
      expect(world.isAlive(small)).toBe(!eaten)
      expect(body(world, big).mass).toBe(eaten ? 100 + otherMass : 100)
    }
  })

  it('never eats circles of the same player', () => {
    const world = makeWorld()
    const a = addPlayer(world, 'a')
    const big = addCircle(world, a, { x: 500, y: 500, mass: 100 }, { lastSplitAt: NOW })
    const small = addCircle(world, a, { x: 503, y: 500, mass: 20 }, { lastSplitAt: NOW })
    tx(world, () => moveAllPlayers(world, NOW))
    expect(world.isAlive(small)).toBe(true)
    expect(body(world, big).mass).toBe(100)
  })

  it('is a savepoint: a vanished entity fails only the consume', () => {
    const world = makeWorld()
    const p = addPlayer(world, 'a')
    const c = addCircle(world, p, { x: 100, y: 100, mass: 15 })
    const { changes } = world.transaction(() => {
      world.set(c, Body, 'mass', 20)
      const gone = world.create()
      world.destroy(gone)
      expect(() => consume(world, gone, c)).toThrow(expect.objectContaining({ code: 'ERR_ENTITY_GONE' }))
    })
    expect(body(world, c).mass).toBe(20)
    expect(changes.isEmpty).toBe(false)
  })
})

describe('split', () => {
  it('halves every circle of mass ≥ 60 and schedules a recombine', () => {
    const world = makeWorld()
    const p = addPlayer(world, 'a')
    const c = addCircle(world, p, { x: 500, y: 500, mass: 61 }, { dirX: 1, dirY: 0, speed: 1 })
    const light = addCircle(world, p, { x: 100, y: 100, mass: 59 })
    const created = tx(world, () => playerSplit(world, p, NOW))
    expect(created).toBe(1)
    const circles = circlesOf(world, p)
    expect(circles).toHaveLength(3)
    const fresh = circles.find((e) => e !== c && e !== light) as Entity
    expect(body(world, c).mass).toBe(31)
    expect(body(world, fresh)).toMatchObject({ x: 501, y: 500, mass: 30 })
    expect(world.read(c, Circle, 'lastSplitAt')).toBe(NOW)
    expect(world.read(fresh, Circle, 'lastSplitAt')).toBe(NOW)
    expect(body(world, light).mass).toBe(59)
    const timers = world.query([RecombineTimer]).toArray()
    expect(timers).toHaveLength(1)
    expect(world.read(timers[0] as Entity, RecombineTimer, 'at')).toBe(NOW + 5000)
  })

  it('stops at 16 circles and does nothing at 16', () => {
    const world = makeWorld()
    const p = addPlayer(world, 'a')
    for (let i = 0; i < 10; i++) addCircle(world, p, { x: 50 + i * 80, y: 500, mass: 200 })
    expect(tx(world, () => playerSplit(world, p, NOW))).toBe(6)
    expect(circlesOf(world, p)).toHaveLength(16)
    expect(tx(world, () => playerSplit(world, p, NOW))).toBe(0)
    expect(circlesOf(world, p)).toHaveLength(16)
  })
})

describe('recombine', () => {
  it('merges the circles split at least 5 s ago into the first, keeping the mass', () => {
    const world = makeWorld()
    const p = addPlayer(world, 'a')
    addCircle(world, p, { x: 500, y: 500, mass: 120 })
    tx(world, () => playerSplit(world, p, NOW))
    tx(world, () => playerSplit(world, p, NOW))
    expect(circlesOf(world, p)).toHaveLength(4)
    expect(tx(world, () => runDueRecombines(world, NOW + 4999))).toBe(0)
    expect(circlesOf(world, p)).toHaveLength(4)
    expect(tx(world, () => runDueRecombines(world, NOW + 5000))).toBe(2)
    const left = circlesOf(world, p)
    expect(left).toHaveLength(1)
    expect(body(world, left[0] as Entity).mass).toBe(120)
    expect(world.count(RecombineTimer)).toBe(0)
  })

  it('leaves circles split less than 5 s ago', () => {
    const world = makeWorld()
    const p = addPlayer(world, 'a')
    addCircle(world, p, { x: 100, y: 100, mass: 20 }, { lastSplitAt: NOW - 6000 })
    addCircle(world, p, { x: 200, y: 100, mass: 20 }, { lastSplitAt: NOW - 6000 })
    const young = addCircle(world, p, { x: 300, y: 100, mass: 20 }, { lastSplitAt: NOW - 1000 })
    expect(tx(world, () => circleRecombine(world, p, NOW))).toBe(1)
    expect(circlesOf(world, p)).toHaveLength(2)
    expect(world.isAlive(young)).toBe(true)
  })
})

describe('decay', () => {
  it('takes 1 % (floored) from circles heavier than 15 and never goes below 15', () => {
    const world = makeWorld()
    const p = addPlayer(world, 'a')
    const masses = [15, 16, 100, 1000]
    const circles = masses.map((mass, i) => addCircle(world, p, { x: 100 + i * 100, y: 100, mass }))
    expect(tx(world, () => circleDecay(world))).toBe(3)
    expect(circles.map((c) => body(world, c).mass)).toEqual([15, 15, 99, 990])
  })
})

describe('food', () => {
  it('spawns nothing without players', () => {
    const world = makeWorld()
    expect(tx(world, () => spawnFood(world, createRng(1)))).toBe(0)
    expect(world.count(Food)).toBe(0)
  })

  it('tops up to 600 food of mass 2 or 3 inside the world', () => {
    const world = makeWorld()
    addPlayer(world, 'a')
    expect(tx(world, () => spawnFood(world, createRng(7)))).toBe(TARGET_FOOD_COUNT)
    expect(world.count(Food)).toBe(TARGET_FOOD_COUNT)
    const masses = new Set<number>()
    world.query([Food, Body]).forEach((e) => {
      const b = body(world, e)
      masses.add(b.mass)
      const r = massToRadius(b.mass)
      expect(b.x).toBeGreaterThanOrEqual(Math.fround(r) - 1e-4)
      expect(b.x).toBeLessThanOrEqual(WORLD_SIZE - r + 1e-3)
      expect(b.y).toBeGreaterThanOrEqual(Math.fround(r) - 1e-4)
      expect(b.y).toBeLessThanOrEqual(WORLD_SIZE - r + 1e-3)
    })
    expect([...masses].sort()).toEqual([2, 3])
    expect(tx(world, () => spawnFood(world, createRng(7)))).toBe(0)
  })

  it('the same seed gives the same food layout', () => {
    const layout = (seed: number) => {
      const world = makeWorld(seed)
      addPlayer(world, 'a')
      tx(world, () => spawnFood(world, createRng(seed)))
      return world
        .query([Food, Body])
        .toArray()
        .map((e) => body(world, e))
    }
    expect(layout(42)).toEqual(layout(42))
    expect(layout(42)).not.toEqual(layout(43))
  })
})

describe('players', () => {
  it('enterGame names the player and spawns one circle of mass 15 inside the world', () => {
    const world = makeWorld()
    const p = tx(world, () => playerConnected(world, 'id-a'))
    const c = tx(world, () => enterGame(world, 'id-a', '  Ada  ', NOW))
    expect(world.read(p, Player, 'name')).toBe('Ada')
    const b = body(world, c)
    expect(b.mass).toBe(15)
    expect(b.x).toBeGreaterThanOrEqual(massToRadius(15) - 1e-4)
    expect(b.x).toBeLessThan(WORLD_SIZE - massToRadius(15) + 1e-3)
    expect(world.get(c, Circle)).toMatchObject({ playerId: p, dirX: 0, dirY: 1, speed: 0, lastSplitAt: NOW })
    expect(() => tx(world, () => enterGame(world, 'id-a', 'x'.repeat(33), NOW))).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_NAME' }),
    )
    expect(() => tx(world, () => enterGame(world, 'nobody', 'Bob', NOW))).toThrow(
      expect.objectContaining({ code: 'ERR_NO_PLAYER' }),
    )
  })

  it('suicide destroys every circle; respawn adds a new one', () => {
    const world = makeWorld()
    const p = tx(world, () => playerConnected(world, 'id-a'))
    tx(world, () => enterGame(world, 'id-a', 'Ada', NOW))
    addCircle(world, p, { x: 10, y: 10, mass: 20 })
    expect(tx(world, () => suicide(world, 'id-a'))).toBe(2)
    expect(circlesOf(world, p)).toHaveLength(0)
    tx(world, () => respawn(world, 'id-a', NOW))
    expect(circlesOf(world, p)).toHaveLength(1)
  })

  it('disconnect keeps the player and circles out of the live world until the identity returns', () => {
    const world = makeWorld()
    const p = tx(world, () => playerConnected(world, 'id-a'))
    tx(world, () => enterGame(world, 'id-a', 'Ada', NOW))
    const c = addCircle(world, p, { x: 300, y: 400, mass: 40 }, { dirX: 1, dirY: 0, speed: 0.5, lastSplitAt: 7 })
    const before = circlesOf(world, p)
      .sort((x, y) => x - y)
      .map((e) => ({ e, body: world.get(e, Body), circle: world.get(e, Circle) }))

    expect(tx(world, () => playerDisconnected(world, 'id-a', NOW))).toBe(p)
    expect(world.count(Player)).toBe(0)
    expect(world.has(p, LoggedOutPlayer)).toBe(true)
    expect(world.count(Circle)).toBe(0)
    expect(world.count(Body)).toBe(0)
    expect(world.get(c, LoggedOutCircle)).toMatchObject({ x: 300, y: 400, mass: 40, speed: 0.5, lastSplitAt: 7 })
    tx(world, () => moveAllPlayers(world, NOW))

    expect(tx(world, () => playerConnected(world, 'id-a'))).toBe(p)
    expect(world.get(p, Player)).toEqual({ identity: 'id-a', name: 'Ada' })
    expect(world.count(LoggedOutCircle)).toBe(0)
    const after = circlesOf(world, p)
      .sort((x, y) => x - y)
      .map((e) => ({ e, body: world.get(e, Body), circle: world.get(e, Circle) }))
    expect(after).toEqual(before)
  })

  it('a new identity gets a player with an empty name; a live one keeps its player', () => {
    const world = makeWorld()
    const p = tx(world, () => playerConnected(world, 'id-b'))
    expect(world.get(p, Player)).toEqual({ identity: 'id-b', name: '' })
    expect(tx(world, () => playerConnected(world, 'id-b'))).toBe(p)
    expect(world.count(Player)).toBe(1)
    expect(tx(world, () => playerDisconnected(world, 'unknown', NOW))).toBeUndefined()
  })
})
