/**
 * A unique hash index over one field: stored value → row (entity index).
 * Rows are added and removed by row, so the caller never has to remember old keys.
 */
export class UniqueIndex {
  private readonly byKey = new Map<unknown, number>()
  private readonly keyOf = new Map<number, unknown>()

  /** The row holding `key`, if any. */
  find(key: unknown): number | undefined {
    return this.byKey.get(key)
  }

  /** Whether writing `key` into `row` would collide with another row. */
  conflicts(row: number, key: unknown): boolean {
    const holder = this.byKey.get(key)
    return holder !== undefined && holder !== row
  }

  /** Indexes `row` under `key` (no-op when the row is already indexed). */
  add(row: number, key: unknown): void {
    if (this.keyOf.has(row)) return
    this.keyOf.set(row, key)
    this.byKey.set(key, row)
  }

  /** Removes `row` (no-op when absent). */
  remove(row: number): void {
    if (!this.keyOf.has(row)) return
    const key = this.keyOf.get(row)
    this.keyOf.delete(row)
    if (this.byKey.get(key) === row) this.byKey.delete(key)
  }

  /** Re-keys `row` only when its key differs (adds it when absent). */
  refresh(row: number, key: unknown): void {
    if (this.keyOf.has(row) && this.keyOf.get(row) === key) return
    this.update(row, key)
  }

  /** Re-keys `row` after a write. */
  update(row: number, key: unknown): void {
    this.remove(row)
    this.add(row, key)
  }

  /** Number of indexed rows. */
  get size(): number {
    return this.keyOf.size
  }
}
