import type { Component, Entity, Row, Schema } from '@orrery/ecs'

/** What happened to a row: it entered, changed or left the replica. */
export const INSERTED = 0
export const UPDATED = 1
export const DELETED = 2

/**
 * The row changes of one message, waiting to be announced once the whole message is applied: parallel
 * arrays (no object per row), refilled from one message to the next. Notice `k < length` is of kind
 * `kinds[k]` for the row of `components[k]` of `entities[k]`, with its values `rows[k]` and, for an update,
 * its values before (`previous[k]`) and the changed fields (`masks[k]`).
 */
export class RowNotices {
  length = 0
  readonly kinds: number[] = []
  readonly components: Component[] = []
  readonly entities: Entity[] = []
  readonly rows: Row<Schema>[] = []
  readonly previous: (Row<Schema> | null)[] = []
  readonly masks: number[] = []

  push(kind: number, component: Component, e: Entity, row: Row<Schema>, previous: Row<Schema> | null, mask: number): void {
    const k = this.length++
    this.kinds[k] = kind
    this.components[k] = component
    this.entities[k] = e
    this.rows[k] = row
    this.previous[k] = previous
    this.masks[k] = mask
  }

  /** Forgets every notice (and lets go of their rows). */
  clear(): void {
    for (let k = 0; k < this.length; k++) {
      this.rows[k] = EMPTY_ROW
      this.previous[k] = null
    }
    this.length = 0
  }
}

const EMPTY_ROW = Object.freeze({}) as Row<Schema>
