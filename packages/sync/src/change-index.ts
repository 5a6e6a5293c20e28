import type { ChangeSet, Component, Entity, Field, World } from '@orrery/ecs'
import type { ProtocolEvent } from '@orrery/protocol'
import { EntityTables } from './entity-tables.js'
import { fullMask } from './full-mask.js'
import { QuantizedRows } from './quantized-rows.js'
import { RowSlots } from './row-slots.js'
import { TouchedGrid } from './touched-grid.js'
import { empty } from './update-draft.js'
import type { WirePlan } from './wire-plan.js'

/** An event of the window with the entities it concerns (`null`: every client hears it). */
export interface ScopedEvent extends ProtocolEvent {
  readonly scope: readonly Entity[] | null
  /** Its wire form (`[name, payload]`), encoded once for every client that hears it; null until then. */
  bytes: Uint8Array | null
}

/** What an `eventScope` function returns: the entity or entities an event concerns, or null for everyone. */
export type EventScope = Entity | readonly Entity[] | null

/** `e & INDEX_MASK` is an entity's index (see `@orrery/ecs`). */
const INDEX_MASK = 0x3fffff

/**
 * The net changes of the commits between two flushes (a window), folded as they are committed and laid
 * out for per-client lookups: per table, the inserted, updated and deleted entities as lists, and each
 * row's net kind and changed-field mask in dense arrays by entity index (so a client checks its visible
 * rows in O(1) each, with no map and no object per row).
 *
 * Folding rules, per row, in commit order: insert then update = insert (sent with the current values);
 * insert then delete = nothing; update masks are OR-ed; update then delete = delete; delete of a row that
 * existed before the window then insert = update of every field (its values before the window are no
 * longer known). Components that are not replicated are ignored, so private components stay out.
 */
export class ChangeIndex {
  /** The window's id; a dense slot belongs to the window when its stamp equals it. */
  stamp = 1
  readonly inserts: Entity[][]
  readonly updates: Entity[][]
  readonly deletes: Entity[][]
  events: ScopedEvent[] = []
  /** Per table: whether anything of it changed in this window. */
  readonly touched: boolean[]
  private readonly grids: (TouchedGrid | undefined)[] = []
  private readonly quantizedRows: (QuantizedRows | undefined)[] = []
  private readonly gridStamp: number[]
  private readonly tableIds = new Map<Component, number>()
  private readonly tableIdsByName = new Map<string, number>()
  private readonly fullMasks: number[]
  /** Per table: rows of the window's inserted or updated entities (at most one live entity per index). */
  private readonly live: RowSlots[]
  /** Per table: rows of the window's deleted entities (an index may hold a deleted entity and a new one). */
  private readonly gone: RowSlots[]
  /** Per table: a row changed kind after it was listed, so the lists are rebuilt when the window is sealed. */
  private readonly relist: boolean[]
  private readonly tablesChanged = new EntityTables()
  private readonly inserted = new EntityTables()
  private readonly deleted = new EntityTables()
  private rawEvents: ProtocolEvent[] = []
  private sealed = false

  /** @param components - the replicated components; a component's table id is its index here */
  constructor(components: readonly Component[]) {
    const n = components.length
    components.forEach((component, tableId) => {
      this.tableIds.set(component, tableId)
      this.tableIdsByName.set(component.name, tableId)
    })
    this.fullMasks = components.map((component) => fullMask(component.fields.length))
    this.inserts = Array.from({ length: n }, () => [])
    this.updates = Array.from({ length: n }, () => [])
    this.deletes = Array.from({ length: n }, () => [])
    this.touched = new Array<boolean>(n).fill(false)
    this.gridStamp = new Array<number>(n).fill(0)
    this.relist = new Array<boolean>(n).fill(false)
    this.live = Array.from({ length: n }, () => new RowSlots())
    this.gone = Array.from({ length: n }, () => new RowSlots())
  }

