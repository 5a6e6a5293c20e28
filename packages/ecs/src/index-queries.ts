import type { Entity } from './entity.js'
import { EcsError } from './errors.js'
import { type FieldType, INVALID, type NumericColumn, toStored } from './schema.js'
import type { SortKey } from './sorted-index.js'
import type { ComponentStore } from './store.js'

function noIndex(s: ComponentStore, field: string, kind: string): never {
  throw new EcsError('ERR_NO_INDEX', `${s.component.name}.${field} has no ${kind} index`)
}

/** The stored form of a lookup value (booleans to 0/1), or INVALID when it cannot match. */
function key(s: ComponentStore, f: number, value: unknown): unknown {
  return toStored(s.types[f] as FieldType, value)
}

/** The entity whose unique-indexed `field` equals `value`. @throws EcsError ERR_UNKNOWN_FIELD, ERR_NO_INDEX */
export function findUnique(s: ComponentStore, field: string, value: unknown): Entity | undefined {
  const f = s.field(field)
  const index = s.uniques[f] ?? noIndex(s, field, 'unique')
  const k = key(s, f, value)
  if (k === INVALID) return undefined
  const i = index.find(k)
  return i === undefined ? undefined : (s.owner[i] as Entity)
}

/** Entities with `min <= field <= max` in (value, entity index) order. @throws EcsError ERR_UNKNOWN_FIELD, ERR_NO_INDEX */
export function findSorted(s: ComponentStore, field: string, min: unknown, max: unknown): Entity[] {
  const f = s.field(field)
  const index = s.sorted[f] ?? noIndex(s, field, 'sorted')
  const out: Entity[] = []
  const lo = key(s, f, min)
  const hi = key(s, f, max)
  if (lo === INVALID || hi === INVALID) return out
  index.range(lo as SortKey, hi as SortKey, (i) => out.push(s.owner[i] as Entity))
  return out
}

const scratch: number[] = []

/**
 * Entities whose spatial (x, y) lies in the rectangle (r2 = +Infinity) or within sqrt(r2) of
 * (cx, cy): grid candidates, then the exact test. Clears and fills `out`.
 * @throws EcsError ERR_NO_INDEX
 */
export function spatialScan(
  s: ComponentStore,
  minX: number,
  minY: number,
  maxX: number,
  maxY: number,
  r2: number,
  cx: number,
  cy: number,
  out: Entity[],
): Entity[] {
  const grid = s.spatial ?? noIndex(s, '(x, y)', 'spatial')
  out.length = 0
  const rows = scratch
  rows.length = 0
  grid.candidates(minX, minY, maxX, maxY, rows)
  const xs = s.cols[s.spatialX] as NumericColumn
  const ys = s.cols[s.spatialY] as NumericColumn
  const circle = r2 !== Number.POSITIVE_INFINITY
  for (let k = 0; k < rows.length; k++) {
    const i = rows[k] as number
    const x = xs[i] as number
    const y = ys[i] as number
    const outside = circle
      ? (x - cx) * (x - cx) + (y - cy) * (y - cy) > r2
      : x < minX || x > maxX || y < minY || y > maxY
    if (!outside) out.push(s.owner[i] as Entity)
  }
  return out
}
