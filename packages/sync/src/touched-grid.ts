import { type Entity, entityIndex, type Field, type World } from '@orrery/ecs'
import type { WirePlan } from './wire-plan.js'

/**
 * The entities a flush window touched (a row inserted or updated in any replicated table) that have a
 * position, bucketed by a coarse grid of their current position and of their position at the previous
 * flush (so an entity that jumped out of a client's area is still found in that area's cells). Built once
 * per flush; each client then looks only at the cells its area covers, so a client pays for what changed
 * near it, not for its whole view and not for the whole world.
 */
export class TouchedGrid {
  private readonly cells = new Map<number, Entity[]>()
  private readonly used: Entity[][] = []
  /** Per entity index: the stamp of the last flush that touched it (touched this flush when equal to `stamp`). */
  seen = new Int32Array(1024)
  stamp = 0
  /**
   * Position of each entity index at the flush that last touched it (valid where `known` is 1): for an entity
   * touched this flush, its current position.
   */
  lastX = new Float64Array(1024)
  lastY = new Float64Array(1024)
  known = new Uint8Array(1024)
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
   * @param lists - entity lists of the window (inserts, updates and deletes of every table)
   */
  load(world: World, x: Field<number>, y: Field<number>, lists: readonly (readonly Entity[])[]): void {
    for (const list of this.used) list.length = 0
    this.used.length = 0
    if (this.cells.size > 4096) this.cells.clear()
    const stamp = ++this.stamp
    const component = this.plan.component
    for (const list of lists) {
      for (let k = 0; k < list.length; k++) {
        const e = list[k] as Entity
        const i = entityIndex(e)
        if (i >= this.seen.length) this.growSeen(i)
        if (this.seen[i] === stamp) continue
        this.seen[i] = stamp
        const had = this.known[i] === 1
        const before = had ? this.key(this.lastX[i] as number, this.lastY[i] as number) : Number.NaN
        if (!world.isAlive(e) || !world.has(e, component)) {
          // Gone from the table: found where it was, so a client that saw it there drops it.
          this.known[i] = 0
          if (had) this.add(before, e)
          continue
        }
        const px = x.get(e)
        const py = y.get(e)
        const key = this.key(px, py)
        this.add(key, e)
        if (had && before !== key) this.add(before, e)
        this.lastX[i] = px
        this.lastY[i] = py
        this.known[i] = 1
      }
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
  collect(minX: number, minY: number, maxX: number, maxY: number, out: Entity[]): void {
    if (this.used.length === 0) return
    const x0 = Math.floor(minX * this.inv)
    const x1 = Math.floor(maxX * this.inv)
    const y0 = Math.floor(minY * this.inv)
    const y1 = Math.floor(maxY * this.inv)
    if ((x1 - x0 + 1) * (y1 - y0 + 1) > this.used.length * 4) {
      // A huge area: walking the touched entities beats walking empty cells.
      for (const cell of this.used) for (const e of cell) out.push(e)
      return
    }
    for (let cx = x0; cx <= x1; cx++) {
      for (let cy = y0; cy <= y1; cy++) {
        const cell = this.cells.get(cellKey(cx, cy))
        if (cell !== undefined) for (let k = 0; k < cell.length; k++) out.push(cell[k] as Entity)
      }
    }
  }

  private add(key: number, e: Entity): void {
    let cell = this.cells.get(key)
    if (cell === undefined) this.cells.set(key, (cell = []))
    if (cell.length === 0) this.used.push(cell)
    cell.push(e)
  }

  private key(x: number, y: number): number {
    return cellKey(Math.floor(x * this.inv), Math.floor(y * this.inv))
  }

  private growSeen(i: number): void {
    let n = this.seen.length * 2
    while (n <= i) n *= 2
    const seen = new Int32Array(n)
    seen.set(this.seen)
    this.seen = seen
    const lastX = new Float64Array(n)
    lastX.set(this.lastX)
    this.lastX = lastX
    const lastY = new Float64Array(n)
    lastY.set(this.lastY)
    this.lastY = lastY
    const known = new Uint8Array(n)
    known.set(this.known)
    this.known = known
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
