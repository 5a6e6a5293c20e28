import type { Entity } from '@orrery/ecs'
import type { ReplicaTable } from './replica-tables.js'
import { capacityFor, grown } from './typed-growth.js'


/**
 * The rows an update changes, flat and reused from one update to the next (a replica applies one update at
 * a time, and its plan is committed before the next is made): row `k < count` of `tables[k]` writes the
 * fields of `masks[k]` from `values[starts[k]…]`, one per set bit in field order.
 */
export class PlannedUpdates {
  count = 0
  readonly tables: ReplicaTable[] = []
  handles = new Int32Array(256)
  entities = new Int32Array(256)
  masks = new Int32Array(256)
  starts = new Int32Array(256)
  /** Where each row's quantized state starts in the plan's `qs`, or -1. */
  qAts = new Int32Array(256)
  readonly values: unknown[] = []
  /** Values in use. */
  valueCount = 0

  /** Forgets every row. */
  reset(): void {
    this.count = 0
    this.valueCount = 0
  }

  /** Adds a row; returns its index. */
  push(table: ReplicaTable, h: number, e: Entity, mask: number, start: number, qAt: number): void {
    const k = this.count
    if (k >= this.handles.length) {
      const n = capacityFor(this.handles.length, k)
      this.handles = grown(this.handles, n)
      this.entities = grown(this.entities, n)
      this.masks = grown(this.masks, n)
      this.starts = grown(this.starts, n)
      this.qAts = grown(this.qAts, n)
    }
    this.tables[k] = table
    this.handles[k] = h
    this.entities[k] = e
    this.masks[k] = mask
    this.starts[k] = start
    this.qAts[k] = qAt
    this.count = k + 1
  }

  /** Appends a value of the row being planned. */
  value(v: unknown): void {
    this.values[this.valueCount++] = v
  }
}

/** Quantized state of the rows an update writes, reused from one update to the next. */
export class QuantizedScratch {
  data = new Float64Array(1024)
  length = 0

  /** Forgets every value. */
  reset(): void {
    this.length = 0
  }

  /** Reserves `n` numbers (zeroed when `zero`, else left for the caller to fill); returns where they start. */
  take(n: number, zero: boolean): number {
    const at = this.length
    if (at + n > this.data.length) {
      const next = new Float64Array(Math.max(at + n, this.data.length * 2))
      next.set(this.data)
      this.data = next
    }
    if (zero) for (let k = at; k < at + n; k++) this.data[k] = 0
    this.length = at + n
    return at
  }
}
