import { readFileSync } from 'node:fs'
import { createRng, type Entity, type World } from '@orrery/ecs'
import { Body, Circle, Food, LoggedOutCircle, LoggedOutPlayer, MAX_CIRCLES_PER_PLAYER, Player } from '@orrery/demo-shared'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { LoggedOutAt, RecombineTimer } from '../src/components.js'
import { circleDecay } from '../src/rules/decay.js'
import { expireLoggedOutPlayers } from '../src/rules/expiry.js'
import { spawnFood } from '../src/rules/food.js'
import { updatePlayerInput } from '../src/rules/input.js'
import { moveAllPlayers } from '../src/rules/move.js'
import { enterGame, requirePlayer, respawn, suicide, validateName } from '../src/rules/player.js'
import { runDueRecombines } from '../src/rules/recombine.js'
import { playerConnected, playerDisconnected } from '../src/rules/session.js'
import { circlesOf } from '../src/rules/spawn.js'
import { playerSplit } from '../src/rules/split.js'
import { addCircle, makeWorld, tx } from './world-helpers.js'

const NOW = 1_700_000_000_000
const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8')

/** Total mass of a player's live circles. */
function massOf(world: World, player: Entity): number {
  let mass = 0
  for (const e of circlesOf(world, player)) mass += world.read(e, Body, 'mass')
  return mass
}

/** Total mass of everything in the world: live bodies (circles and food) and logged-out circles. */
function worldMass(world: World): number {
  let mass = 0
  world.query([Body]).forEach((e) => {
    mass += world.read(e, Body, 'mass')
  })
  world.query([LoggedOutCircle]).forEach((e) => {
    mass += world.read(e, LoggedOutCircle, 'mass')
  })
  return mass
}

/** A world with one connected player `id-a`, entered as 'Ada' at NOW. */
function entered(): { world: World; player: Entity } {
  const world = makeWorld()
  const player = tx(world, () => playerConnected(world, 'id-a'))
  tx(world, () => enterGame(world, 'id-a', 'Ada', NOW))
  return { world, player }
}

function tryTx(world: World, fn: () => unknown): string | null {
  try {
    tx(world, fn)
    return null
  } catch (error) {
    return (error as { code?: string }).code ?? 'thrown'
  }
}

interface AbuseCase {
  /** The row of the README's abuse table this case proves. */
  readonly name: string
  readonly run: () => void
}

