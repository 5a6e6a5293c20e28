import { type Component, type Entity, entityIndex, type Field, type FieldType, type Row, type Schema, type World } from '@orrery/ecs'
import { fieldValuesEqual } from './field-values.js'
import { IndexSlots } from './index-slots.js'
import type { PlannedUpdates } from './plan-scratch.js'
import type { RowListeners } from './replica-listeners.js'
import { DELETED, INSERTED, RowNotices, UPDATED } from './row-notices.js'


/**
 * The mutation engine of a replica: writes validated wire rows into its world with the server's entity ids,
 * destroys entities left without rows, and queues a notice per change for the listeners that want one.
 */
export class ReplicaStore {
  /** The live entity at each index this replica created. */
  private readonly byIndex = new IndexSlots()
  /** Entities that lost a row since the last {@link ReplicaStore.destroyOrphans} (an entity may be listed twice). */
  private orphans: Entity[] = []
  /** Per component, the world's field accessors in field order. */
  private readonly accessors = new Map<Component, readonly Field<unknown>[]>()
  /** The last component asked for and its accessors (updates come in runs of one table). */
  private lastComponent: Component | null = null
  private lastAccessors: readonly Field<unknown>[] = []
  private notices = new RowNotices()
  /** Notice lists announced and given back, for the next messages. */
  private readonly spare: RowNotices[] = []

  constructor(
    readonly world: World,
    private readonly components: readonly Component[],
    private readonly listeners: RowListeners,
  ) {}

  /** Removes one row if present, queuing a delete notice. */
  removeRow(e: Entity, component: Component): void {
    const { world } = this
    // A row's owner is its entity while it lives: `has` is false for a dead entity.
    if (!world.has(e, component)) return
    if (this.listeners.wantsDelete(component)) {
      this.notices.push(DELETED, component, e, world.get(e, component) as Row<Schema>, null, 0)
    }
    world.remove(e, component)
    this.orphans.push(e)
  }

  /** Removes every row of a component. */
  clearTable(component: Component): void {
    for (const e of this.world.query([component]).toArray()) this.removeRow(e, component)
  }

  /** Entities with a row of the component. */
  entitiesOf(component: Component): Entity[] {
    return this.world.query([component]).toArray()
  }

  /** Destroys the entities that lost a row and have none left. */
  destroyOrphans(): void {
    const orphans = this.orphans
    if (orphans.length === 0) return
    for (let k = 0; k < orphans.length; k++) {
      const e = orphans[k] as Entity
      if (this.world.isAlive(e) && !this.hasAnyRow(e)) this.destroy(e)
    }
    orphans.length = 0
  }

  /** Whether the replica holds a row of the component for the entity. */
  hasRow(e: Entity, component: Component): boolean {
    return this.world.has(e, component)
  }

  /**
   * Writes a whole row: an insert, or (when the row is held, e.g. re-sent after a new session) an overwrite
   * of the fields that differ, announced as an update.
   *
   * @param values - one value per field, in field order, from `start`
   */
  putRow(component: Component, e: Entity, values: readonly unknown[], start: number): void {
    const { world } = this
    const fields = component.fields
    if (world.isAlive(e) && world.has(e, component)) {
      const types = component.schema as Readonly<Record<string, FieldType>>
      let mask = 0
      for (let i = 0; i < fields.length; i++) {
        const field = fields[i] as string
        if (!fieldValuesEqual(types[field] as FieldType, world.read(e, component, field), values[start + i])) {
          mask = (mask | (1 << i)) >>> 0
        }
      }
      if (mask !== 0) this.writeFields(e, component, mask, values, start)
      return
    }
    this.ensureEntity(e)
    const row: Record<string, unknown> = {}
    for (let i = 0; i < fields.length; i++) row[fields[i] as string] = values[start + i]
    world.add(e, component, row as Partial<Row<Schema>>)
    if (this.listeners.wantsInsert(component)) {
      // The row as stored (what `world.get` would build): only an f32 differs, rounded to float32.
      const types = component.schema as Readonly<Record<string, FieldType>>
      for (let i = 0; i < fields.length; i++) {
        const field = fields[i] as string
        if (types[field] === 'f32') row[field] = Math.fround(row[field] as number)
      }
      this.notices.push(INSERTED, component, e, row as Row<Schema>, null, 0)
    }
  }

