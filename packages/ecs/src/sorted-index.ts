/** A key of a sorted index: numbers (numeric, bool, entity fields) or strings. */
export type SortKey = number | string

interface Block {
  keys: SortKey[]
  rows: number[]
}

const MAX_BLOCK = 512

function less(k1: SortKey, r1: number, k2: SortKey, r2: number): boolean {
  return k1 < k2 || (k1 === k2 && r1 < r2)
}

/**
 * A multi-value sorted index over one field, ordered by (key, row): a one-level B+tree
 * (sorted blocks of at most 512 entries), so inserts and removes cost O(log n + 512)
 * and range scans walk blocks in order.
 *
 * @see https://en.wikipedia.org/wiki/B%2B_tree
 */
export class SortedIndex {
  private blocks: Block[] = []
  private readonly keyOf = new Map<number, SortKey>()

  /** Number of indexed rows. */
  get size(): number {
    return this.keyOf.size
  }

  /** First block whose last entry is >= (key, row); the last block when none is. */
  private blockFor(key: SortKey, row: number): number {
    const blocks = this.blocks
    let lo = 0
    let hi = blocks.length - 1
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      const b = blocks[mid] as Block
      const last = b.keys.length - 1
      if (less(b.keys[last] as SortKey, b.rows[last] as number, key, row)) lo = mid + 1
      else hi = mid
    }
    return lo
  }

  private static lowerBound(b: Block, key: SortKey, row: number): number {
    let lo = 0
    let hi = b.keys.length
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      if (less(b.keys[mid] as SortKey, b.rows[mid] as number, key, row)) lo = mid + 1
      else hi = mid
    }
    return lo
  }

  /** Indexes `row` under `key` (no-op when already indexed). */
  add(row: number, key: SortKey): void {
    if (this.keyOf.has(row)) return
    this.keyOf.set(row, key)
    if (this.blocks.length === 0) {
      this.blocks.push({ keys: [key], rows: [row] })
      return
    }
    const bi = this.blockFor(key, row)
    const b = this.blocks[bi] as Block
    const at = SortedIndex.lowerBound(b, key, row)
    b.keys.splice(at, 0, key)
    b.rows.splice(at, 0, row)
    if (b.keys.length > MAX_BLOCK) {
      const half = b.keys.length >>> 1
      this.blocks.splice(bi + 1, 0, { keys: b.keys.splice(half), rows: b.rows.splice(half) })
    }
  }

  /** Removes `row` (no-op when absent). */
  remove(row: number): void {
    const key = this.keyOf.get(row)
    if (key === undefined) return
    this.keyOf.delete(row)
    const bi = this.blockFor(key, row)
    const b = this.blocks[bi] as Block
    const at = SortedIndex.lowerBound(b, key, row)
    b.keys.splice(at, 1)
    b.rows.splice(at, 1)
    if (b.keys.length === 0) this.blocks.splice(bi, 1)
  }

  /** Re-keys `row` only when its key differs (adds it when absent). */
  refresh(row: number, key: SortKey): void {
    if (this.keyOf.has(row) && this.keyOf.get(row) === key) return
    this.update(row, key)
  }

  /** Re-keys `row` after a write. */
  update(row: number, key: SortKey): void {
    this.remove(row)
    this.add(row, key)
  }

  /** Calls `fn` for every row with `min <= key <= max`, in key order. */
  range(min: SortKey, max: SortKey, fn: (row: number) => void): void {
    const blocks = this.blocks
    if (blocks.length === 0) return
    let bi = this.blockFor(min, Number.NEGATIVE_INFINITY)
    let at = SortedIndex.lowerBound(blocks[bi] as Block, min, Number.NEGATIVE_INFINITY)
    for (; bi < blocks.length; bi++, at = 0) {
      const b = blocks[bi] as Block
      for (; at < b.keys.length; at++) {
        if ((b.keys[at] as SortKey) > max) return
        fn(b.rows[at] as number)
      }
    }
  }
}