const cases: AbuseCase[] = [
  {
    name: '60 × respawn while alive',
    run() {
      const { world, player } = entered()
      const first = circlesOf(world, player)[0]
      for (let i = 0; i < 60; i++) expect(tx(world, () => respawn(world, 'id-a', NOW + i))).toBe(first)
      expect(circlesOf(world, player)).toHaveLength(1)
      expect(massOf(world, player)).toBe(15)
    },
  },
  {
    name: '60 × enterGame while playing',
    run() {
      const { world, player } = entered()
      for (let i = 0; i < 60; i++) tx(world, () => enterGame(world, 'id-a', `Ada${i}`, NOW + i))
      expect(circlesOf(world, player)).toHaveLength(1)
      expect(massOf(world, player)).toBe(15)
      expect(world.read(player, Player, 'name')).toBe('Ada59')
    },
  },
  {
    name: 'respawn after suicide',
    run() {
      const { world, player } = entered()
      tx(world, () => suicide(world, 'id-a'))
      tx(world, () => respawn(world, 'id-a', NOW))
      tx(world, () => respawn(world, 'id-a', NOW))
      expect(circlesOf(world, player)).toHaveLength(1)
      expect(massOf(world, player)).toBe(15)
    },
  },
  {
    name: '100 × playerSplit with nothing to split',
    run() {
      const { world, player } = entered()
      for (let i = 0; i < 100; i++) expect(tx(world, () => playerSplit(world, player, NOW + i))).toBe(0)
      expect(world.count(RecombineTimer)).toBe(0)
      expect(circlesOf(world, player)).toHaveLength(1)
    },
  },
  {
    name: '100 × playerSplit of a heavy player',
    run() {
      const world = makeWorld()
      const player = tx(world, () => playerConnected(world, 'id-a'))
      addCircle(world, player, { x: 500, y: 500, mass: 100_000 })
      for (let i = 0; i < 100; i++) tx(world, () => playerSplit(world, player, NOW + i))
      expect(circlesOf(world, player)).toHaveLength(MAX_CIRCLES_PER_PLAYER)
      expect(massOf(world, player)).toBe(100_000)
      // One timer per split that split something: 1, 2, 4, 8, then the last 1 up to 16.
      expect(world.count(RecombineTimer)).toBe(4)
      tx(world, () => runDueRecombines(world, NOW + 10_000))
      expect(circlesOf(world, player)).toHaveLength(1)
      expect(massOf(world, player)).toBe(100_000)
    },
  },
  {
    name: '1 000 × updatePlayerInput',
    run() {
      const { world, player } = entered()
      for (let i = 0; i < 1000; i++) tx(world, () => updatePlayerInput(world, player, Math.cos(i) * 1e6, Math.sin(i) * 1e6))
      const circle = circlesOf(world, player)[0] as Entity
      expect(world.read(circle, Circle, 'speed')).toBe(1)
      expect(Math.hypot(world.read(circle, Circle, 'dirX'), world.read(circle, Circle, 'dirY'))).toBeCloseTo(1, 5)
      expect(tryTx(world, () => updatePlayerInput(world, player, Number.POSITIVE_INFINITY, 0))).toBe('ERR_INVALID_INPUT')
    },
  },
  {
    name: 'calls before enterGame',
    run() {
      const world = makeWorld()
      const player = tx(world, () => playerConnected(world, 'id-a'))
      tx(world, () => playerSplit(world, player, NOW))
      tx(world, () => updatePlayerInput(world, player, 1, 0))
      expect(tx(world, () => suicide(world, 'id-a'))).toBe(0)
      expect(circlesOf(world, player)).toHaveLength(0)
      expect(world.count(RecombineTimer)).toBe(0)
    },
  },
  {
    name: 'calls without a connection',
    run() {
      const world = makeWorld()
      expect(tryTx(world, () => enterGame(world, 'nobody', 'Eve', NOW))).toBe('ERR_NO_PLAYER')
      expect(tryTx(world, () => respawn(world, 'nobody', NOW))).toBe('ERR_NO_PLAYER')
      expect(tryTx(world, () => suicide(world, 'nobody'))).toBe('ERR_NO_PLAYER')
      expect(tryTx(world, () => requirePlayer(world, 'nobody'))).toBe('ERR_NO_PLAYER')
      expect(world.count(Circle)).toBe(0)
    },
  },
  {
    name: 'names with format characters',
    run() {
      for (const name of ['Ada\u202Emoc.exe', 'A\u200Bda', 'A\uFEFFda', 'Ada\u2066x', 'A\u00ADda', 'A\u2028da', 'A\u0085da']) {
        expect(() => validateName(name)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_NAME' }))
      }
      expect(validateName(' Åda 🚀 ')).toBe('Åda 🚀')
    },
  },
  {
    name: '6 000 connect/enter/leave cycles',
    run() {
      const world = makeWorld()
      for (let i = 0; i < 6000; i++) {
        tx(world, () => playerConnected(world, `anon-${i}`))
        tx(world, () => enterGame(world, `anon-${i}`, 'x', NOW + i))
        tx(world, () => playerDisconnected(world, `anon-${i}`, NOW + i))
      }
      expect(world.count(LoggedOutPlayer)).toBe(6000)
      const expiry = 60_000
      tx(world, () => expireLoggedOutPlayers(world, NOW + 6000 + expiry, expiry))
      expect(world.count(LoggedOutPlayer)).toBe(0)
      expect(world.count(LoggedOutCircle)).toBe(0)
    },
  },
]

describe('abuse sequences against the rules (README: Abuse sequences)', () => {
  it.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    expect(readme).toContain(`| ${c.name} |`)
    c.run()
  })
})

describe('logged-out players expire', () => {
  it('a player who returns within the expiry keeps its circles and mass; one who returns later starts anew', () => {
    const world = makeWorld()
    const expiry = 60_000
    const p = tx(world, () => playerConnected(world, 'id-a'))
    addCircle(world, p, { x: 300, y: 300, mass: 80 })
    addCircle(world, p, { x: 400, y: 300, mass: 40 })
    tx(world, () => playerDisconnected(world, 'id-a', NOW))
    expect(tx(world, () => expireLoggedOutPlayers(world, NOW + expiry - 1, expiry))).toBe(0)
    expect(tx(world, () => playerConnected(world, 'id-a'))).toBe(p)
    expect(massOf(world, p)).toBe(120)

    tx(world, () => playerDisconnected(world, 'id-a', NOW + 1000))
    expect(tx(world, () => expireLoggedOutPlayers(world, NOW + 1000 + expiry, expiry))).toBe(1)
    expect(world.isAlive(p)).toBe(false)
    expect(world.count(LoggedOutCircle)).toBe(0)
    const again = tx(world, () => playerConnected(world, 'id-a'))
    expect(again).not.toBe(p)
    expect(circlesOf(world, again)).toHaveLength(0)
  })

  it('a logged-out player from before expiry existed is kept for a full expiry from the first check', () => {
    const world = makeWorld()
    const p = tx(world, () => playerConnected(world, 'id-a'))
    tx(world, () => playerDisconnected(world, 'id-a', NOW))
    tx(world, () => world.remove(p, LoggedOutAt))
    expect(tx(world, () => expireLoggedOutPlayers(world, NOW + 1e9, 1000))).toBe(0)
    expect(tx(world, () => expireLoggedOutPlayers(world, NOW + 1e9 + 999, 1000))).toBe(0)
    expect(tx(world, () => expireLoggedOutPlayers(world, NOW + 1e9 + 1000, 1000))).toBe(1)
  })
})

