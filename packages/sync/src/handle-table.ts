import type { Entity } from '@orrery/ecs'

/**
 * The per-client handles of the server: a small integer per entity in the client's view, bound when the
 * entity enters and released when its last row leaves, so update rows name entities in one or two bytes
 * instead of a 31-bit id. Released handles are reused lowest-first-free (LIFO), so handles stay below the
 * view's peak size. Per handle it keeps which tables' rows the client holds, the changed-field masks that
 * wait for a later tick, their priority, and the last quantized value sent of each quantized field.
 */
export class HandleTable {
  /** Highest handle ever bound (loops run 1..top). */
  top = 0
  rows: Uint32Array
  inArea: Uint8Array
  priority: Float32Array
  /** Per handle, the tables whose row the update being collected inserts (cleared by {@link HandleTable.takeFresh}). */
  private fresh: Uint32Array
  /** Last quantized value sent, at `handle * qSlots + slot`. */
  lastQ: Float64Array
  private entities: Int32Array
  private pending: Uint32Array
  private readonly byEntity = new Map<Entity, number>()
  private readonly free: number[] = []
  private readonly maybeEmpty: number[] = []
  /** `[handle, table, ...]` rows removed while the client could not be sent to. */
  private readonly deletedLater: number[] = []

  /**
   * @param tableCount - number of replicated tables (≤ 32)
   * @param qSlots - quantized fields over every table
   */
  constructor(
    private readonly tableCount: number,
    readonly qSlots: number,
  ) {
    const n = 64
    this.rows = new Uint32Array(n)
    this.inArea = new Uint8Array(n)
    this.priority = new Float32Array(n)
    this.fresh = new Uint32Array(n)
    this.lastQ = new Float64Array(n * qSlots)
    this.entities = new Int32Array(n)
    this.pending = new Uint32Array(n * tableCount)
  }

  /** Number of bound handles. */
  get size(): number {
    return this.byEntity.size
  }

  /** The handle of an entity in the view, or undefined. */
  handleOf(e: Entity): number | undefined {
    return this.byEntity.get(e)
  }

  /** The entity a handle is bound to. */
  entityOf(h: number): Entity {
    return this.entities[h] as Entity
  }

  /**
   * Binds a handle to an entity and records the binding for the update.
   *
   * @param e - an entity without a handle
   * @param binds - the update's `[handle, entity, ...]` list
   * @returns the handle
   */
  bind(e: Entity, binds: number[]): number {
    const h = this.free.pop() ?? ++this.top
    if (h >= this.rows.length) this.grow(h + 1)
    this.entities[h] = e
    this.rows[h] = 0
    this.inArea[h] = 0
    this.priority[h] = 0
    this.byEntity.set(e, h)
    this.maybeEmpty.push(h)
    binds.push(h, e)
    return h
  }

  /** Marks the row of table `t` held. */
  addRow(h: number, t: number): void {
    this.rows[h] = ((this.rows[h] as number) | (1 << t)) >>> 0
    this.pending[h * this.tableCount + t] = 0
  }

  /** Records that the update being collected inserts the row of table `t`. */
  markFresh(h: number, t: number): void {
    this.fresh[h] = ((this.fresh[h] as number) | (1 << t)) >>> 0
  }

  /** Takes (and clears) the tables whose row the update being collected inserts. */
  takeFresh(h: number): number {
    const fresh = this.fresh[h] as number
    if (fresh !== 0) this.fresh[h] = 0
    return fresh
  }

  /** Marks the row of table `t` gone (its waiting changes with it). */
  removeRow(h: number, t: number): void {
    this.rows[h] = ((this.rows[h] as number) & ~(1 << t)) >>> 0
    this.pending[h * this.tableCount + t] = 0
    if (this.rows[h] === 0) this.maybeEmpty.push(h)
  }

  /** Removes a row whose delete must wait for the next update (the client cannot be sent to now). */
  markDeleted(h: number, t: number): void {
    this.removeRow(h, t)
    this.deletedLater.push(h, t)
  }

  /** Moves the waiting deletes into an update's per-table delete lists. */
  takeDeleted(deletes: number[][]): void {
    for (let k = 0; k < this.deletedLater.length; k += 2) {
      ;(deletes[this.deletedLater[k + 1] as number] as number[]).push(this.deletedLater[k] as number)
    }
    this.deletedLater.length = 0
  }

  /**
   * Releases the handles whose entity has no row in the view any more.
   *
   * @param releases - the update's release list
   */
  releaseEmpty(releases: number[]): void {
    for (const h of this.maybeEmpty) {
      if (this.rows[h] !== 0) continue
      const e = this.entities[h] as Entity
      if (this.byEntity.get(e) !== h) continue
      this.byEntity.delete(e)
      this.entities[h] = 0
      this.inArea[h] = 0
      this.free.push(h)
      releases.push(h)
    }
    this.maybeEmpty.length = 0
  }

  /** ORs changed fields into the waiting mask; returns the new mask. */
  addPending(h: number, t: number, mask: number): number {
    const i = h * this.tableCount + t
    const next = ((this.pending[i] as number) | mask) >>> 0
    this.pending[i] = next
    return next
  }

  /** The waiting mask of a row. */
  pendingMask(h: number, t: number): number {
    return this.pending[h * this.tableCount + t] as number
  }

  /** Takes (and clears) the waiting mask of a row. */
  takePending(h: number, t: number): number {
    const i = h * this.tableCount + t
    const mask = this.pending[i] as number
    this.pending[i] = 0
    return mask
  }

  private grow(min: number): void {
    let n = this.rows.length * 2
    while (n < min) n *= 2
    const rows = new Uint32Array(n)
    rows.set(this.rows)
    this.rows = rows
    const inArea = new Uint8Array(n)
    inArea.set(this.inArea)
    this.inArea = inArea
    const priority = new Float32Array(n)
    priority.set(this.priority)
    this.priority = priority
    const fresh = new Uint32Array(n)
    fresh.set(this.fresh)
    this.fresh = fresh
    const lastQ = new Float64Array(n * this.qSlots)
    lastQ.set(this.lastQ)
    this.lastQ = lastQ
    const entities = new Int32Array(n)
    entities.set(this.entities)
    this.entities = entities
    const pending = new Uint32Array(n * this.tableCount)
    pending.set(this.pending)
    this.pending = pending
  }
}
