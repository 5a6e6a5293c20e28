import type { Component } from './component.js'
import type { Entity } from './entity.js'
import type { Schema } from './schema.js'

/** The net changes of one component in one transaction. */
export interface ComponentChanges<S extends Schema = Schema> {
  /** The component (table). */
  readonly component: Component<S>
  /** Rows that exist now and did not before the transaction. */
  readonly inserted: readonly Entity[]
  /** Rows that existed before and after, with at least one changed field. */
  readonly updated: readonly Entity[]
  /** Parallel to `updated`: bit i set = `component.fields[i]` changed (uint32). */
  readonly updatedMasks: readonly number[]
  /** Rows that existed before and do not now. */
  readonly deleted: readonly Entity[]
}

/** An event emitted in a transaction. */
export interface ChangeEvent {
  readonly name: string
  readonly payload: unknown
}

/**
 * The net effect of one committed transaction: per component, the rows inserted, updated
 * (with changed-field masks) and deleted, plus the events emitted, in emit order. Values of
 * inserted and updated rows are read from the world after the commit.
 */
export interface ChangeSet {
  /** Only components with changes, in registration order. */
  readonly components: readonly ComponentChanges[]
  /** Events in emit order. */
  readonly events: readonly ChangeEvent[]
  /** True when there are no component changes and no events. */
  readonly isEmpty: boolean
}

/** The change set of a transaction that changed nothing (and of every nested transaction). */
export const EMPTY_CHANGE_SET: ChangeSet = Object.freeze({
  components: Object.freeze([]) as readonly ComponentChanges[],
  events: Object.freeze([]) as readonly ChangeEvent[],
  isEmpty: true,
})

/** Builds a change set; `components` must be sorted by registration order already. */
export function makeChangeSet(components: readonly ComponentChanges[], events: readonly ChangeEvent[]): ChangeSet {
  if (components.length === 0 && events.length === 0) return EMPTY_CHANGE_SET
  return { components, events, isEmpty: false }
}
