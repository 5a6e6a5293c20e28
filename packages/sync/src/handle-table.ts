import { type Entity, entityIndex } from '@orrery/ecs'
import { grown } from './typed-growth.js'
import { type EntityHash, entityHash, hashDelete, hashGet, hashSet } from './entity-hash.js'
import type { Sink } from './scratch-list.js'
import { empty } from './update-draft.js'


/** Sets or clears bit `i`, growing the set when needed; returns the (possibly new) set. */
function setBit(bits: Uint32Array, i: number, on: boolean): Uint32Array {
  const word = i >>> 5
  if (word >= bits.length) {
    if (!on) return bits
    bits = grown(bits, Math.max(word + 1, bits.length * 2))
  }
  bits[word] = on ? ((bits[word] as number) | (1 << (i & 31))) >>> 0 : ((bits[word] as number) & ~(1 << (i & 31))) >>> 0
  return bits
}

/** Handles 1…63 are one msgpack byte (positive fixint): the range kept for frequent entities. */
export const FREQUENT_HANDLES = 63

/**
 * The per-client handles of the server: a small integer per entity in the client's view, bound when the
 * entity enters and released when its last row leaves, so update rows name entities in one or two bytes
 * instead of a 31-bit id. Released handles are reused (LIFO), so handles stay below the view's peak size.
 * Per handle it keeps which tables' rows the client holds, whether an area holds the entity, the changed-field
 * masks that wait for a later tick (with a list of them, so a flush visits only rows that changed), their
 * priority, and the last quantized value sent of each quantized field.
 */
export class HandleTable {
  /** Highest handle ever bound (loops run 1..top). */
  top = 0
  rows: Uint32Array
  inArea: Uint8Array
  priority: Float32Array
  /** Last quantized value sent, at `handle * qSlots + slot`. */
  lastQ: Float64Array
  /** Last step of each predicted field (`q − q_before` of its last update, 0 after an insert), at `handle * qSlots + slot`. */
  lastD: Float64Array
  /** The flush stamp at which an area pass last looked at the handle. */
  seen: Int32Array
  /** Handles whose entity moved while in an area (checked for leaving each flush), with a flag per handle. */
  readonly movers: number[] = []
  private mover: Uint8Array
  private prunes = 0
  /** Per handle, the tables whose row the update being collected inserts. */
  private fresh: Uint32Array
  private readonly freshList: number[] = []
  private entities: Int32Array
  private pending: Uint32Array
  private listed: Uint8Array
  /** `[handle, table, ...]` rows whose waiting mask was non-zero when listed (entries may have gone stale). */
  private pendingList: number[] = []
  /** The list handed out by the last {@link HandleTable.takePendingList}, reused for the next one. */
  private spareList: number[] = []
  /** One bit per entity index: the entity is in one of the client's areas (a hint; the map decides). */
  private areaBits: Uint32Array = new Uint32Array(1024)
  /** One bit per entity index: the entity is one of the movers. */
  private moverBits: Uint32Array = new Uint32Array(1024)
  /** One bit per entity index: an entity of that index has a handle (a hint that saves most map lookups). */
  private boundBits: Uint32Array = new Uint32Array(1024)
  /** Each bound entity's handle. */
  private byEntity: EntityHash = entityHash()
  private readonly free: number[] = []
  /** Free handles of the frequent range (1…{@link FREQUENT_HANDLES}), when the range is kept. */
  private readonly freeFrequent: number[] = []
  /** Next never-bound handle of the frequent range. */
  private nextFrequent = 1
  private readonly maybeEmpty: number[] = []
  /** `[handle, table, ...]` rows removed while the client could not be sent to. */
  private readonly deletedLater: number[] = []

  /**
   * @param tableCount - number of replicated tables (≤ 32)
   * @param qSlots - quantized fields over every table
   * @param keepFrequent - keep handles 1…{@link FREQUENT_HANDLES} for entities bound as frequent
   */
  constructor(
    private readonly tableCount: number,
    readonly qSlots: number,
    private readonly keepFrequent = false,
  ) {
    if (keepFrequent) this.top = FREQUENT_HANDLES
    const n = 64
    this.rows = new Uint32Array(n)
    this.inArea = new Uint8Array(n)
    this.priority = new Float32Array(n)
    this.seen = new Int32Array(n)
    this.mover = new Uint8Array(n)
    this.fresh = new Uint32Array(n)
    this.lastQ = new Float64Array(n * qSlots)
    this.lastD = new Float64Array(n * qSlots)
    this.entities = new Int32Array(n)
    this.pending = new Uint32Array(n * tableCount)
    this.listed = new Uint8Array(n * tableCount)
  }

