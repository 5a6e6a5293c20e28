import type { Entity } from '@orrery/ecs'

/**
 * A map from entity to a small non-negative integer (a client's handle), as plain data: an open-addressing
 * hash with linear probing in two typed arrays, sized to what it holds (not to the world), so it costs no
 * allocation per entry and copies with the structured-clone algorithm (a saved client state). A key of 0
 * marks an empty slot: entity ids are positive.
 */
export interface EntityHash {
  /** The entity in each slot, 0 where empty; the length is a power of two. */
  keys: Int32Array
  /** The value in each slot. */
  values: Int32Array
  /** Entries held. */
  size: number
}

/** An empty map with room for `capacity` entries before it grows. */
export function entityHash(capacity = 64): EntityHash {
  let n = 16
  while (n < 2 * capacity) n *= 2
  return { keys: new Int32Array(n), values: new Int32Array(n), size: 0 }
}

/** The home slot of `e`: Fibonacci hashing, the product's top bits (a table of `mask + 1` slots, a power of two). */
function slotOf(e: number, mask: number): number {
  return Math.imul(e, 0x9e3779b1) >>> Math.clz32(mask)
}

/**
 * The value of `e`, or undefined. The empty-slot test comes first: 0 (no entity, as in a released handle's
 * entry) is never found, even where an empty slot keeps the value of a deleted entry.
 */
export function hashGet(map: EntityHash, e: Entity): number | undefined {
  const keys = map.keys
  const mask = keys.length - 1
  for (let s = slotOf(e, mask); ; s = (s + 1) & mask) {
    const k = keys[s] as number
    if (k === 0) return undefined
    if (k === e) return map.values[s] as number
  }
}

/** Sets the value of `e` (> 0). */
export function hashSet(map: EntityHash, e: Entity, value: number): void {
  if (2 * (map.size + 1) > map.keys.length) rehash(map, map.keys.length * 2)
  const keys = map.keys
  const mask = keys.length - 1
  for (let s = slotOf(e, mask); ; s = (s + 1) & mask) {
    const k = keys[s] as number
    if (k === e) {
      map.values[s] = value
      return
    }
    if (k === 0) {
      keys[s] = e
      map.values[s] = value
      map.size++
      return
    }
  }
}

/** Removes `e` if present (backward-shift deletion: no tombstones, so lookups stay short). */
export function hashDelete(map: EntityHash, e: Entity): void {
  const keys = map.keys
  const values = map.values
  const mask = keys.length - 1
  let s = slotOf(e, mask)
  for (; ; s = (s + 1) & mask) {
    const k = keys[s] as number
    if (k === 0) return
    if (k === e) break
  }
  map.size--
  // Move later entries of the probe run back into the hole when their home slot allows it.
  for (let hole = s, t = (s + 1) & mask; ; t = (t + 1) & mask) {
    const k = keys[t] as number
    if (k === 0) {
      keys[hole] = 0
      return
    }
    const home = slotOf(k, mask)
    // The entry at t may fill the hole when its home is not in the cyclic range (hole, t].
    const between = hole <= t ? home > hole && home <= t : home > hole || home <= t
    if (!between) {
      keys[hole] = k
      values[hole] = values[t] as number
      hole = t
    }
  }
}

function rehash(map: EntityHash, n: number): void {
  const { keys, values } = map
  map.keys = new Int32Array(n)
  map.values = new Int32Array(n)
  map.size = 0
  for (let s = 0; s < keys.length; s++) {
    const k = keys[s] as number
    if (k !== 0) hashSet(map, k as Entity, values[s] as number)
  }
}
