import type { Entity } from '@orrery/ecs'
import type { Sink } from './scratch-list.js'

/**
 * Entities bucketed by integer cell key, in typed arrays: an open-addressing hash from key to cell, and
 * per cell a linked list of entries. Cleared in O(1) per flush (slots are valid by stamp); nothing is
 * allocated per entry once the arrays have grown to a flush's size.
 */
export class CellLists {
  private slotKeys = new Float64Array(256)
  private slotCells = new Int32Array(256)
  private slotStamps = new Int32Array(256)
  private stamp = 1
  private heads = new Int32Array(64)
  private cellKeys = new Float64Array(64)
  private next = new Int32Array(256)
  private entities = new Int32Array(256)
  /** Cells used since the last {@link CellLists.clear}. */
  cellCount = 0
  /** Entries added since the last {@link CellLists.clear}. */
  size = 0

  /** Empties every cell. */
  clear(): void {
    this.stamp++
    if (this.stamp === 0x7fffffff) {
      this.slotStamps.fill(0)
      this.stamp = 1
    }
    this.cellCount = 0
    this.size = 0
  }

  /** Adds an entity to the cell of `key` (an integer). */
  add(key: number, e: Entity): void {
    let c = this.cellOf(key)
    if (c < 0) c = this.newCell(key)
    const n = this.size
    if (n >= this.entities.length) this.growEntries()
    this.entities[n] = e
    this.next[n] = this.heads[c] as number
    this.heads[c] = n
    this.size = n + 1
  }

  /** Appends the entities of the cell of `key` to `out`. */
  appendCell(key: number, out: Sink<Entity>): void {
    const c = this.cellOf(key)
    if (c < 0) return
    for (let k = this.heads[c] as number; k >= 0; k = this.next[k] as number) out.push(this.entities[k] as Entity)
  }

  /** Appends every entry to `out` (an entity added to two cells appears twice). */
  appendAll(out: Sink<Entity>): void {
    for (let k = 0; k < this.size; k++) out.push(this.entities[k] as Entity)
  }

  private slotOf(key: number): number {
    const mask = this.slotKeys.length - 1
    return Math.imul((key | 0) ^ ((key / 4294967296) | 0), 0x9e3779b1) & mask
  }

  private cellOf(key: number): number {
    const mask = this.slotKeys.length - 1
    for (let s = this.slotOf(key); ; s = (s + 1) & mask) {
      if (this.slotStamps[s] !== this.stamp) return -1
      if (this.slotKeys[s] === key) return this.slotCells[s] as number
    }
  }

  private newCell(key: number): number {
    if (2 * (this.cellCount + 1) > this.slotKeys.length) this.growSlots()
    const c = this.cellCount++
    if (c >= this.heads.length) {
      const heads = new Int32Array(this.heads.length * 2)
      heads.set(this.heads)
      this.heads = heads
      const keys = new Float64Array(this.cellKeys.length * 2)
      keys.set(this.cellKeys)
      this.cellKeys = keys
    }
    this.heads[c] = -1
    this.cellKeys[c] = key
    this.place(key, c)
    return c
  }

  private place(key: number, c: number): void {
    const mask = this.slotKeys.length - 1
    let s = this.slotOf(key)
    while (this.slotStamps[s] === this.stamp) s = (s + 1) & mask
    this.slotStamps[s] = this.stamp
    this.slotKeys[s] = key
    this.slotCells[s] = c
  }

  private growSlots(): void {
    const n = this.slotKeys.length * 2
    this.slotKeys = new Float64Array(n)
    this.slotCells = new Int32Array(n)
    this.slotStamps = new Int32Array(n)
    for (let c = 0; c < this.cellCount; c++) this.place(this.cellKeys[c] as number, c)
  }

  private growEntries(): void {
    const n = this.entities.length * 2
    const entities = new Int32Array(n)
    entities.set(this.entities)
    this.entities = entities
    const next = new Int32Array(n)
    next.set(this.next)
    this.next = next
  }
}