type Op =
  | { kind: 'enter'; who: number }
  | { kind: 'respawn'; who: number }
  | { kind: 'split'; who: number }
  | { kind: 'suicide'; who: number }
  | { kind: 'input'; who: number; x: number; y: number }
  | { kind: 'leave'; who: number }
  | { kind: 'join'; who: number }
  | { kind: 'tick'; ms: number }
  | { kind: 'decay' }
  | { kind: 'grow'; who: number; mass: number }

const who = fc.integer({ min: 0, max: 2 })
const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('enter' as const), who }),
  fc.record({ kind: fc.constant('respawn' as const), who }),
  fc.record({ kind: fc.constant('split' as const), who }),
  fc.record({ kind: fc.constant('suicide' as const), who }),
  fc.record({ kind: fc.constant('input' as const), who, x: fc.double({ noNaN: true, min: -2, max: 2 }), y: fc.double({ noNaN: true, min: -2, max: 2 }) }),
  fc.record({ kind: fc.constant('leave' as const), who }),
  fc.record({ kind: fc.constant('join' as const), who }),
  fc.record({ kind: fc.constant('tick' as const), ms: fc.integer({ min: 50, max: 2000 }) }),
  fc.record({ kind: fc.constant('decay' as const) }),
  // Eating, without the food: mass the test itself grants, accounted for below.
  fc.record({ kind: fc.constant('grow' as const), who, mass: fc.integer({ min: 1, max: 400 }) }),
)

describe('no sequence of calls makes more than 16 circles or mass from nothing', () => {
  it('holds over random sequences of reducers, moves, recombines, decay and reconnects', () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 120 }), fc.integer({ min: 1, max: 1000 }), (ops, seed) => {
        const world = makeWorld(seed)
        const ids = ['id-0', 'id-1', 'id-2']
        let now = NOW
        for (const id of ids) tx(world, () => playerConnected(world, id))
        const rng = createRng(seed)
        tx(world, () => spawnFood(world, rng))
        for (const op of ops) {
          const before = worldMass(world)
          // Mass may appear only as a first circle of a live player that has none (enterGame, respawn),
          // or as mass the test grants.
          let allowed = 0
          const id = 'who' in op ? (ids[op.who] as string) : ''
          const player = id === '' ? undefined : world.findUnique(Player, 'identity', id)
          const hasNone = player !== undefined && circlesOf(world, player).length === 0
          switch (op.kind) {
            case 'enter':
              if (hasNone) allowed = 15
              tryTx(world, () => enterGame(world, id, 'p', now))
              break
            case 'respawn':
              if (hasNone) allowed = 15
              tryTx(world, () => respawn(world, id, now))
              break
            case 'split':
              if (player !== undefined) tx(world, () => playerSplit(world, player, now))
              break
            case 'suicide':
              tryTx(world, () => suicide(world, id))
              break
            case 'input':
              if (player !== undefined) tx(world, () => updatePlayerInput(world, player, op.x, op.y))
              break
            case 'leave':
              tx(world, () => playerDisconnected(world, id, now))
              break
            case 'join':
              tx(world, () => playerConnected(world, id))
              break
            case 'tick':
              now += op.ms
              for (let t = 0; t < op.ms; t += 50) {
                tx(world, () => moveAllPlayers(world, now))
                tx(world, () => runDueRecombines(world, now))
              }
              break
            case 'decay':
              tx(world, () => circleDecay(world))
              break
            case 'grow': {
              const first = player === undefined ? undefined : circlesOf(world, player)[0]
              if (first !== undefined) {
                allowed = op.mass
                tx(world, () => world.set(first, Body, 'mass', world.read(first, Body, 'mass') + op.mass))
              }
              break
            }
          }
          expect(worldMass(world)).toBeLessThanOrEqual(before + allowed)
          for (const pid of ids) {
            const p = world.findUnique(Player, 'identity', pid)
            if (p !== undefined) expect(circlesOf(world, p).length).toBeLessThanOrEqual(MAX_CIRCLES_PER_PLAYER)
            const away = world.findUnique(LoggedOutPlayer, 'identity', pid)
            if (away !== undefined) expect(world.findAll(LoggedOutCircle, 'playerId', away).length).toBeLessThanOrEqual(MAX_CIRCLES_PER_PLAYER)
          }
          expect(world.count(Food)).toBeLessThanOrEqual(600)
        }
      }),
      { numRuns: 100 },
    )
  })
})
