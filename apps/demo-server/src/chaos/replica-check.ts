import type { ReplicaSnapshot } from '@orrery/demo-client/bots'
import { Body, liveComponents } from '@orrery/demo-shared'
import type { Component, Entity, World } from '@orrery/ecs'
import { describeSchema } from '@orrery/protocol'

/** Tables a bot subscribes to by area (the others whole). */
const AREA_TABLES: ReadonlySet<string> = new Set(['Body', 'Circle', 'Food'])

/** What {@link checkReplica} found wrong in one bot's replica. */
export interface ReplicaCheck {
  /** Rows the replica holds that the server does not, or with other values. */
  readonly wrongRows: number
  /** Rows the server holds that the replica must hold (whole tables, or inside the area) but does not. */
  readonly missingRows: number
  /** The first few differences, for the report. */
  readonly samples: readonly string[]
}

/**
 * Compares a bot's replica with the server's world, once both are quiet: every row it holds must be the
 * server's (quantized fields within half a step); every row of a whole table, and every row of an entity
 * inside its area (margin included), must be there; rows of entities beyond the area's margin and hysteresis
 * must not.
 *
 * @param snapshot - the bot's replica
 * @param world - the server's world
 * @param hysteresis - the server's hysteresis (default a tenth of the area's larger side)
 * @returns the differences
 */
export function checkReplica(snapshot: ReplicaSnapshot, world: World, hysteresis?: number): ReplicaCheck {
  const steps = quantizationSteps()
  const samples: string[] = []
  let wrongRows = 0
  let missingRows = 0
  const note = (text: string): void => {
    if (samples.length < 5) samples.push(`${snapshot.identity.slice(0, 8)}: ${text}`)
  }
  const { minX, minY, maxX, maxY, margin } = snapshot.area
  const band = hysteresis ?? 0.1 * Math.max(maxX - minX, maxY - minY)
  const where = (e: Entity): 'in' | 'out' | 'either' => {
    if (!world.isAlive(e) || !world.has(e, Body)) return 'out'
    const x = world.read(e, Body, 'x')
    const y = world.read(e, Body, 'y')
    if (x >= minX - margin && x <= maxX + margin && y >= minY - margin && y <= maxY + margin) return 'in'
    const m = margin + band
    if (x < minX - m || x > maxX + m || y < minY - m || y > maxY + m) return 'out'
    return 'either'
  }
  for (const component of liveComponents as readonly Component[]) {
    const rows = snapshot.tables[component.name] ?? []
    const held = new Set<number>()
    for (const [e, row] of rows) {
      held.add(e)
      const entity = e as Entity
      const server = world.isAlive(entity) && world.has(entity, component) ? (world.get(entity, component) as Record<string, unknown>) : undefined
      if (server === undefined) {
        wrongRows++
        note(`${component.name} ${e} is not on the server`)
        continue
      }
      if (AREA_TABLES.has(component.name) && where(entity) === 'out') {
        wrongRows++
        note(`${component.name} ${e} is held but lies outside the area`)
        continue
      }
      for (const [field, value] of Object.entries(server)) {
        const step = steps.get(`${component.name}.${field}`)
        const got = row[field]
        const same = step === undefined ? Object.is(got, value) || got === value : typeof got === 'number' && Math.abs(got - (value as number)) <= step / 2 + 1e-4
        if (!same) {
          wrongRows++
          note(`${component.name} ${e}.${field}: replica ${String(got)}, server ${String(value)}`)
          break
        }
      }
    }
    world.query([component]).forEach((e) => {
      if (held.has(e)) return
      if (AREA_TABLES.has(component.name) && where(e) !== 'in') return
      missingRows++
      note(`${component.name} ${e} is missing`)
    })
  }
  return { wrongRows, missingRows, samples }
}

let stepCache: Map<string, number> | null = null

/** The quantization step of each quantized field, by `Component.field`. */
function quantizationSteps(): Map<string, number> {
  if (stepCache !== null) return stepCache
  const out = new Map<string, number>()
  for (const [name, fields] of describeSchema({ components: liveComponents }).components) {
    for (const [field, , step] of fields) if (typeof step === 'number') out.set(`${name}.${field}`, step)
  }
  stepCache = out
  return out
}