  /** Number of bound handles. */
  get size(): number {
    return this.byEntity.size
  }

  /** The handle of an entity in the view, or undefined. */
  handleOf(e: Entity): number | undefined {
    const i = entityIndex(e)
    if (i >>> 5 >= this.boundBits.length || ((this.boundBits[i >>> 5] as number) & (1 << (i & 31))) === 0) return undefined
    return hashGet(this.byEntity, e)
  }

  /** The entity a handle is bound to. */
  entityOf(h: number): Entity {
    return this.entities[h] as Entity
  }

  /** Whether an area may hold the entity: false means it surely does not (no map lookup needed). */
  maybeInArea(e: Entity): boolean {
    const i = entityIndex(e)
    return i >>> 5 < this.areaBits.length && ((this.areaBits[i >>> 5] as number) & (1 << (i & 31))) !== 0
  }

  /** Marks whether an area holds the handle's entity. */
  setInArea(h: number, on: boolean): void {
    this.inArea[h] = on ? 1 : 0
    this.areaBits = setBit(this.areaBits, entityIndex(this.entities[h] as Entity), on)
    if (!on && this.mover[h] === 1) {
      // Leaving the areas ends being a mover; the list entry goes at the next prune.
      this.moverBits = setBit(this.moverBits, entityIndex(this.entities[h] as Entity), false)
    }
  }

  /** Whether the entity is one of the movers. */
  isMover(e: Entity): boolean {
    const i = entityIndex(e)
    return i >>> 5 < this.moverBits.length && ((this.moverBits[i >>> 5] as number) & (1 << (i & 31))) !== 0
  }

  /** Adds a handle to the movers (no-op when listed). */
  markMover(h: number): void {
    if (this.mover[h] !== 1) {
      this.mover[h] = 1
      this.movers.push(h)
    }
    this.moverBits = setBit(this.moverBits, entityIndex(this.entities[h] as Entity), true)
  }

  /** Drops movers that are no longer in an area, in place (every 16th call, or when the list outgrew the view). */
  pruneMovers(): void {
    if ((++this.prunes & 15) !== 0 && this.movers.length <= 2 * this.byEntity.size + 64) return
    let kept = 0
    for (const h of this.movers) {
      if (this.inArea[h] === 1) this.movers[kept++] = h
      else this.dropMover(h)
    }
    if (kept !== this.movers.length) this.movers.length = kept
  }

  private dropMover(h: number): void {
    this.mover[h] = 0
    this.moverBits = setBit(this.moverBits, entityIndex(this.entities[h] as Entity), false)
  }

  /**
   * Binds a handle to an entity and records the binding for the update.
   *
   * @param e - an entity without a handle
   * @param binds - the update's `[handle, entity, ...]` list
   * @param frequent - the entity is expected to change nearly every tick: when the table keeps the frequent
   *   range, it gets a handle from it while one is free (one byte on the wire, and small gaps between movers)
   * @returns the handle
   */
  bind(e: Entity, binds: Sink<number>, frequent = false): number {
    const h = this.takeHandle(frequent)
    if (h >= this.rows.length) this.grow(h + 1)
    this.entities[h] = e
    this.rows[h] = 0
    this.inArea[h] = 0
    this.priority[h] = 0
    hashSet(this.byEntity, e, h)
    this.boundBits = setBit(this.boundBits, entityIndex(e), true)
    this.maybeEmpty.push(h)
    binds.push(h)
    binds.push(e)
    return h
  }

  /** Marks the row of table `t` held. */
  addRow(h: number, t: number): void {
    this.rows[h] = ((this.rows[h] as number) | (1 << t)) >>> 0
    this.pending[h * this.tableCount + t] = 0
  }

  /** Records that the update being collected inserts the row of table `t` (its changes of this window are in the insert). */
  markFresh(h: number, t: number): void {
    if (this.fresh[h] === 0) this.freshList.push(h)
    this.fresh[h] = ((this.fresh[h] as number) | (1 << t)) >>> 0
  }

  /** Whether the update being collected inserts the row. */
  isFresh(h: number, t: number): boolean {
    return ((this.fresh[h] as number) & (1 << t)) !== 0
  }