  /**
   * Folds one committed change set into the window.
   *
   * @param changes - the change set of one committed transaction (from `world.transaction`)
   */
  add(changes: ChangeSet): void {
    this.open()
    for (const componentChanges of changes.components) {
      const t = this.tableIds.get(componentChanges.component) ?? this.tableIdsByName.get(componentChanges.component.name)
      if (t === undefined) continue
      const { deleted, inserted, updated, updatedMasks } = componentChanges
      for (let k = 0; k < deleted.length; k++) this.foldDelete(t, deleted[k] as Entity)
      for (let k = 0; k < inserted.length; k++) this.foldInsert(t, inserted[k] as Entity)
      if (updated.length > 0) this.foldUpdates(t, updated, updatedMasks)
    }
    for (const event of changes.events) this.rawEvents.push({ name: event.name, payload: event.payload })
  }

  /**
   * Closes the window for a flush: lists and per-entity table masks are final until the next
   * {@link ChangeIndex.add}, which opens a new window.
   *
   * @param scopeOf - the entity or entities an event concerns, or null
   */
  seal(scopeOf: (event: ProtocolEvent) => EventScope): void {
    this.open()
    this.sealed = true
    const stamp = this.stamp
    for (let t = 0; t < this.touched.length; t++) {
      if (this.relist[t] === true) this.rebuildLists(t)
      const inserts = this.inserts[t] as Entity[]
      const updates = this.updates[t] as Entity[]
      const deletes = this.deletes[t] as Entity[]
      this.touched[t] = inserts.length > 0 || updates.length > 0 || deletes.length > 0
      for (let k = 0; k < inserts.length; k++) this.inserted.mark(inserts[k] as Entity, t, stamp)
      for (let k = 0; k < deletes.length; k++) this.deleted.mark(deletes[k] as Entity, t, stamp)
      for (let k = 0; k < updates.length; k++) this.tablesChanged.mark(updates[k] as Entity, t, stamp)
    }
    const events: ScopedEvent[] = []
    for (const event of this.rawEvents) {
      const scope = scopeOf(event)
      events.push({
        name: event.name,
        payload: event.payload,
        scope: scope === null || Array.isArray(scope) ? (scope as readonly Entity[] | null) : [scope as Entity],
        bytes: null,
      })
    }
    this.events = events
  }

  /**
   * The window's touched entities bucketed by the position of a table with a spatial index (built on first use in a window).
   *
   * @param world - the server world
   * @param plan - the position table's plan
   * @param accessors - that table's field accessors
   */
  touchedGrid(world: World, plan: WirePlan, accessors: readonly Field<unknown>[]): TouchedGrid {
    const t = plan.tableId
    let grid = this.grids[t]
    if (grid === undefined) {
      const spatial = plan.component.options.spatial
      grid = new TouchedGrid(plan, 2 * (spatial?.cellSize ?? 32))
      this.grids[t] = grid
    }
    if (this.gridStamp[t] !== this.stamp) {
      this.gridStamp[t] = this.stamp
      grid.load(world, accessors[plan.spatialX] as Field<number>, accessors[plan.spatialY] as Field<number>, this.deletes, this.inserts, this.updates)
    }
    return grid
  }

  /**
   * The quantized values of the window's updated rows of a table with quantized fields (read on first use
   * in a window).
   *
   * @param plan - the table's plan
   * @param accessors - that table's field accessors
   */
  quantized(plan: WirePlan, accessors: readonly Field<unknown>[]): QuantizedRows {
    const t = plan.tableId
    let rows = this.quantizedRows[t]
    if (rows === undefined) this.quantizedRows[t] = rows = new QuantizedRows(plan)
    if (rows.stamp !== this.stamp) rows.load(this.updates[t] as Entity[], (this.live[t] as RowSlots).masks, accessors, this.stamp)
    return rows
  }

  /**
   * The changed-field mask of an updated row in this window, or 0.
   *
   * @param table - table id
   * @param e - the entity
   */
  updateMask(table: number, e: Entity): number {
    return (this.live[table] as RowSlots).maskOf(e, this.stamp, UPDATE)
  }

  /** The tables whose row the entity inserted this window (a mask by table id), or 0. */
  insertedTables(e: Entity): number {
    return this.inserted.of(e, this.stamp)
  }

  /** The tables whose row the entity deleted this window (a mask by table id), or 0. */
  deletedTables(e: Entity): number {
    return this.deleted.of(e, this.stamp)
  }

