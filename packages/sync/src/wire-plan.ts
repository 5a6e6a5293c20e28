import type { Component, Field, FieldType, World } from '@orrery/ecs'
import type { FrameWriter } from '@orrery/protocol/internal'

/** How one field travels: its ECS type and, when quantized, its step (0 = not quantized). */
export interface WireField {
  readonly name: string
  readonly type: FieldType
  /** Quantization step in the field's unit, or 0. */
  readonly step: number
  /** Slot of this field among the table's quantized fields, or -1. */
  readonly qSlot: number
  /** A quantized position (a field of the spatial index): its updates are coded against a linear prediction. */
  readonly predicted: boolean
}

/**
 * The wire layout of one replicated table: its fields with their wire forms, and how many of them
 * are quantized (a receiver keeps the last quantized value of each, for deltas).
 */
export interface WirePlan {
  readonly tableId: number
  readonly component: Component
  readonly fields: readonly WireField[]
  /** Number of quantized fields. */
  readonly quantized: number
  /** Mask of the quantized fields. */
  readonly quantizedMask: number
  /** Mask of the predicted fields (quantized positions). */
  readonly predictedMask: number
  /** Field index of the spatial x and y fields, or -1 when the component has no spatial index. */
  readonly spatialX: number
  readonly spatialY: number
  /** Field index of the owner of an owner-only table (`visibility: { owner }`), or -1 for a public one. */
  readonly ownerField: number
}

/**
 * Builds the wire plan of each replicated component (quantization steps from the component's `quantize` option).
 *
 * @param components - the replicated components, table id = index
 * @returns one plan per table
 */
export function wirePlans(components: readonly Component[]): WirePlan[] {
  return components.map((component, tableId) => {
    const quantize = (component.options as { quantize?: Readonly<Record<string, number>> }).quantize ?? {}
    let quantized = 0
    let quantizedMask = 0
    let predictedMask = 0
    const types = component.schema as Readonly<Record<string, FieldType>>
    const spatial = component.options.spatial
    const fields = component.fields.map((name, i): WireField => {
      const step = quantize[name] ?? 0
      const qSlot = step > 0 ? quantized++ : -1
      const predicted = step > 0 && spatial !== undefined && (spatial.x === name || spatial.y === name)
      if (step > 0) quantizedMask = (quantizedMask | (1 << i)) >>> 0
      if (predicted) predictedMask = (predictedMask | (1 << i)) >>> 0
      return { name, type: types[name] as FieldType, step, qSlot, predicted }
    })
    const visibility = (component.options as { visibility?: unknown }).visibility
    const owner = typeof visibility === 'object' && visibility !== null ? (visibility as { owner: string }).owner : null
    return {
      ownerField: owner === null ? -1 : component.fields.indexOf(owner),
      tableId,
      component,
      fields,
      quantized,
      quantizedMask,
      predictedMask,
      spatialX: spatial === undefined ? -1 : component.fields.indexOf(spatial.x),
      spatialY: spatial === undefined ? -1 : component.fields.indexOf(spatial.y),
    }
  })
}

/**
 * The world's field accessors of a table, in field order.
 *
 * @param world - the server world
 * @param plan - the table's plan
 */
export function accessorsOf(world: World, plan: WirePlan): Field<unknown>[] {
  return plan.fields.map((f) => world.field(plan.component, f.name) as Field<unknown>)
}

/**
 * Writes one value in its field's wire form; quantized fields are written by the caller (they need the client's last value).
 *
 * @param w - the frame writer
 * @param type - the field's ECS type
 * @param value - the stored value
 */
export function writePlainValue(w: FrameWriter, type: FieldType, value: unknown): void {
  switch (type) {
    case 'f32':
      w.float32(value as number)
      return
    case 'f64':
      w.number(value as number)
      return
    case 'bool':
      w.bool(value as boolean)
      return
    case 'string':
      w.str(value as string)
      return
    case 'json':
      w.value(value)
      return
    default:
      w.int(value as number)
  }
}

/**
 * The quantized integer of a value: `round(value / step)`.
 *
 * @param value - the stored value
 * @param step - the field's step (> 0)
 */
export function quantize(value: number, step: number): number {
  return Math.round(value / step)
}
