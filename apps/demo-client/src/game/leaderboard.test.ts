import { describe, expect, it } from 'vitest'
import { formatRate } from './hud.js'
import { leaderboard } from './leaderboard.js'

describe('leaderboard', () => {
  it('ranks players in the game by total mass and keeps the top N', () => {
    const players = [
      { player: 1, name: 'a' },
      { player: 2, name: 'b' },
      { player: 3, name: 'c' },
      { player: 4, name: 'idle' },
    ]
    const circles = [
      { owner: 1, mass: 20 },
      { owner: 2, mass: 15 },
      { owner: 2, mass: 15 },
      { owner: 3, mass: 25 },
    ]
    expect(leaderboard(players, circles, 2)).toEqual([
      { player: 2, name: 'b', mass: 30 },
      { player: 3, name: 'c', mass: 25 },
    ])
    expect(leaderboard(players, circles, 10).map((e) => e.player)).not.toContain(4)
  })

  it('formats byte rates', () => {
    expect(formatRate(812.4)).toBe('812 B/s')
    expect(formatRate(3400)).toBe('3.4 kB/s')
  })
})
