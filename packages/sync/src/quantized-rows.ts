import type { Entity, Field } from '@orrery/ecs'
import { capacityFor, grown } from './typed-growth.js'
import { quantize, type WireField, type WirePlan } from './wire-plan.js'

/** `e & INDEX_MASK` is an entity's index (see `@orrery/ecs`). */
const INDEX_MASK = 0x3fffff

/**
 * The quantized values of one table's rows that a flush window updated, read and rounded once per flush
 * for every client: by entity index, `width` numbers (the table's quantized fields by slot), valid for the
 * fields of {@link QuantizedRows.readMask}.
 */
export class QuantizedRows {
  values: Float64Array
  stamps = new Int32Array(1024)
  entities = new Int32Array(1024)
  /** By entity index, the fields read (a mask by field index). */
  private read = new Uint32Array(1024)
  /** The window the values belong to. */
  stamp = 0
  readonly width: number

  /** @param plan - the table's plan (it has quantized fields) */
  constructor(private readonly plan: WirePlan) {
    this.width = plan.quantized
    this.values = new Float64Array(1024 * this.width)
  }

  /**
   * Reads, for window `stamp`, the predicted fields of every updated row and the other quantized fields
   * its update changed.
   *
   * @param updated - the window's updated rows of the table
   * @param masks - by entity index, each updated row's changed-field mask
   * @param cols - the table's field accessors
   * @param stamp - the window
   */
  load(updated: readonly Entity[], masks: Uint32Array, cols: readonly Field<unknown>[], stamp: number): void {
    this.stamp = stamp
    const width = this.width
    let max = 0
    for (let k = 0; k < updated.length; k++) max = Math.max(max, (updated[k] as Entity) & INDEX_MASK)
    if (max >= this.stamps.length) this.grow(max)
    const stamps = this.stamps
    const entities = this.entities
    const read = this.read
    const predicted = this.plan.predictedMask
    for (let k = 0; k < updated.length; k++) {
      const e = updated[k] as Entity
      const i = e & INDEX_MASK
      stamps[i] = stamp
      entities[i] = e
      read[i] = ((masks[i] as number) | predicted) & this.plan.quantizedMask
    }
    const values = this.values
    // Field by field, so each accessor's call site sees one kind of column.
    const fields = this.plan.fields
    for (let f = 0; f < fields.length; f++) {
      const field = fields[f] as WireField
      if (field.step <= 0) continue
      const col = cols[f] as Field<number>
      const step = field.step
      const slot = field.qSlot
      const bit = 1 << f
      for (let k = 0; k < updated.length; k++) {
        const e = updated[k] as Entity
        const i = e & INDEX_MASK
        if (((read[i] as number) & bit) !== 0) values[i * width + slot] = quantize(col.get(e), step)
      }
    }
  }

  /** The quantized fields read for entity `e` in the window (a mask by field index), 0 when none. */
  readMask(e: Entity): number {
    const i = e & INDEX_MASK
    return i < this.stamps.length && this.stamps[i] === this.stamp && this.entities[i] === e ? (this.read[i] as number) : 0
  }

  /** Where entity `e`'s values start in {@link QuantizedRows.values} (read the ones its {@link QuantizedRows.readMask} names). */
  offset(e: Entity): number {
    return (e & INDEX_MASK) * this.width
  }

  private grow(i: number): void {
    const n = capacityFor(this.stamps.length, i)
    this.stamps = grown(this.stamps, n)
    this.entities = grown(this.entities, n)
    this.read = grown(this.read, n)
    this.values = grown(this.values, n * this.width)
  }
}