  /** Forgets the fresh marks (at the end of a collect). */
  clearFresh(): void {
    for (const h of this.freshList) this.fresh[h] = 0
    empty(this.freshList)
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
  takeDeleted(deletes: readonly Sink<number>[]): void {
    for (let k = 0; k < this.deletedLater.length; k += 2) {
      ;(deletes[this.deletedLater[k + 1] as number] as Sink<number>).push(this.deletedLater[k] as number)
    }
    empty(this.deletedLater)
  }

  /**
   * Releases the handles whose entity has no row in the view any more.
   *
   * @param releases - the update's release list
   */
  releaseEmpty(releases: Sink<number>): void {
    for (const h of this.maybeEmpty) {
      if (this.rows[h] !== 0) continue
      const e = this.entities[h] as Entity
      if (hashGet(this.byEntity, e) !== h) continue
      if (this.inArea[h] === 1) this.setInArea(h, false)
      hashDelete(this.byEntity, e)
      this.boundBits = setBit(this.boundBits, entityIndex(e), false)
      this.entities[h] = 0
      if (this.keepFrequent && h <= FREQUENT_HANDLES) this.freeFrequent.push(h)
      else this.free.push(h)
      releases.push(h)
    }
    empty(this.maybeEmpty)
  }

  /** ORs changed fields into the waiting mask (listing the row when it had none); returns the new mask. */
  addPending(h: number, t: number, mask: number): number {
    const i = h * this.tableCount + t
    const next = ((this.pending[i] as number) | mask) >>> 0
    this.pending[i] = next
    if (next !== 0 && this.listed[i] === 0) {
      this.listed[i] = 1
      this.pendingList.push(h, t)
    }
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

  /**
   * Hands over the listed rows (`[handle, table, ...]`) and starts an empty list; rows still waiting after
   * this flush must be listed again with {@link HandleTable.relist}.
   */
  takePendingList(): number[] {
    const list = this.pendingList
    this.pendingList = this.spareList
    empty(this.pendingList)
    this.spareList = list
    for (let k = 0; k < list.length; k += 2) this.listed[(list[k] as number) * this.tableCount + (list[k + 1] as number)] = 0
    return list
  }

  /** Lists a row again when its mask is still waiting. */
  relist(h: number, t: number): void {
    const i = h * this.tableCount + t
    if (this.pending[i] !== 0 && this.listed[i] === 0) {
      this.listed[i] = 1
      this.pendingList.push(h, t)
    }
  }

  /**
   * Copies of the arrays that hold an entry (or one per quantized slot or table) for each handle, cut to the
   * handles up to `top`: a saved state need not carry the spare capacity. Given back to a new table, they
   * grow again as handles are bound.
   */
  usedArrays(): Record<string, Uint8Array | Uint32Array | Int32Array | Float32Array | Float64Array> {
    const n = this.top + 1
    return {
      rows: this.rows.slice(0, n),
      inArea: this.inArea.slice(0, n),
      priority: this.priority.slice(0, n),
      seen: this.seen.slice(0, n),
      mover: this.mover.slice(0, n),
      fresh: this.fresh.slice(0, n),
      entities: this.entities.slice(0, n),
      lastQ: this.lastQ.slice(0, n * this.qSlots),
      lastD: this.lastD.slice(0, n * this.qSlots),
      pending: this.pending.slice(0, n * this.tableCount),
      listed: this.listed.slice(0, n * this.tableCount),
    }
  }

  private takeHandle(frequent: boolean): number {
    if (frequent && this.keepFrequent) {
      const h = this.freeFrequent.pop()
      if (h !== undefined) return h
      if (this.nextFrequent <= FREQUENT_HANDLES) return this.nextFrequent++
    }
    return this.free.pop() ?? ++this.top
  }

  private grow(min: number): void {
    let n = this.rows.length * 2
    while (n < min) n *= 2
    this.rows = grown(this.rows, n)
    this.inArea = grown(this.inArea, n)
    this.priority = grown(this.priority, n)
    this.seen = grown(this.seen, n)
    this.mover = grown(this.mover, n)
    this.fresh = grown(this.fresh, n)
    this.lastQ = grown(this.lastQ, n * this.qSlots)
    this.lastD = grown(this.lastD, n * this.qSlots)
    this.entities = grown(this.entities, n)
    this.pending = grown(this.pending, n * this.tableCount)
    this.listed = grown(this.listed, n * this.tableCount)
  }
}
