import type { FieldDescription, SchemaDescription, TransactionUpdate, ValueType } from '@orrery/protocol'
import { FrameWriter } from '@orrery/protocol/internal'

const writer = new FrameWriter(1 << 16)

/** Writes one field value as the server does: quantized fields as integers, others in their type's form. */
function writeValue(type: ValueType, step: number | undefined, value: unknown): void {
  if (step !== undefined && step > 0) {
    writer.int(value as number)
    return
  }
  switch (type) {
    case 'f32':
      writer.float32(value as number)
      return
    case 'f64':
      writer.number(value as number)
      return
    case 'bool':
      writer.bool(value as boolean)
      return
    case 'string':
      writer.str(value as string)
      return
    case 'json':
      writer.value(value)
      return
    default:
      writer.int(value as number)
  }
}

/**
 * Bytes of each part of the TransactionUpdates one client receives, measured by writing the decoded
 * parts again with the protocol's own writer in the documented layout (docs/protocol.md: binds, releases, inserts
 * `[handle, f0, f1, ...]`, updates in runs `[mask, count, handle, values...]`, deletes `[handle, ...]`).
 */
export class SectionMeter {
  insertBytes = 0
  deleteBytes = 0
  /** Update rows of the table of moving bodies, and their bytes (run headers included). */
  movingTableUpdateBytes = 0
  movingTableUpdateRows = 0
  otherUpdateBytes = 0
  /** Handle binds and releases, and events. */
  handleBytes = 0
  eventBytes = 0
  private readonly fields: readonly (readonly FieldDescription[])[]

  /**
   * @param schema - the server's schema from Welcome
   * @param movingTable - table id of the moving bodies (Body)
   */
  constructor(
    schema: SchemaDescription,
    private readonly movingTable: number,
  ) {
    this.fields = schema.components.map(([, fields]) => fields)
  }

  /** Adds the parts of one update. */
  add(m: TransactionUpdate): void {
    writer.reset()
    writer.arrayHeader(m.binds.length)
    for (const v of m.binds) writer.int(v)
    writer.arrayHeader(m.releases.length)
    for (const v of m.releases) writer.int(v)
    this.handleBytes += writer.length
    writer.reset()
    writer.arrayHeader(m.events.length)
    for (const event of m.events) {
      writer.arrayHeader(2)
      writer.str(event.name)
      writer.value(event.payload)
    }
    this.eventBytes += writer.length
    for (const t of m.tables) {
      const fields = this.fields[t.tableId] ?? []
      writer.reset()
      writer.arrayHeader(t.inserts.length)
      for (let k = 0; k < t.inserts.length; ) {
        writer.int(t.inserts[k++] as number)
        for (const [, type, step] of fields) writeValue(type, step, t.inserts[k++])
      }
      this.insertBytes += writer.length
      writer.reset()
      writer.arrayHeader(t.updates.length)
      let rows = 0
      const span = 2 ** fields.length
      for (let k = 0; k < t.updates.length; ) {
        const head = t.updates[k++] as number
        const mask = head % span
        const count = (head - mask) / span
        writer.int(head)
        rows += count
        for (let r = 0; r < count; r++) {
          writer.int(t.updates[k++] as number)
          for (let i = 0; i < fields.length; i++) {
            if ((mask & (1 << i)) === 0) continue
            const [, type, step] = fields[i] as FieldDescription
            writeValue(type, step, t.updates[k++])
          }
        }
      }
      if (t.tableId === this.movingTable) {
        this.movingTableUpdateBytes += writer.length
        this.movingTableUpdateRows += rows
      } else this.otherUpdateBytes += writer.length
      writer.reset()
      writer.arrayHeader(t.deletes.length)
      for (const h of t.deletes) writer.int(h)
      this.deleteBytes += writer.length
    }
  }

  /** Zeroes every counter (at the start of the measured window). */
  reset(): void {
    this.insertBytes = 0
    this.deleteBytes = 0
    this.movingTableUpdateBytes = 0
    this.movingTableUpdateRows = 0
    this.otherUpdateBytes = 0
    this.handleBytes = 0
    this.eventBytes = 0
  }
}
