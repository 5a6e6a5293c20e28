import type { Component, Entity, FieldType, World } from '@orrery/ecs'
import type { Area } from '@orrery/protocol'
import type { Replica } from '../replica.js'

/** What one client subscribed to: whole tables, and at most one area subscription. */
export interface ViewSpec {
  readonly whole: readonly Component[]
  readonly area: {
    readonly components: readonly Component[]
    /** The component whose spatial fields place an entity. */
    readonly position: Component
    readonly area: Area
    /** The replicator's hysteresis, world units. */
    readonly hysteresis: number
  } | null
}

const stepOf = (component: Component, field: string): number =>
  (component.options as { quantize?: Readonly<Record<string, number>> }).quantize?.[field] ?? 0

/**
 * What a replica must hold for a server value: `round(v / step) × step` for a quantized field (an f32
 * rounded to f32, -0 as 0), the value itself otherwise.
 */
export function wireValue(component: Component, field: string, value: unknown): unknown {
  const step = stepOf(component, field)
  if (step === 0) return value
  const v = Math.round((value as number) / step) * step
  return ((component.schema[field] as FieldType) === 'f32' ? Math.fround(v) : v) + 0
}

function positionOf(world: World, position: Component, e: Entity): [number, number] | null {
  const spatial = position.options.spatial
  if (spatial === undefined || !world.has(e, position)) return null
  return [world.read(e, position, spatial.x) as number, world.read(e, position, spatial.y) as number]
}

/** Strictly inside the area grown by its margin: such an entity must be in the view. */
export function insideEnter(area: Area, x: number, y: number): boolean {
  const m = area.margin
  return x > area.minX - m && x < area.maxX + m && y > area.minY - m && y < area.maxY + m
}

/** Inside (or on) the area grown by margin and hysteresis: an entity beyond it must not be in the view. */
export function insideLeave(area: Area, hysteresis: number, x: number, y: number): boolean {
  const m = area.margin + hysteresis
  return x >= area.minX - m && x <= area.maxX + m && y >= area.minY - m && y <= area.maxY + m
}

function rowProblems(server: World, replica: Replica, c: Component, e: Entity): string[] {
  const problems: string[] = []
  for (const field of c.fields) {
    const expected = wireValue(c, field, server.read(e, c, field))
    const got = replica.world.read(e, c, field)
    const same = typeof expected === 'number' ? Object.is(expected + 0, (got as number) + 0) : Object.is(expected, got)
    if (!same) problems.push(`${c.name}.${field} of ${e}: replica ${String(got)}, expected ${String(expected)}`)
  }
  return problems
}

/**
 * Compares a client's replica with the server's world restricted to the client's view.
 *
 * Always: every entity of the replica is alive on the server and has a row; the replica holds rows only
 * of subscribed components, only rows the server has, and no area row of an entity outside the area's
 * leave rect (margin + hysteresis) or without a position. With `exact` (nothing waits for a later tick)
 * also: every row equals the server's (quantized fields as `round(v / step) × step`), every whole-table
 * row is present, every entity strictly inside the enter rect (area + margin) has all its area rows,
 * and an entity in the view has every area row the server has for it.
 *
 * @returns the differences found (empty when the replica is right)
 */
export function viewProblems(
  server: World,
  replica: Replica,
  components: readonly Component[],
  spec: ViewSpec,
  exact: boolean,
): string[] {
  const problems: string[] = []
  const whole = new Set(spec.whole)
  const area = spec.area
  const areaTables = new Set(area === null ? [] : area.components.filter((c) => !whole.has(c)))
  for (const e of replica.world.entities()) {
    if (!server.isAlive(e)) problems.push(`replica holds entity ${e}, which the server destroyed`)
    if (!components.some((c) => replica.world.has(e, c))) problems.push(`replica keeps entity ${e} without rows`)
  }
  for (const c of components) {
    const held = replica.world.query([c]).toArray()
    if (!whole.has(c) && !areaTables.has(c)) {
      if (held.length > 0) problems.push(`replica holds ${held.length} rows of unsubscribed ${c.name}`)
      continue
    }
    for (const e of held) {
      if (!server.has(e, c)) {
        problems.push(`replica holds ${c.name} of ${e}, which the server does not have`)
        continue
      }
      if (area !== null && areaTables.has(c)) {
        const at = positionOf(server, area.position, e)
        if (at === null) problems.push(`replica holds ${c.name} of ${e}, which has no position`)
        else if (!insideLeave(area.area, area.hysteresis, at[0], at[1])) {
          problems.push(`replica holds ${c.name} of ${e} at (${at[0]}, ${at[1]}), outside the leave rect`)
        }
      }
      if (exact) problems.push(...rowProblems(server, replica, c, e))
    }
    if (exact && whole.has(c)) {
      for (const e of server.query([c]).toArray()) {
        if (!replica.world.has(e, c)) problems.push(`replica lacks whole-table row ${c.name} of ${e}`)
      }
    }
  }
  if (exact && area !== null && areaTables.size > 0) {
    for (const e of server.query([area.position]).toArray()) {
      const at = positionOf(server, area.position, e) as [number, number]
      const inView = [...areaTables].some((c) => replica.world.has(e, c))
      if (!inView && !insideEnter(area.area, at[0], at[1])) continue
      for (const c of areaTables) {
        if (server.has(e, c) && !replica.world.has(e, c)) {
          problems.push(`replica lacks ${c.name} of ${e} at (${at[0]}, ${at[1]}), ${inView ? 'in the view' : 'inside the enter rect'}`)
        }
      }
    }
  }
  return problems
}
