/**
 * A generational entity id: an index (low 22 bits) and a version (the bits above), packed in a safe integer.
 *
 * Index 0 is never used, so `0` means "no entity" in `'entity'` fields. A destroyed
 * entity's index is recycled with a higher version, so a stale id never aliases a new one.
 *
 * @example
 * ```ts
 * const e: Entity = world.create()
 * entityIndex(e) // 1
 * ```
 */
export type Entity = number & { readonly __entity: unique symbol }

/** Number of bits holding the index. */
export const INDEX_BITS = 22
/** Mask that extracts the index from an entity id (`e & INDEX_MASK`). */
export const INDEX_MASK = 0x3fffff
/** One version step in the packed id. */
export const VERSION_STEP = 2 ** INDEX_BITS
/** Highest version before an index is retired (keeps ids below 2^53). */
export const MAX_VERSION = 2 ** (53 - INDEX_BITS) - 1
/** Most indexes a world can hold at once. */
export const MAX_INDEX = INDEX_MASK

/**
 * The index part of an entity id (its slot in every column).
 *
 * @param e - an entity id
 * @returns the index, 1..4,194,303 for a valid id
 * @example
 * ```ts
 * entityIndex(world.create()) // 1
 * ```
 */
export function entityIndex(e: Entity): number {
  return e & INDEX_MASK
}

/**
 * The version part of an entity id (how many times its index was recycled).
 *
 * @param e - an entity id
 * @returns the version, 0 for an index used the first time
 * @example
 * ```ts
 * entityVersion(world.create()) // 0
 * ```
 */
export function entityVersion(e: Entity): number {
  return Math.floor(e / VERSION_STEP)
}

/**
 * Packs an index and a version into an entity id.
 *
 * @param index - 1..{@link MAX_INDEX}
 * @param version - 0..{@link MAX_VERSION}
 * @returns the entity id
 * @example
 * ```ts
 * makeEntity(5, 1) // 4194309
 * ```
 */
export function makeEntity(index: number, version: number): Entity {
  const e = version * VERSION_STEP + index
  // Keep ids below 2^31 small integers (V8 Smis), never boxed doubles.
  return (e < 0x80000000 ? e | 0 : e) as Entity
}
