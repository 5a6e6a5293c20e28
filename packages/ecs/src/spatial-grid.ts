const OFFSET = 2 ** 20
const SPAN = 2 ** 21
/** Cells with both coordinates in [-NEAR, NEAR) get small-integer keys (below 2^30, no heap numbers). */
const NEAR = 2 ** 14
const NEAR_SPAN = 2 ** 15
const FAR = 2 ** 30
/** The cell reference of a row that is in no cell. */
const NO_CELL: number[] = []

/** The map key of cell (cx, cy): a small integer near the origin, a larger number beyond. */
function cellKey(cx: number, cy: number): number {
  if (cx >= -NEAR && cx < NEAR && cy >= -NEAR && cy < NEAR) return (cx + NEAR) * NEAR_SPAN + (cy + NEAR)
  return FAR + (cx + OFFSET) * SPAN + (cy + OFFSET)
}

function keyX(key: number): number {
  return key < FAR ? Math.floor(key / NEAR_SPAN) - NEAR : Math.floor((key - FAR) / SPAN) - OFFSET
}

function keyY(key: number): number {
  return key < FAR ? (key % NEAR_SPAN) - NEAR : ((key - FAR) % SPAN) - OFFSET
}

function cellCoord(v: number, inv: number): number {
  const c = Math.floor(v * inv)
  // NaN and -Infinity land in the first cell, +Infinity in the last.
  return c >= -OFFSET ? (c < OFFSET ? c : OFFSET - 1) : -OFFSET
}

/**
 * A uniform spatial hash grid of rows by position: each row sits in the cell
 * `(floor(x / cellSize), floor(y / cellSize))`. Each row's cell coordinates are kept in typed
 * arrays, so a move within its cell costs a multiply, a floor and a compare per axis, and no map
 * lookup. Emptied cells stay in the map (no delete and re-create churn as rows cross a border)
 * until there are many more cells than rows.
 *
 * @see https://www.gamedev.net/tutorials/programming/general-and-gameplay-programming/spatial-hashing-r2697/
 */
export class SpatialGrid {
  readonly cellSize: number
  private readonly inv: number
  private readonly cells = new Map<number, number[]>()
  /** Rows in the grid. */
  private rows = 0
  /** Cell key of each row, -1 when absent. */
  private cellOf: Float64Array
  /** Cell coordinates of each row (valid when present). */
  private cellX: Int32Array
  private cellY: Int32Array
  /** Position of each row in its cell's array. */
  private slot: Int32Array
  /**
   * The cell array of each row (so leaving a cell needs no map lookup); filled to capacity, so that rows
   * of high indexes never turn it into a sparse (dictionary) array.
   */
  private cellRef: number[][]

  constructor(cellSize: number, capacity: number) {
    this.cellSize = cellSize
    this.inv = 1 / cellSize
    this.cellOf = new Float64Array(capacity).fill(-1)
    this.cellX = new Int32Array(capacity)
    this.cellY = new Int32Array(capacity)
    this.slot = new Int32Array(capacity)
    this.cellRef = new Array<number[]>(capacity).fill(NO_CELL)
  }

  /** Grows the per-row arrays to `capacity` rows. */
  grow(capacity: number): void {
    const cellOf = new Float64Array(capacity).fill(-1)
    cellOf.set(this.cellOf)
    this.cellOf = cellOf
    const cellX = new Int32Array(capacity)
    cellX.set(this.cellX)
    this.cellX = cellX
    const cellY = new Int32Array(capacity)
    cellY.set(this.cellY)
    this.cellY = cellY
    const slot = new Int32Array(capacity)
    slot.set(this.slot)
    this.slot = slot
    const cellRef = new Array<number[]>(capacity).fill(NO_CELL)
    for (let row = 0; row < this.cellRef.length; row++) cellRef[row] = this.cellRef[row] as number[]
    this.cellRef = cellRef
  }

  /** Whether `row` is in the grid. */
  has(row: number): boolean {
    return (this.cellOf[row] as number) >= 0
  }

  /** Puts `row` at (x, y) (no-op when already present). */
  add(row: number, x: number, y: number): void {
    if ((this.cellOf[row] as number) >= 0) return
    this.insert(row, cellCoord(x, this.inv), cellCoord(y, this.inv))
    this.rows++
  }

  private insert(row: number, cx: number, cy: number): void {
    const key = cellKey(cx, cy)
    let cell = this.cells.get(key)
    if (cell === undefined) {
      // Drop emptied cells only once they far outnumber the rows (bounded memory, no churn).
      if (this.cells.size > 4 * this.rows + 1024) {
        for (const [k, c] of this.cells) if (c.length === 0) this.cells.delete(k)
      }
      cell = []
      this.cells.set(key, cell)
    }
    this.slot[row] = cell.length
    cell.push(row)
    this.cellRef[row] = cell
    this.cellOf[row] = key
    this.cellX[row] = cx
    this.cellY[row] = cy
  }

  /** Takes `row` out of its cell's array (the row must be present). */
  private unlink(row: number): void {
    const cell = this.cellRef[row] as number[]
    const at = this.slot[row] as number
    const last = cell.pop() as number
    if (last !== row) {
      cell[at] = last
      this.slot[last] = at
    }
  }

  /** Moves `row` to (x, y), adding it when absent; a move within its cell is two compares. */
  move(row: number, x: number, y: number): void {
    const cx = cellCoord(x, this.inv)
    const cy = cellCoord(y, this.inv)
    if ((this.cellOf[row] as number) < 0) {
      this.insert(row, cx, cy)
      this.rows++
    } else if (cx !== this.cellX[row] || cy !== this.cellY[row]) {
      this.unlink(row)
      this.insert(row, cx, cy)
    }
  }

  /** After a write of the x coordinate of `row` (present rows only): re-buckets when its cell changed. */
  moveX(row: number, x: number): void {
    // The common case, inlined into the writer: the same cell (a multiply, a floor, a compare).
    if (Math.floor(x * this.inv) !== this.cellX[row]) this.rebucket(row, x, true)
  }

  /** After a write of the y coordinate of `row` (present rows only): re-buckets when its cell changed. */
  moveY(row: number, y: number): void {
    if (Math.floor(y * this.inv) !== this.cellY[row]) this.rebucket(row, y, false)
  }

  private rebucket(row: number, v: number, isX: boolean): void {
    if ((this.cellOf[row] as number) < 0) return
    const c = cellCoord(v, this.inv)
    const cx = isX ? c : (this.cellX[row] as number)
    const cy = isX ? (this.cellY[row] as number) : c
    // Out-of-range coordinates clamp to the border cell the row may already be in.
    if (cx === this.cellX[row] && cy === this.cellY[row]) return
    this.unlink(row)
    this.insert(row, cx, cy)
  }

  /** Removes `row` (no-op when absent). */
  remove(row: number): void {
    if ((this.cellOf[row] as number) < 0) return
    this.unlink(row)
    this.cellOf[row] = -1
    this.rows--
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
        const cx = keyX(key)
        const cy = keyY(key)
        if (cx >= cx0 && cx <= cx1 && cy >= cy0 && cy <= cy1) for (const row of cell) out.push(row)
      }
      return
    }
    for (let cx = cx0; cx <= cx1; cx++) {
      for (let cy = cy0; cy <= cy1; cy++) {
        const cell = this.cells.get(cellKey(cx, cy))
        if (cell !== undefined) for (let k = 0; k < cell.length; k++) out.push(cell[k] as number)
      }
    }
  }
}
