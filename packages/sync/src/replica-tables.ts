import type { Component, FieldType } from '@orrery/ecs'
import type { FieldDescription, SchemaDescription } from '@orrery/protocol'
import { mapSchema } from './schema-map.js'

/** How the replica reads one table of the wire: its local component and each field's step (0: not quantized). */
export interface ReplicaTable {
  readonly component: Component
  readonly types: readonly FieldType[]
  readonly steps: readonly number[]
  /** Per field, its slot among the quantized fields, or -1. */
  readonly qSlots: readonly number[]
  readonly quantized: number
  /** Mask of the predicted fields (quantized positions whose updates are coded against a linear prediction). */
  readonly predictedMask: number
  /** Whether the table has quantized fields and every one is predicted (an update then rewrites all of a row's baseline). */
  readonly allPredicted: boolean
  /** Mask with one bit per field. */
  readonly allowedMask: number
  /** `2^fields`: a run head is `count × span + mask`. */
  readonly span: number
}

/**
 * Maps the server's table ids to local components and their wire forms (the server's schema decides the steps).
 *
 * @param schema - the server's schema, from Welcome
 * @param components - the client's components
 * @returns table id → table (undefined for tables the client does not know)
 * @throws SyncError `ERR_SCHEMA_MISMATCH` as `mapSchema`
 */
export function replicaTables(schema: SchemaDescription, components: readonly Component[]): (ReplicaTable | undefined)[] {
  const mapped = mapSchema(schema, components)
  return mapped.map((component, tableId) => (component === undefined ? undefined : tableOf(component, schema.components[tableId]?.[1])))
}

/**
 * The wire form of a component when no server schema is known yet: its own `quantize` option.
 *
 * @param components - the client's components, table id = index
 */
export function localTables(components: readonly Component[]): ReplicaTable[] {
  return components.map((component) => tableOf(component, undefined))
}

function tableOf(component: Component, described: readonly FieldDescription[] | undefined): ReplicaTable {
  const local = (component.options as { quantize?: Readonly<Record<string, number>> }).quantize ?? {}
  const spatial = component.options.spatial
  const types = component.fields.map((f) => component.schema[f] as FieldType)
  const steps = component.fields.map((f, i) => (described === undefined ? (local[f] ?? 0) : (described[i]?.[2] ?? 0)))
  let predictedMask = 0
  component.fields.forEach((f, i) => {
    const predicted =
      described === undefined ? (steps[i] as number) > 0 && spatial !== undefined && (spatial.x === f || spatial.y === f) : described[i]?.[3] === true
    if (predicted) predictedMask = (predictedMask | (1 << i)) >>> 0
  })
  let quantized = 0
  const qSlots = steps.map((step) => (step > 0 ? quantized++ : -1))
  const n = component.fields.length
  const allPredicted = quantized > 0 && steps.every((step, i) => step === 0 || ((predictedMask >>> i) & 1) === 1)
  return {
    component,
    types,
    steps,
    qSlots,
    quantized,
    predictedMask,
    allPredicted,
    allowedMask: n >= 32 ? 0xffffffff : ((1 << n) - 1) >>> 0,
    span: 2 ** n,
  }
}
