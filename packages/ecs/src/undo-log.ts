import { type Entity, entityVersion } from './entity.js'
import type { EntityPool } from './entity-pool.js'
import type { NumericColumn } from './schema.js'
import type { ComponentStore } from './store.js'
import { reindexRow, unindexRow } from './store-indexes.js'

// Hot paths use literals, not named constants: `e & 0x3fffff` is an entity's index (entity.ts
// INDEX_MASK), `>>> 6` / `<< 6` / 64 its undo-log page of 64 rows (store.ts PAGE_SHIFT, PAGE_SIZE).
// A bundler turns a module's top-level `const` into `var`, which V8 reloads on every use.

/** Entry kinds of the undo log. */
export const NOP = 0
export const PAGE = 1
export const CREATE = 2
export const CREATE_ID = 3
export const DESTROY = 4
export const ADD = 5
export const REMOVE = 6
/** Numbers per entry: the kind, then up to five operands. */
export const STRIDE = 6

/**
 * The undo log of a world: fixed-stride numeric entries in a `Float64Array` (no objects per
 * entry), plus the copied values of logged pages (numbers in a `Float64Array`, strings and json
 * values in a plain array).
 *
 * Entries: PAGE (store, page, previous page mark, offset of numbers, offset of values),
 * CREATE (index, from free list), CREATE_ID (index, previous version, previous next index,
 * previous free-list length), DESTROY (index, entity, pushed on free list), ADD and REMOVE
 * (store, index, previous owner).
 */
export class UndoLog {
  ops = new Float64Array(STRIDE * 256)
  opsLen = 0
  num = new Float64Array(4096)
  numLen = 0
  readonly obj: unknown[] = []

  /** Appends one entry. */
  append(kind: number, a: number, b: number, c: number, d: number, e: number): void {
    let ops = this.ops
    const at = this.opsLen
    if (at + STRIDE > ops.length) {
      ops = new Float64Array(ops.length * 2)
      ops.set(this.ops)
      this.ops = ops
    }
    ops[at] = kind
    ops[at + 1] = a
    ops[at + 2] = b
    ops[at + 3] = c
    ops[at + 4] = d
    ops[at + 5] = e
    this.opsLen = at + STRIDE
  }

  /** Copies the 64 rows of page `p` of `s` (every field) and appends a PAGE entry. */
  copyPage(s: ComponentStore, p: number, prevMark: number): void {
    const base = p << 6
    const numOff = this.numLen
    const need = numOff + s.numFields.length * 64
    if (need > this.num.length) {
      const next = new Float64Array(Math.max(need, this.num.length * 2))
      next.set(this.num)
      this.num = next
    }
    const num = this.num
    for (let q = 0; q < s.numFields.length; q++) {
      const col = s.cols[s.numFields[q] as number] as NumericColumn
      num.set(col.subarray(base, base + 64), numOff + q * 64)
    }
    this.numLen = need
    const objOff = this.obj.length
    for (let q = 0; q < s.objFields.length; q++) {
      const col = s.cols[s.objFields[q] as number] as unknown[]
      for (let r = 0; r < 64; r++) this.obj.push(col[base + r])
    }
    this.append(PAGE, s.id, p, prevMark, numOff, objOff)
  }

  /** Drops every entry and copied value after the given lengths. */
  truncate(opsLen: number, numLen: number, objLen: number): void {
    this.opsLen = opsLen
    this.numLen = numLen
    this.obj.length = objLen
  }

  /** Undoes the entries from `start` to the end, newest first (values, rows, entity ids). */
  undo(start: number, stores: readonly ComponentStore[], pool: EntityPool): void {
    const ops = this.ops
    for (let k = this.opsLen - STRIDE; k >= start; k -= STRIDE) {
      const a = ops[k + 1] as number
      const b = ops[k + 2] as number
      const c = ops[k + 3] as number
      switch (ops[k]) {
        case PAGE:
          this.restorePage(stores[a] as ComponentStore, b, c, ops[k + 4] as number, ops[k + 5] as number)
          break
        case ADD:
          ;(stores[a] as ComponentStore).detach(b)
          break
        case REMOVE:
          ;(stores[a] as ComponentStore).attach(b, c as Entity)
          break
        case CREATE:
          pool.ids[a] = 0
          pool.alive--
          if (b === 1) pool.free.push(a)
          else pool.nextIndex--
          break
        case CREATE_ID:
          pool.ids[a] = 0
          pool.alive--
          pool.versions[a] = b
          pool.nextIndex = c
          pool.free.length = ops[k + 4] as number
          break
        case DESTROY:
          if (c === 1) pool.free.pop()
          pool.versions[a] = entityVersion(b as Entity)
          pool.ids[a] = b
          pool.alive++
          break
      }
    }
  }

  private restorePage(s: ComponentStore, p: number, prevMark: number, numOff: number, objOff: number): void {
    const base = p << 6
    for (let q = 0; q < s.numFields.length; q++) {
      const col = s.cols[s.numFields[q] as number] as NumericColumn
      const at = numOff + q * 64
      col.set(this.num.subarray(at, at + 64), base)
    }
    for (let q = 0; q < s.objFields.length; q++) {
      const col = s.cols[s.objFields[q] as number] as unknown[]
      const at = objOff + q * 64
      for (let r = 0; r < 64; r++) col[base + r] = this.obj[at + r]
    }
    s.pageMark[p] = prevMark
  }

  /**
   * Brings the indexes of every row touched by entries `start..end` in line with the restored
   * rows: re-keys rows whose indexed value changed (a grid move within a cell is one compare),
   * adds re-attached rows, removes detached ones.
   */
  reindex(start: number, end: number, stores: readonly ComponentStore[]): void {
    const ops = this.ops
    for (let k = start; k < end; k += STRIDE) {
      const kind = ops[k]
      if (kind !== PAGE && kind !== ADD && kind !== REMOVE) continue
      const s = stores[ops[k + 1] as number] as ComponentStore
      if (!s.hasIndexes) continue
      const first = kind === PAGE ? (ops[k + 2] as number) << 6 : (ops[k + 2] as number)
      const last = kind === PAGE ? first + 64 : first + 1
      for (let i = first; i < last; i++) {
        if ((s.owner[i] as number) > 0) reindexRow(s, i)
        else unindexRow(s, i)
      }
    }
  }
}
