import type { ChangeSet, Component, Entity } from '@orrery/ecs'
import type { ProtocolEvent } from '@orrery/protocol'

/**
 * The net kind of change of one row over a window of commits.
 *
 * @example
 * ```ts
 * import type { Entity } from '@orrery/ecs'
 * declare const merger: ChangeMerger
 * declare const e: Entity
 * const kind: NetChangeKind = merger.take().tables[0]?.get(e)?.kind ?? 'insert'
 * ```
 */
export type NetChangeKind = 'insert' | 'update' | 'delete'

/**
 * The net change of one row over a window of commits; `mask` has bit i set when `component.fields[i]` changed (updates only).
 *
 * @example
 * ```ts
 * const change: NetChange = { kind: 'update', mask: 0b101 } // fields 0 and 2 changed
 * ```
 */
export interface NetChange {
  kind: NetChangeKind
  mask: number
}

/**
 * The net changes of one table, keyed by entity, in first-touch order.
 *
 * @example
 * ```ts
 * declare const merger: ChangeMerger
 * const body: NetTableChanges | undefined = merger.take().tables[0]
 * for (const [e, change] of body ?? []) console.log(e, change.kind)
 * ```
 */
export type NetTableChanges = ReadonlyMap<Entity, Readonly<NetChange>>

/**
 * What {@link ChangeMerger.take} hands back: per table id the net row changes (undefined when untouched), and every event in commit order.
 *
 * @example
 * ```ts
 * declare const merger: ChangeMerger
 * const { tables, events }: MergedChanges = merger.take()
 * ```
 */
export interface MergedChanges {
  readonly tables: readonly (NetTableChanges | undefined)[]
  readonly events: readonly ProtocolEvent[]
}

/**
 * The mask with one bit per field of a component (all fields changed).
 *
 * @param fieldCount - number of fields, 0..32
 * @returns an unsigned 32-bit mask with the low `fieldCount` bits set
 * @example
 * ```ts
 * fullMask(3) // 0b111
 * ```
 */
export function fullMask(fieldCount: number): number {
  return fieldCount >= 32 ? 0xffffffff : ((1 << fieldCount) - 1) >>> 0
}

/**
 * Folds the change sets committed between two flushes into one net change per row.
 *
 * Rules, per row, in commit order: insert then update = insert (sent with the
 * current values); insert then delete = nothing; update masks are OR-ed;
 * update then delete = delete; delete of a row that existed before the window
 * then insert = update of every field (its values before the window are no
 * longer known). Components that are not in the table list are ignored, so a
 * server can keep private components out of replication.
 *
 * @example
 * ```ts
 * import { createWorld, defineComponent } from '@orrery/ecs'
 * const Body = defineComponent('Body', { x: 'f32' })
 * const Player = defineComponent('Player', { name: 'string' })
 * const world = createWorld({ components: [Body, Player] })
 * const merger = new ChangeMerger([Body, Player])
 * merger.add(world.transaction(() => world.add(world.create(), Body, { x: 1 })).changes)
 * const { tables, events } = merger.take()
 * ```
 */
export class ChangeMerger {
  private readonly tableIds = new Map<Component, number>()
  private readonly tableIdsByName = new Map<string, number>()
  private readonly fullMasks: number[]
  private tables: (Map<Entity, NetChange> | undefined)[]
  private events: ProtocolEvent[] = []

  /**
   * @param components - the replicated components; a component's table id is its index here
   */
  constructor(private readonly components: readonly Component[]) {
    components.forEach((component, tableId) => {
      this.tableIds.set(component, tableId)
      this.tableIdsByName.set(component.name, tableId)
    })
    this.fullMasks = components.map((component) => fullMask(component.fields.length))
    this.tables = new Array<Map<Entity, NetChange> | undefined>(components.length)
  }

  /** True when nothing was added since the last {@link ChangeMerger.take}. */
  get isEmpty(): boolean {
    return this.events.length === 0 && this.tables.every((table) => table === undefined || table.size === 0)
  }

  /**
   * Folds one committed change set into the pending window.
   *
   * @param changes - the change set of one committed transaction (from `world.transaction`)
   */
  add(changes: ChangeSet): void {
    for (const componentChanges of changes.components) {
      const tableId = this.tableIdOf(componentChanges.component)
      if (tableId === undefined) continue
      let table = this.tables[tableId]
      if (table === undefined) {
        table = new Map()
        this.tables[tableId] = table
      }
      for (const e of componentChanges.deleted) this.foldDelete(table, e)
      for (const e of componentChanges.inserted) this.foldInsert(table, e, tableId)
      const { updated, updatedMasks } = componentChanges
      for (let i = 0; i < updated.length; i++) {
        this.foldUpdate(table, updated[i] as Entity, (updatedMasks[i] ?? 0) >>> 0)
      }
    }
    for (const event of changes.events) this.events.push({ name: event.name, payload: event.payload })
  }

  /**
   * Hands back the net changes of the window and starts a new, empty one.
   *
   * @returns per table id the net row changes (rows whose net change is nothing are left out) and the events in commit order
   */
  take(): MergedChanges {
    const tables = this.tables
    const events = this.events
    this.tables = new Array<Map<Entity, NetChange> | undefined>(this.components.length)
    this.events = []
    for (let tableId = 0; tableId < tables.length; tableId++) {
      const table = tables[tableId]
      if (table !== undefined && table.size === 0) tables[tableId] = undefined
    }
    return { tables, events }
  }

  private tableIdOf(component: Component): number | undefined {
    return this.tableIds.get(component) ?? this.tableIdsByName.get(component.name)
  }

  private foldInsert(table: Map<Entity, NetChange>, e: Entity, tableId: number): void {
    const previous = table.get(e)
    if (previous === undefined) {
      table.set(e, { kind: 'insert', mask: 0 })
    } else if (previous.kind === 'delete') {
      // The row existed before the window, left and came back: it is an update of every field.
      const mask = this.fullMasks[tableId] ?? 0
      if (mask === 0) table.delete(e)
      else table.set(e, { kind: 'update', mask })
    }
    // An insert over a pending insert or update cannot happen (the row exists); the pending change stands.
  }

  private foldUpdate(table: Map<Entity, NetChange>, e: Entity, mask: number): void {
    if (mask === 0) return
    const previous = table.get(e)
    if (previous === undefined) {
      table.set(e, { kind: 'update', mask })
    } else if (previous.kind === 'update') {
      previous.mask = (previous.mask | mask) >>> 0
    }
    // An update of a pending insert is folded into the insert, which carries the current values.
  }

  private foldDelete(table: Map<Entity, NetChange>, e: Entity): void {
    const previous = table.get(e)
    if (previous === undefined || previous.kind === 'update') {
      table.set(e, { kind: 'delete', mask: 0 })
    } else if (previous.kind === 'insert') {
      // Born and gone inside the window: nobody needs to hear about it.
      table.delete(e)
    }
  }
}