  /** The tables whose row the entity updated this window (a mask by table id), or 0. */
  changedTables(e: Entity): number {
    return this.tablesChanged.of(e, this.stamp)
  }

  /** Starts a new window when the last one was sealed. */
  private open(): void {
    if (!this.sealed) return
    this.sealed = false
    this.stamp++
    for (let t = 0; t < this.touched.length; t++) {
      empty(this.inserts[t] as Entity[])
      empty(this.updates[t] as Entity[])
      empty(this.deletes[t] as Entity[])
      this.relist[t] = false
    }
    this.rawEvents = []
  }

  private foldUpdates(t: number, updated: readonly Entity[], masks: ArrayLike<number>): void {
    const live = this.live[t] as RowSlots
    const stamp = this.stamp
    const list = this.updates[t] as Entity[]
    live.reserve(updated)
    const stamps = live.stamps
    const entities = live.entities
    const kinds = live.kinds
    const rowMasks = live.masks
    for (let k = 0; k < updated.length; k++) {
      const mask = (masks[k] ?? 0) >>> 0
      if (mask === 0) continue
      const e = updated[k] as Entity
      const i = e & INDEX_MASK
      if (stamps[i] === stamp && entities[i] === e) {
        // Folded into a pending update; an insert carries the current values anyway.
        if (kinds[i] === UPDATE) rowMasks[i] = ((rowMasks[i] as number) | mask) >>> 0
        continue
      }
      stamps[i] = stamp
      entities[i] = e
      kinds[i] = UPDATE
      rowMasks[i] = mask
      list.push(e)
    }
  }

  private foldInsert(t: number, e: Entity): void {
    const live = this.live[t] as RowSlots
    const gone = this.gone[t] as RowSlots
    const stamp = this.stamp
    if (gone.kindOf(e, stamp) === DELETE) {
      // The row existed before the window, left and came back: it is an update of every field.
      gone.clear(e)
      this.relist[t] = true
      const mask = this.fullMasks[t] ?? 0
      if (mask !== 0) live.set(e, stamp, UPDATE, mask)
      return
    }
    const kind = live.kindOf(e, stamp)
    // An insert over a pending insert or update cannot happen (the row exists); the pending change stands.
    if (kind === INSERT || kind === UPDATE) return
    if (kind === NONE) this.relist[t] = true
    live.set(e, stamp, INSERT, 0)
    ;(this.inserts[t] as Entity[]).push(e)
  }

  private foldDelete(t: number, e: Entity): void {
    const live = this.live[t] as RowSlots
    const stamp = this.stamp
    const kind = live.kindOf(e, stamp)
    if (kind === INSERT) {
      // Born and gone inside the window: nobody needs to hear about it.
      live.setKind(e, NONE)
      this.relist[t] = true
      return
    }
    if (kind === UPDATE) {
      live.setKind(e, NONE)
      this.relist[t] = true
    }
    ;(this.gone[t] as RowSlots).set(e, stamp, DELETE, 0)
    ;(this.deletes[t] as Entity[]).push(e)
  }

  /** Lists again the rows of table `t` by their net kind (each once), after rows changed kind. */
  private rebuildLists(t: number): void {
    const all = [...(this.inserts[t] as Entity[]), ...(this.updates[t] as Entity[]), ...(this.deletes[t] as Entity[])]
    const inserts = this.inserts[t] as Entity[]
    const updates = this.updates[t] as Entity[]
    const deletes = this.deletes[t] as Entity[]
    inserts.length = 0
    updates.length = 0
    deletes.length = 0
    const live = this.live[t] as RowSlots
    const gone = this.gone[t] as RowSlots
    const stamp = this.stamp
    for (const e of all) {
      const kind = live.kindOf(e, stamp)
      if (kind === INSERT || kind === UPDATE) {
        if (live.takeListing(e, stamp)) (kind === INSERT ? inserts : updates).push(e)
      }
      if (gone.kindOf(e, stamp) === DELETE && gone.takeListing(e, stamp)) deletes.push(e)
    }
  }
}

/** Row kinds in {@link RowSlots}: none (a row born and gone in the window), insert, update, delete. */
const NONE = 0
const INSERT = 1
const UPDATE = 2
const DELETE = 3
