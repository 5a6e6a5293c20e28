import type { Entity, World } from '@orrery/ecs'
import { Body, Circle, LEADERBOARD_SIZE, LeaderboardEntry, MAX_NAME_LENGTH, Player } from '@orrery/demo-shared'
import { Agent, Behavior } from '../agents/behavior-components.js'

/** A player's line on the leaderboard: its name, and for an agent the behaviour and version it runs. */
function listedName(world: World, player: Entity): string {
  const name = world.read(player, Player, 'name')
  if (!world.has(player, Agent)) return name
  const behavior = world.read(player, Agent, 'behavior') as Entity
  if (!world.isAlive(behavior) || !world.has(behavior, Behavior)) return name
  const version = world.read(player, Agent, 'version') || world.read(behavior, Behavior, 'current')
  return `${name} · ${world.read(behavior, Behavior, 'name')} v${version}`.slice(0, MAX_NAME_LENGTH)
}

/**
 * Rewrites the leaderboard rows: the {@link LEADERBOARD_SIZE} heaviest players by total circle mass, rank 1
 * first (ties by player entity); an agent is listed as `name · behaviour vN`. Rows are updated in place, so an unchanged ranking changes nothing.
 *
 * @param world - the server world
 */
export function updateLeaderboard(world: World): void {
  const totals = new Map<Entity, number>()
  world.query([Circle, Body]).forEach((e) => {
    const player = world.read(e, Circle, 'playerId') as Entity
    totals.set(player, (totals.get(player) ?? 0) + world.read(e, Body, 'mass'))
  })
  const ranked = [...totals].filter(([player]) => world.isAlive(player) && world.has(player, Player))
  ranked.sort((a, b) => b[1] - a[1] || a[0] - b[0])
  const rows = world.query([LeaderboardEntry]).toArray()
  rows.sort((a, b) => world.read(a, LeaderboardEntry, 'rank') - world.read(b, LeaderboardEntry, 'rank'))
  const count = Math.min(LEADERBOARD_SIZE, ranked.length)
  for (let i = 0; i < count; i++) {
    const [player, mass] = ranked[i] as [Entity, number]
    const values = { rank: i + 1, playerId: player, name: listedName(world, player), mass }
    const row = rows[i]
    if (row === undefined) world.add(world.create(), LeaderboardEntry, values)
    else world.update(row, LeaderboardEntry, values)
  }
  for (let i = count; i < rows.length; i++) world.destroy(rows[i] as Entity)
}
