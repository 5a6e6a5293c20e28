import type { Entity, World } from '@orrery/ecs'
import { LeaderboardEntry } from '@orrery/demo-shared'

/**
 * The player's total mass as the server's leaderboard lists it (which covers the whole world, not just
 * the client's area), or undefined when the player is not listed (not among the heaviest, or no line yet).
 *
 * @param world - a replica holding the whole {@link LeaderboardEntry} table
 * @param player - the player's entity
 * @returns mass units, or undefined
 * @example
 * listedMass(client.replica.world, player) // 42
 */
export function listedMass(world: World, player: Entity): number | undefined {
  let mass: number | undefined
  world.query([LeaderboardEntry]).forEach((e) => {
    if (world.read(e, LeaderboardEntry, 'playerId') === player) mass = world.read(e, LeaderboardEntry, 'mass')
  })
  return mass
}

/** What {@link mayRespawn} weighs. */
export interface RespawnView {
  /** Own circles in the client's view. */
  readonly visibleCircles: number
  /** The player's mass on the leaderboard, or undefined when not listed (see {@link listedMass}). */
  readonly listedMass: number | undefined
  /** Time since an own circle was last in view (or since the last enterGame / respawn, if later), ms. */
  readonly unseenMs: number
  /** Time since the last enterGame / respawn call, ms. */
  readonly sinceRespawnMs: number
}

/** Timings of {@link mayRespawn}. */
export interface RespawnTimings {
  /** Least time between two respawns, ms (default 1 000). */
  readonly respawnDelayMs?: number
  /**
   * Time without any own circle in view after which the player counts as dead whatever the leaderboard
   * says (default 5 000: a listed mass that never shows is a leaderboard out of date, or circles out of
   * reach of the view).
   */
  readonly giveUpMs?: number
}

/**
 * Whether a bot should respawn. No own circle in view is not no circle at all: with areas of interest
 * the client sees only the rows around its camera, and a circle outside it lives on (and, before it
 * may recombine, pulls the visible ones toward it). Respawning then would give the player one more
 * circle far away, which the client cannot see move, so it cannot predict its own circles. So a bot
 * respawns only when none of its circles is in view **and** the leaderboard (whole-world, every
 * 500 ms) no longer lists mass for it, or when it is not listed at all (beyond the top ten), or when
 * none has shown for `giveUpMs`.
 *
 * @param view - what the bot sees, see {@link RespawnView}
 * @param timings - see {@link RespawnTimings}
 * @returns true to call `respawn` now
 * @example
 * mayRespawn({ visibleCircles: 0, listedMass: 0, unseenMs: 1500, sinceRespawnMs: 1500 }) // true
 * mayRespawn({ visibleCircles: 0, listedMass: 30, unseenMs: 200, sinceRespawnMs: 200 }) // false: out of view, not dead
 */
export function mayRespawn(view: RespawnView, timings: RespawnTimings = {}): boolean {
  if (view.visibleCircles > 0) return false
  if (view.sinceRespawnMs < (timings.respawnDelayMs ?? 1000)) return false
  const listed = view.listedMass
  return listed === undefined || listed <= 0 || view.unseenMs >= (timings.giveUpMs ?? 5000)
}
