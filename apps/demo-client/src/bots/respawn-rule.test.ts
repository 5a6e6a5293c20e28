import { createWorld, type Entity } from '@orrery/ecs'
import { LeaderboardEntry, liveComponents } from '@orrery/demo-shared'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { listedMass, mayRespawn } from './respawn-rule.js'

describe('mayRespawn', () => {
  it('never respawns while an own circle is in view', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 16 }),
        fc.option(fc.integer({ min: 0, max: 10_000 }), { nil: undefined }),
        fc.nat(60_000),
        fc.nat(60_000),
        (visibleCircles, listed, unseenMs, sinceRespawnMs) => {
          expect(mayRespawn({ visibleCircles, listedMass: listed, unseenMs, sinceRespawnMs })).toBe(false)
        },
      ),
    )
  })

  it('does not respawn a player whose circles are only out of view (the leaderboard still lists its mass)', () => {
    expect(mayRespawn({ visibleCircles: 0, listedMass: 45, unseenMs: 1200, sinceRespawnMs: 3000 })).toBe(false)
  })

  it('respawns once the leaderboard lists no mass, or does not list the player, after the delay', () => {
    expect(mayRespawn({ visibleCircles: 0, listedMass: 0, unseenMs: 1500, sinceRespawnMs: 1500 })).toBe(true)
    expect(mayRespawn({ visibleCircles: 0, listedMass: undefined, unseenMs: 1500, sinceRespawnMs: 1500 })).toBe(true)
    expect(mayRespawn({ visibleCircles: 0, listedMass: 0, unseenMs: 500, sinceRespawnMs: 500 })).toBe(false)
    expect(mayRespawn({ visibleCircles: 0, listedMass: 0, unseenMs: 500, sinceRespawnMs: 500 }, { respawnDelayMs: 400 })).toBe(true)
  })

  it('gives up on a listed mass that never shows', () => {
    expect(mayRespawn({ visibleCircles: 0, listedMass: 45, unseenMs: 5000, sinceRespawnMs: 9000 })).toBe(true)
    expect(mayRespawn({ visibleCircles: 0, listedMass: 45, unseenMs: 2000, sinceRespawnMs: 9000 }, { giveUpMs: 2000 })).toBe(true)
  })
})

describe('listedMass', () => {
  it('reads the player’s line of the leaderboard, undefined when not listed', () => {
    const world = createWorld({ components: [...liveComponents], trackChanges: false })
    const me = world.create()
    const other = world.create()
    const line = world.create()
    world.add(line, LeaderboardEntry, { rank: 1, playerId: other, name: 'b', mass: 90 })
    expect(listedMass(world, me as Entity)).toBeUndefined()
    const mine = world.create()
    world.add(mine, LeaderboardEntry, { rank: 2, playerId: me, name: 'a', mass: 30 })
    expect(listedMass(world, me)).toBe(30)
  })
})
