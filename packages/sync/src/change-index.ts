import { type Entity, entityIndex, type Field, type World } from '@orrery/ecs'
import type { ProtocolEvent } from '@orrery/protocol'
import type { MergedChanges } from './change-merger.js'
import { TouchedGrid } from './touched-grid.js'
import { empty } from './update-draft.js'
import type { WirePlan } from './wire-plan.js'

/** An event of the window with the entities it concerns (`null`: every client hears it). */
export interface ScopedEvent extends ProtocolEvent {
  readonly scope: readonly Entity[] | null
}

/** What an `eventScope` function returns: the entity or entities an event concerns, or null for everyone. */
export type EventScope = Entity | readonly Entity[] | null

/**
 * The net changes of one flush window laid out for per-client lookups: per table, the updated rows in
 * dense arrays indexed by entity index (so a client checks its visible rows in O(1) each, with no map),
 * and the inserted and deleted entities as lists (few per tick).
 */
export class ChangeIndex {
  /** Incremented by each {@link ChangeIndex.load}; a dense slot is valid when its stamp equals it. */
  stamp = 0
  readonly inserts: Entity[][]
  readonly updates: Entity[][]
  readonly deletes: Entity[][]
  events: ScopedEvent[] = []
  /** Per table: whether anything of it changed in this window. */
  readonly touched: boolean[]
  private readonly grids: (TouchedGrid | undefined)[] = []
  /** Per entity index: the tables whose row it updated this window (valid where `tableStamps` equals `stamp`). */
  tablesChanged = new Uint32Array(1024)
  tableStamps = new Int32Array(1024)
  private readonly gridStamp: number[]
  private stamps: Int32Array[]
  private masks: Uint32Array[]
  private entities: Int32Array[]

  /** @param tableCount - number of replicated tables */
  constructor(private readonly tableCount: number) {
    this.inserts = Array.from({ length: tableCount }, () => [])
    this.updates = Array.from({ length: tableCount }, () => [])
    this.deletes = Array.from({ length: tableCount }, () => [])
    this.touched = new Array<boolean>(tableCount).fill(false)
    this.gridStamp = new Array<number>(tableCount).fill(0)
    this.stamps = Array.from({ length: tableCount }, () => new Int32Array(1024))
    this.masks = Array.from({ length: tableCount }, () => new Uint32Array(1024))
    this.entities = Array.from({ length: tableCount }, () => new Int32Array(1024))
  }

  /**
   * Loads a window.
   *
   * @param merged - the net changes (from `ChangeMerger.take`)
   * @param scopeOf - the entity or entities an event concerns, or null
   */
  load(merged: MergedChanges, scopeOf: (event: ProtocolEvent) => EventScope): void {
    this.stamp++
    const stamp = this.stamp
    for (let t = 0; t < this.tableCount; t++) {
      const inserts = this.inserts[t] as Entity[]
      const updates = this.updates[t] as Entity[]
      const deletes = this.deletes[t] as Entity[]
      empty(inserts)
      empty(updates)
      empty(deletes)
      const changes = merged.tables[t]
      this.touched[t] = changes !== undefined
      if (changes === undefined) continue
      for (const [e, change] of changes) {
        if (change.kind === 'insert') inserts.push(e)
        else if (change.kind === 'delete') deletes.push(e)
        else {
          updates.push(e)
          const i = entityIndex(e)
          this.ensure(t, i)
          if (i >= this.tableStamps.length) this.growTables(i)
          if (this.tableStamps[i] !== stamp) {
            this.tableStamps[i] = stamp
            this.tablesChanged[i] = 0
          }
          this.tablesChanged[i] = ((this.tablesChanged[i] as number) | (1 << t)) >>> 0
          ;(this.stamps[t] as Int32Array)[i] = stamp
          ;(this.masks[t] as Uint32Array)[i] = change.mask
          ;(this.entities[t] as Int32Array)[i] = e
        }
      }
    }
    const events: ScopedEvent[] = []
    for (const event of merged.events) {
      const scope = scopeOf(event)
      events.push({ name: event.name, payload: event.payload, scope: scope === null || Array.isArray(scope) ? (scope as readonly Entity[] | null) : [scope as Entity] })
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
      grid.load(world, accessors[plan.spatialX] as Field<number>, accessors[plan.spatialY] as Field<number>, [...this.inserts, ...this.updates, ...this.deletes])
    }
    return grid
  }

  /**
   * The changed-field mask of an updated row in this window, or 0.
   *
   * @param table - table id
   * @param e - the entity
   */
  updateMask(table: number, e: Entity): number {
    const i = entityIndex(e)
    const stamps = this.stamps[table] as Int32Array
    if (i >= stamps.length || stamps[i] !== this.stamp || (this.entities[table] as Int32Array)[i] !== e) return 0
    return (this.masks[table] as Uint32Array)[i] as number
  }

  /** The tables whose row the entity updated this window (a mask by table id), or 0. */
  changedTables(e: Entity): number {
    const i = entityIndex(e)
    return i < this.tableStamps.length && this.tableStamps[i] === this.stamp ? (this.tablesChanged[i] as number) : 0
  }

  private growTables(i: number): void {
    let n = this.tableStamps.length * 2
    while (n <= i) n *= 2
    const stamps = new Int32Array(n)
    stamps.set(this.tableStamps)
    this.tableStamps = stamps
    const changed = new Uint32Array(n)
    changed.set(this.tablesChanged)
    this.tablesChanged = changed
  }

  private ensure(t: number, i: number): void {
    const stamps = this.stamps[t] as Int32Array
    if (i < stamps.length) return
    let size = stamps.length * 2
    while (size <= i) size *= 2
    const grow = <A extends Int32Array | Uint32Array>(a: A, make: (n: number) => A): A => {
      const next = make(size)
      next.set(a)
      return next
    }
    this.stamps[t] = grow(stamps, (n) => new Int32Array(n))
    this.masks[t] = grow(this.masks[t] as Uint32Array, (n) => new Uint32Array(n))
    this.entities[t] = grow(this.entities[t] as Int32Array, (n) => new Int32Array(n))
  }
}
