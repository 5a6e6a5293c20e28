import type { Component, Entity, Row, Schema } from '@orrery/ecs'
import { INSERTED, type RowNotices, UPDATED } from './row-notices.js'

/**
 * Called when a row enters the replica.
 *
 * @example
 * ```ts
 * import { defineComponent, type Entity } from '@orrery/ecs'
 * const Body = defineComponent('Body', { x: 'f32', y: 'f32' })
 * declare function makeSprite(x: number, y: number): { moveTo(x: number, y: number): void }
 * const sprites = new Map<Entity, ReturnType<typeof makeSprite>>()
 * const spawn: InsertListener<typeof Body.schema> = (e, body) => sprites.set(e, makeSprite(body.x, body.y))
 * ```
 */
export type InsertListener<S extends Schema = Schema> = (e: Entity, row: Row<S>) => void
/**
 * Called when a row of the replica changes; `mask` bit i = `component.fields[i]` changed.
 *
 * @example
 * ```ts
 * import { defineComponent, type Entity } from '@orrery/ecs'
 * const Body = defineComponent('Body', { x: 'f32', y: 'f32' })
 * declare const sprites: Map<Entity, { moveTo(x: number, y: number): void }>
 * const move: UpdateListener<typeof Body.schema> = (e, body, previous, mask) => {
 *   if (mask & 0b11) sprites.get(e)?.moveTo(body.x, body.y)
 * }
 * ```
 */
export type UpdateListener<S extends Schema = Schema> = (e: Entity, row: Row<S>, previous: Row<S>, mask: number) => void
/**
 * Called when a row leaves the replica, with its last values.
 *
 * @example
 * ```ts
 * import { defineComponent, type Entity } from '@orrery/ecs'
 * const Body = defineComponent('Body', { x: 'f32', y: 'f32' })
 * declare const sprites: Map<Entity, unknown>
 * const despawn: DeleteListener<typeof Body.schema> = (e) => sprites.delete(e)
 * ```
 */
export type DeleteListener<S extends Schema = Schema> = (e: Entity, row: Row<S>) => void

/**
 * The listeners of one component and kind: a set for registration, read through an array rebuilt after a
 * change, so a dispatch walks an array with no iterator per row. As with DOM events, a listener removed
 * while a row is announced is not called for it if it was not yet, and one added is called from the next row.
 */
class ListenerList<F> {
  private readonly set = new Set<F>()
  private snapshot: readonly F[] = []
  private stale = false

  get size(): number {
    return this.set.size
  }

  /** Whether the registrations changed since the last {@link ListenerList.list}. */
  get changed(): boolean {
    return this.stale
  }

  has(fn: F): boolean {
    return this.set.has(fn)
  }

  add(fn: F): void {
    this.set.add(fn)
    this.stale = true
  }

  delete(fn: F): void {
    if (this.set.delete(fn)) this.stale = true
  }

  list(): readonly F[] {
    if (this.stale) {
      this.snapshot = [...this.set]
      this.stale = false
    }
    return this.snapshot
  }
}

function addTo<F>(map: Map<string, ListenerList<F>>, key: string, fn: F): () => void {
  let list = map.get(key)
  if (list === undefined) {
    list = new ListenerList()
    map.set(key, list)
  }
  const listeners = list
  listeners.add(fn)
  return () => {
    listeners.delete(fn)
  }
}

function hasAny<F>(map: Map<string, ListenerList<F>>, key: string): boolean {
  const list = map.get(key)
  return list !== undefined && list.size > 0
}


/** The per-component row listeners of a replica, keyed by component name. */
export class RowListeners {
  private readonly inserts = new Map<string, ListenerList<InsertListener>>()
  private readonly updates = new Map<string, ListenerList<UpdateListener>>()
  private readonly deletes = new Map<string, ListenerList<DeleteListener>>()

  /** Registers an insert listener; returns its removal. */
  onInsert(component: Component, fn: InsertListener): () => void {
    return addTo(this.inserts, component.name, fn)
  }

  /** Registers an update listener; returns its removal. */
  onUpdate(component: Component, fn: UpdateListener): () => void {
    return addTo(this.updates, component.name, fn)
  }

  /** Registers a delete listener; returns its removal. */
  onDelete(component: Component, fn: DeleteListener): () => void {
    return addTo(this.deletes, component.name, fn)
  }

  /** Whether anyone listens to inserts of the component (rows are only copied when someone does). */
  wantsInsert(component: Component): boolean {
    return hasAny(this.inserts, component.name)
  }

  /** Whether anyone listens to updates of the component. */
  wantsUpdate(component: Component): boolean {
    return hasAny(this.updates, component.name)
  }

  /** Whether anyone listens to deletes of the component. */
  wantsDelete(component: Component): boolean {
    return hasAny(this.deletes, component.name)
  }

  /** Calls the listeners of each notice, in order. */
  dispatch(notices: RowNotices): void {
    for (let k = 0; k < notices.length; k++) {
      const kind = notices.kinds[k] as number
      const name = (notices.components[k] as Component).name
      const e = notices.entities[k] as Entity
      const row = notices.rows[k] as Row<Schema>
      if (kind === UPDATED) {
        const list = this.updates.get(name)
        if (list === undefined) continue
        const fns = list.list()
        const previous = notices.previous[k] as Row<Schema>
        const mask = notices.masks[k] as number
        for (let j = 0; j < fns.length; j++) {
          const fn = fns[j] as UpdateListener
          if (!list.changed || list.has(fn)) fn(e, row, previous, mask)
        }
      } else {
        // Insert and delete listeners take the same (entity, row).
        const list: ListenerList<InsertListener | DeleteListener> | undefined = (kind === INSERTED ? this.inserts : this.deletes).get(name)
        if (list === undefined) continue
        const fns = list.list()
        for (let j = 0; j < fns.length; j++) {
          const fn = fns[j] as InsertListener | DeleteListener
          if (!list.changed || list.has(fn)) fn(e, row)
        }
      }
    }
  }
}
