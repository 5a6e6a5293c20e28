import { type Component, type Entity, entityIndex, type FieldType, type Row, type Schema, type World } from '@orrery/ecs'
import { fieldValuesEqual } from './field-values.js'
import type { RowListeners, RowNotice } from './replica-listeners.js'

/**
 * The mutation engine of a replica: writes validated wire rows into its world with the server's entity ids,
 * destroys entities left without rows, and queues a notice per change for the listeners that want one.
 */
export class ReplicaStore {
  private readonly byIndex = new Map<number, Entity>()
  private readonly orphans = new Set<Entity>()
  private notices: RowNotice[] = []

  constructor(
    readonly world: World,
    private readonly components: readonly Component[],
    private readonly listeners: RowListeners,
  ) {}

  /** Removes one row if present, queuing a delete notice. */
  removeRow(e: Entity, component: Component): void {
    const { world } = this
    if (!world.isAlive(e) || !world.has(e, component)) return
    if (this.listeners.wantsDelete(component)) {
      this.notices.push({ kind: 'delete', component, e, row: world.get(e, component) as Row<Schema> })
    }
    world.remove(e, component)
    this.orphans.add(e)
  }

  /** Removes every row of a component. */
  clearTable(component: Component): void {
    for (const e of this.world.query([component]).toArray()) this.removeRow(e, component)
  }

  /** Entities with a row of the component, as a set. */
  entitiesOf(component: Component): Set<Entity> {
    return new Set(this.world.query([component]).toArray())
  }

  /** Destroys the entities that lost a row and have none left. */
  destroyOrphans(): void {
    for (const e of this.orphans) {
      if (this.world.isAlive(e) && !this.hasAnyRow(e)) this.destroy(e)
    }
    this.orphans.clear()
  }

  /**
   * Writes the row at `flat[at]` (`e, f0, f1, ...`): an insert, or an overwrite of the fields that differ when the row exists.
   *
   * @returns the index after the row
   */
  putRow(component: Component, flat: readonly unknown[], at: number): number {
    const { world } = this
    const e = flat[at] as Entity
    const fields = component.fields
    if (world.isAlive(e) && world.has(e, component)) {
      const types = component.schema as Readonly<Record<string, FieldType>>
      let mask = 0
      for (let i = 0; i < fields.length; i++) {
        const field = fields[i] as string
        if (!fieldValuesEqual(types[field] as FieldType, world.read(e, component, field), flat[at + 1 + i])) {
          mask = (mask | (1 << i)) >>> 0
        }
      }
      if (mask !== 0) this.writeFields(e, component, mask, flat, at + 1, true)
      return at + 1 + fields.length
    }
    this.ensureEntity(e)
    const values: Record<string, unknown> = {}
    for (let i = 0; i < fields.length; i++) values[fields[i] as string] = flat[at + 1 + i]
    world.add(e, component, values as Partial<Row<Schema>>)
    if (this.listeners.wantsInsert(component)) {
      this.notices.push({ kind: 'insert', component, e, row: world.get(e, component) as Row<Schema> })
    }
    return at + 1 + fields.length
  }

  /**
   * Applies the update at `flat[at]` (`e, mask, <values of set bits>`); a row the replica does not hold is skipped.
   *
   * @returns the index after the update
   */
  updateRow(component: Component, flat: readonly unknown[], at: number): number {
    const e = flat[at] as Entity
    const mask = (flat[at + 1] as number) >>> 0
    let next = at + 2
    for (let bits = mask; bits !== 0; bits &= bits - 1) next++
    if (this.world.isAlive(e) && this.world.has(e, component)) this.writeFields(e, component, mask, flat, at + 2, false)
    return next
  }

  /** Hands over the queued notices. */
  takeNotices(): RowNotice[] {
    const notices = this.notices
    this.notices = []
    return notices
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
    const stale = this.byIndex.get(index)
    if (stale !== undefined && this.world.isAlive(stale)) {
      for (const component of this.components) this.removeRow(stale, component)
      this.destroy(stale)
    }
    this.world.createWithId(e)
    this.byIndex.set(index, e)
  }

  /**
   * Writes the fields of `mask`, queuing an update notice. Values start at `flat[from]`: one per field when
   * `fullRow` (a snapshot or insert row), else one per set bit of `mask`, in field order (an update).
   */
  private writeFields(
    e: Entity,
    component: Component,
    mask: number,
    flat: readonly unknown[],
    from: number,
    fullRow: boolean,
  ): void {
    const { world } = this
    const previous = this.listeners.wantsUpdate(component) ? (world.get(e, component) as Row<Schema>) : undefined
    const fields = component.fields
    let at = from
    for (let i = 0; i < fields.length; i++) {
      if (((mask >>> i) & 1) === 0) continue
      world.set(e, component, fields[i] as string, flat[fullRow ? from + i : at] as never)
      at++
    }
    if (previous !== undefined) {
      this.notices.push({ kind: 'update', component, e, row: world.get(e, component) as Row<Schema>, previous, mask })
    }
  }
}
