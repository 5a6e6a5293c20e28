const OFFSET = 2 ** 20
const SPAN = 2 ** 21

function cellCoord(v: number, inv: number): number {
  const c = Math.floor(v * inv)
  return c < -OFFSET ? -OFFSET : c >= OFFSET ? OFFSET - 1 : c
}

/**
 * A uniform spatial hash grid of rows by position: each row sits in the cell
 * `(floor(x / cellSize), floor(y / cellSize))`; moving within a cell costs one compare.
 *
 * @see https://www.gamedev.net/tutorials/programming/general-and-gameplay-programming/spatial-hashing-r2697/
 */
export class SpatialGrid {
  readonly cellSize: number
  private readonly inv: number
  private readonly cells = new Map<number, number[]>()
  private cellOf: Float64Array
  private slot: Int32Array

  constructor(cellSize: number, capacity: number) {
    this.cellSize = cellSize
    this.inv = 1 / cellSize
    this.cellOf = new Float64Array(capacity).fill(-1)
    this.slot = new Int32Array(capacity)
  }

  /** Grows the per-row arrays to `capacity` rows. */
  grow(capacity: number): void {
    const cellOf = new Float64Array(capacity).fill(-1)
    cellOf.set(this.cellOf)
    this.cellOf = cellOf
    const slot = new Int32Array(capacity)
    slot.set(this.slot)
    this.slot = slot
  }

  private keyAt(x: number, y: number): number {
    return (cellCoord(x, this.inv) + OFFSET) * SPAN + (cellCoord(y, this.inv) + OFFSET)
  }

  /** Whether `row` is in the grid. */
  has(row: number): boolean {
    return (this.cellOf[row] as number) >= 0
  }

  /** Puts `row` at (x, y) (no-op when already present). */
  add(row: number, x: number, y: number): void {
    if ((this.cellOf[row] as number) >= 0) return
    this.insert(row, this.keyAt(x, y))
  }

  private insert(row: number, key: number): void {
    let cell = this.cells.get(key)
    if (cell === undefined) {
      cell = []
      this.cells.set(key, cell)
    }
    this.slot[row] = cell.length
    cell.push(row)
    this.cellOf[row] = key
  }

  /** Moves `row` to (x, y); costs one compare when the cell does not change. */
  move(row: number, x: number, y: number): void {
    const key = this.keyAt(x, y)
    if (this.cellOf[row] === key) return
    this.remove(row)
    this.insert(row, key)
  }

  /** Removes `row` (no-op when absent). */
  remove(row: number): void {
    const key = this.cellOf[row] as number
    if (key < 0) return
    const cell = this.cells.get(key) as number[]
    const at = this.slot[row] as number
    const last = cell.pop() as number
    if (last !== row) {
      cell[at] = last
      this.slot[last] = at
    }
    if (cell.length === 0) this.cells.delete(key)
    this.cellOf[row] = -1
  }

  /** Appends to `out` every row in a cell overlapping the rectangle (candidates, not yet filtered). */
  candidates(minX: number, minY: number, maxX: number, maxY: number, out: number[]): void {
    const cx0 = cellCoord(minX, this.inv)
    const cx1 = cellCoord(maxX, this.inv)
    const cy0 = cellCoord(minY, this.inv)
    const cy1 = cellCoord(maxY, this.inv)
    if (cx1 < cx0 || cy1 < cy0) return
    const area = (cx1 - cx0 + 1) * (cy1 - cy0 + 1)
    if (area > this.cells.size * 2) {
      for (const [key, cell] of this.cells) {
        const cx = Math.floor(key / SPAN) - OFFSET
        const cy = (key % SPAN) - OFFSET
        if (cx >= cx0 && cx <= cx1 && cy >= cy0 && cy <= cy1) for (const row of cell) out.push(row)
      }
      return
    }
    for (let cx = cx0; cx <= cx1; cx++) {
      const base = (cx + OFFSET) * SPAN
      for (let cy = cy0; cy <= cy1; cy++) {
        const cell = this.cells.get(base + cy + OFFSET)
        if (cell !== undefined) for (let k = 0; k < cell.length; k++) out.push(cell[k] as number)
      }
    }
  }
}