  /**
   * Writes planned updates `from` ≤ k < `to` of one component's held rows: row k's fields of `masks[k]`
   * from `values[starts[k]…]`, one per set bit in field order.
   */
  updateRows(component: Component, rows: PlannedUpdates, from: number, to: number): void {
    const wants = this.listeners.wantsUpdate(component)
    const fields = this.accessorsOf(component)
    const { entities, masks, starts, values } = rows
    for (let k = from; k < to; k++) {
      const e = entities[k] as Entity
      const mask = masks[k] as number
      if (mask === 0) continue
      const previous = wants ? (this.world.get(e, component) as Row<Schema>) : undefined
      let at = starts[k] as number
      for (let bits = mask; bits !== 0; bits &= bits - 1) {
        const i = 31 - Math.clz32(bits & -bits)
        ;(fields[i] as Field<unknown>).set(e, values[at++])
      }
      if (previous !== undefined) {
        this.notices.push(UPDATED, component, e, this.world.get(e, component) as Row<Schema>, previous, mask >>> 0)
      }
    }
  }

  private accessorsOf(component: Component): readonly Field<unknown>[] {
    if (component === this.lastComponent) return this.lastAccessors
    let fields = this.accessors.get(component)
    if (fields === undefined) {
      fields = component.fields.map((f) => this.world.field(component, f) as Field<unknown>)
      this.accessors.set(component, fields)
    }
    this.lastComponent = component
    this.lastAccessors = fields
    return fields
  }

  /** Whether changes wait to be announced. */
  get hasNotices(): boolean {
    return this.notices.length > 0
  }

  /**
   * Hands over the queued notices (a new list takes their place, so a message applied by a listener meanwhile
   * queues its own); give the list back with {@link ReplicaStore.recycle} once it is announced.
   */
  takeNotices(): RowNotices {
    const notices = this.notices
    this.notices = this.spare.pop() ?? new RowNotices()
    return notices
  }

  /** Takes back a list {@link ReplicaStore.takeNotices} handed over, once its notices are announced. */
  recycle(notices: RowNotices): void {
    notices.clear()
    this.spare.push(notices)
  }

  private destroy(e: Entity): void {
    this.world.destroy(e)
    this.byIndex.delete(entityIndex(e))
  }

  private hasAnyRow(e: Entity): boolean {
    for (const component of this.components) if (this.world.has(e, component)) return true
    return false
  }

  /** Makes `e` alive with the server's id; an older generation of the same index still held here is evicted first. */
  private ensureEntity(e: Entity): void {
    if (this.world.isAlive(e)) return
    const index = entityIndex(e)
    const stale = this.byIndex.get(index) as Entity
    if (stale >= 0 && this.world.isAlive(stale)) {
      for (const component of this.components) this.removeRow(stale, component)
      this.destroy(stale)
    }
    this.world.createWithId(e)
    this.byIndex.set(index, e)
  }

  /**
   * Writes the fields of `mask` of a whole row re-sent (one value per field, in field order, from `start`),
   * queuing an update notice.
   */
  private writeFields(e: Entity, component: Component, mask: number, values: readonly unknown[], start: number): void {
    const { world } = this
    const previous = this.listeners.wantsUpdate(component) ? (world.get(e, component) as Row<Schema>) : undefined
    const fields = component.fields
    for (let i = 0; i < fields.length; i++) {
      if (((mask >>> i) & 1) === 0) continue
      world.set(e, component, fields[i] as string, values[start + i] as never)
    }
    if (previous !== undefined) {
      this.notices.push(UPDATED, component, e, world.get(e, component) as Row<Schema>, previous, mask)
    }
  }
}
