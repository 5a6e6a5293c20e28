import type { Component, World } from '@orrery/ecs'

/**
 * Every row of some components of a world as plain data, by component then entity (ascending), plus
 * the live entities and the rng state: two worlds with equal rows give equal values.
 *
 * @param world - any world
 * @param components - the components to include
 * @returns `{ [component]: [entity, row][], '#alive': entity[], '#rng': state }`
 * @example
 * ```ts
 * import type { Component, World } from '@orrery/ecs'
 * declare const a: World
 * declare const b: World
 * declare const list: Component[]
 * JSON.stringify(worldRows(a, list)) === JSON.stringify(worldRows(b, list))
 * ```
 */
export function worldRows(world: World, components: readonly Component[]): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const c of components) {
    const rows: [number, unknown][] = []
    for (const e of world.query([c]).toArray()) rows.push([e, world.get(e, c)])
    rows.sort((a, b) => a[0] - b[0])
    out[c.name] = rows
  }
  out['#alive'] = [...world.entities()].sort((a, b) => a - b)
  out['#rng'] = world.rng.getState()
  return out
}
