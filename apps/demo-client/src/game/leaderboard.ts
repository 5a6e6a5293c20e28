/** One leaderboard line. */
export interface LeaderboardEntry {
  /** The player's entity. */
  readonly player: number
  /** Display name. */
  readonly name: string
  /** Sum of its circles' masses. */
  readonly mass: number
}

/**
 * Ranks players by total mass, heaviest first (ties by name), keeping those in the game.
 *
 * @param players - each player's entity and name
 * @param circles - each circle's owner and mass
 * @param limit - most lines to return
 * @returns the top `limit` players with at least one circle
 * @example
 * leaderboard([{ player: 1, name: 'a' }], [{ owner: 1, mass: 15 }], 10) // [{ player: 1, name: 'a', mass: 15 }]
 */
export function leaderboard(
  players: Iterable<{ readonly player: number; readonly name: string }>,
  circles: Iterable<{ readonly owner: number; readonly mass: number }>,
  limit: number,
): LeaderboardEntry[] {
  const mass = new Map<number, number>()
  for (const c of circles) mass.set(c.owner, (mass.get(c.owner) ?? 0) + c.mass)
  const out: LeaderboardEntry[] = []
  for (const p of players) {
    const m = mass.get(p.player)
    if (m !== undefined && m > 0) out.push({ player: p.player, name: p.name, mass: m })
  }
  out.sort((a, b) => b.mass - a.mass || a.name.localeCompare(b.name))
  return out.slice(0, limit)
}
