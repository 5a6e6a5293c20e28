import type { SortKey } from './sorted-index.js'
import type { NumericColumn } from './schema.js'
import type { ComponentStore } from './store.js'

// The indexes of a component store, kept up to date row by row: on insertion and deletion (store.ts)
// and after a rollback restored a row's values (undo-log.ts).

/** Adds row `i` of `s` to every index of `s` (no-op for indexes already holding it). */
export function indexRow(s: ComponentStore, i: number): void {
  const cols = s.cols
  for (let f = 0; f < cols.length; f++) {
    const v = (cols[f] as unknown[])[i]
    s.uniques[f]?.add(i, v)
    s.sorted[f]?.add(i, v as SortKey)
  }
  if (s.spatial !== undefined) {
    const x = (cols[s.spatialX] as NumericColumn)[i] as number
    const y = (cols[s.spatialY] as NumericColumn)[i] as number
    s.spatial.add(i, x, y)
  }
}

/** Re-keys row `i` of `s` in every index where its value changed (adds it where missing). */
export function reindexRow(s: ComponentStore, i: number): void {
  const cols = s.cols
  const keyed = s.keyedFields
  for (let k = 0; k < keyed.length; k++) {
    const f = keyed[k] as number
    const v = (cols[f] as unknown[])[i]
    s.uniques[f]?.refresh(i, v)
    s.sorted[f]?.refresh(i, v as SortKey)
  }
  if (s.spatial !== undefined) {
    const x = (cols[s.spatialX] as NumericColumn)[i] as number
    const y = (cols[s.spatialY] as NumericColumn)[i] as number
    if (s.spatial.has(i)) s.spatial.move(i, x, y)
    else s.spatial.add(i, x, y)
  }
}

/** Removes row `i` of `s` from every index of `s` (no-op for indexes not holding it). */
export function unindexRow(s: ComponentStore, i: number): void {
  for (let f = 0; f < s.cols.length; f++) {
    s.uniques[f]?.remove(i)
    s.sorted[f]?.remove(i)
  }
  s.spatial?.remove(i)
}
