import { type Entity, entityIndex, type Field, type World } from '@orrery/ecs'
import { CellLists } from './cell-lists.js'
import type { Sink } from './scratch-list.js'
import { capacityFor, grown } from './typed-growth.js'
import type { WirePlan } from './wire-plan.js'
import { empty } from './update-draft.js'

/**
 * The entities a flush window touched (a row inserted or updated in any replicated table) that have a
 * position, bucketed by a coarse grid of their current position and of their position at the previous
 * flush (so an entity that jumped out of a client's area is still found in that area's cells). Built once
 * per flush; each client then looks only at the cells its area covers, so a client pays for what changed
 * near it, not for its whole view and not for the whole world.
 */
export class TouchedGrid {
  private readonly cells = new CellLists()
  /** Per entity index: the stamp of the last flush that touched it (touched this flush when equal to `stamp`). */
  seen = new Int32Array(1024)
  /** Per entity index: the entity it was touched as (an index may serve a destroyed entity and a new one in one window). */
  private seenEntity = new Int32Array(1024)
  stamp = 0
  /**
   * Position of each entity index at the flush that last touched it (valid where `known` is 1): for an entity
   * touched this flush, its current position.
   */
  lastX = new Float64Array(1024)
  lastY = new Float64Array(1024)
  known = new Uint8Array(1024)
  /** Cell key of each entity index at the flush that last touched it (valid where `known` is 1). */
  private lastKey = new Float64Array(1024)
  /** Entities of the window gone from the table that the grid had never placed (a client may hold them anywhere). */
  readonly unplaced: Entity[] = []
  /**
   * Entities of the window with a position whose position at the last flush the grid does not know: they
   * were in the table before this grid saw them (a replicator created over a restored world). A client may
   * hold them anywhere, so each client looks at them once.
   */
  readonly unknownFrom: Entity[] = []
  private readonly inv: number

  /**
   * @param plan - the position table's plan (it has a spatial index)
   * @param cellSize - grid cell edge, world units
   */
  constructor(
    readonly plan: WirePlan,
    readonly cellSize: number,
  ) {
    this.inv = 1 / cellSize
  }

  /**
   * Rebuilds the grid for a window.
   *
   * @param world - the server world (positions are read now)
   * @param x - accessor of the position's x field
   * @param y - accessor of the position's y field
   * @param deletes - per table, the entities of the window's deleted rows; placed first (so that an entity
   *   destroyed and another created at its index in one window are both placed: the first where it was, the
   *   second where it is)
   * @param inserts - per table, the entities of the window's inserted rows
   * @param updates - per table, the entities of the window's updated rows
   */
  load(
    world: World,
    x: Field<number>,
    y: Field<number>,
    deletes: readonly (readonly Entity[])[],
    inserts: readonly (readonly Entity[])[],
    updates: readonly (readonly Entity[])[],
  ): void {
    this.cells.clear()
    empty(this.unplaced)
    empty(this.unknownFrom)
    const stamp = ++this.stamp
    const own = this.plan.tableId
    for (let t = 0; t < deletes.length; t++) this.place(world, x, y, deletes[t] as readonly Entity[], stamp, false, false)
    // The position table's inserted and updated rows exist now: no need to ask the world.
    for (let t = 0; t < inserts.length; t++) this.place(world, x, y, inserts[t] as readonly Entity[], stamp, t === own, t === own)
    for (let t = 0; t < updates.length; t++) this.place(world, x, y, updates[t] as readonly Entity[], stamp, t === own, false)
  }

  /**
   * @param present - the rows are of the position table and exist now
   * @param inserted - the rows were inserted into the position table this window (they had no position before)
   */
  private place(
    world: World,
    x: Field<number>,
    y: Field<number>,
    list: readonly Entity[],
    stamp: number,
    present: boolean,
    inserted: boolean,
  ): void {
    const component = this.plan.component
    const cells = this.cells
    for (let k = 0; k < list.length; k++) {
      const e = list[k] as Entity
      const i = entityIndex(e)
      if (i >= this.seen.length) this.growSeen(i)
      if (this.seen[i] === stamp && this.seenEntity[i] === e) continue
      this.seen[i] = stamp
      this.seenEntity[i] = e
      const had = this.known[i] === 1
      const before = had ? (this.lastKey[i] as number) : Number.NaN
      if (!present && (!world.isAlive(e) || !world.has(e, component))) {
        // Gone from the table: found where it was, so a client that saw it there drops it.
        this.known[i] = 0
        if (had) cells.add(before, e)
        else this.unplaced.push(e)
        continue
      }
      const px = x.get(e)
      const py = y.get(e)
      const key = this.key(px, py)
      cells.add(key, e)
      if (had && before !== key) cells.add(before, e)
      else if (!had && !inserted) this.unknownFrom.push(e)
      this.lastX[i] = px
      this.lastY[i] = py
      this.lastKey[i] = key
      this.known[i] = 1
    }
  }

  /**
   * Appends the touched entities of every cell overlapping a rectangle (cells, so some lie outside it).
   *
   * @param minX - world units
   * @param minY - world units
   * @param maxX - world units
   * @param maxY - world units
   * @param out - filled (not cleared)
   */
  collect(minX: number, minY: number, maxX: number, maxY: number, out: Sink<Entity>): void {
    const cells = this.cells
    if (cells.size === 0) return
    const x0 = Math.floor(minX * this.inv)
    const x1 = Math.floor(maxX * this.inv)
    const y0 = Math.floor(minY * this.inv)
    const y1 = Math.floor(maxY * this.inv)
    if ((x1 - x0 + 1) * (y1 - y0 + 1) > cells.cellCount * 4) {
      // A huge area: walking the touched entities beats walking empty cells.
      cells.appendAll(out)
      return
    }
    for (let cx = x0; cx <= x1; cx++) for (let cy = y0; cy <= y1; cy++) cells.appendCell(cellKey(cx, cy), out)
  }

  private key(x: number, y: number): number {
    return cellKey(Math.floor(x * this.inv), Math.floor(y * this.inv))
  }

  private growSeen(i: number): void {
    const n = capacityFor(this.seen.length, i)
    this.seen = grown(this.seen, n)
    this.seenEntity = grown(this.seenEntity, n)
    this.lastX = grown(this.lastX, n)
    this.lastY = grown(this.lastY, n)
    this.known = grown(this.known, n)
    this.lastKey = grown(this.lastKey, n)
  }

}

const OFFSET = 2 ** 20
const SPAN = 2 ** 21
/** Cells with both coordinates in [-NEAR, NEAR) get small-integer keys (below 2^30, no heap numbers). */
const NEAR = 2 ** 14
const NEAR_SPAN = 2 ** 15
const FAR = 2 ** 30

function cellKey(cx: number, cy: number): number {
  if (cx >= -NEAR && cx < NEAR && cy >= -NEAR && cy < NEAR) return (cx + NEAR) * NEAR_SPAN + (cy + NEAR)
  const x = Math.max(-OFFSET, Math.min(OFFSET - 1, Number.isFinite(cx) ? cx : 0))
  const y = Math.max(-OFFSET, Math.min(OFFSET - 1, Number.isFinite(cy) ? cy : 0))
  return FAR + (x + OFFSET) * SPAN + (y + OFFSET)
}
