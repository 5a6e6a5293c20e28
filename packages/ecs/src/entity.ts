/**
 * A generational entity id: an index (low 22 bits) and a version (the 9 bits above), packed in a
 * positive 31-bit integer, so every id is a small integer (a V8 Smi on Node; browsers with pointer
 * compression box the ids at or above 2^30): arrays of ids stay arrays of small integers,
 * `e & INDEX_MASK` is one instruction and an id is at most a 5-byte msgpack integer.
 *
 * Index 0 is never used, so `0` means "no entity" in `'entity'` fields. A destroyed
 * entity's index is recycled with the next version, so a stale id never aliases a new one; an
 * index whose version would pass {@link MAX_VERSION} is retired instead of wrapping around.
 *
 * @example
 * ```ts
 * const world = createWorld({ components: [], trackChanges: false })
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
/** Number of bits holding the version. */
export const VERSION_BITS = 9
/**
 * Highest version (511): an index destroyed at this version is retired, never reused, so ids stay
 * below 2^31 and a stale id never aliases a new one. A world can thus create
 * MAX_INDEX × 512 ≈ 2^31 entities over its lifetime.
 */
export const MAX_VERSION = 2 ** VERSION_BITS - 1
/** Most indexes a world can hold at once. */
export const MAX_INDEX = INDEX_MASK

/**
 * The index part of an entity id (its slot in every column).
 *
 * @param e - an entity id
 * @returns the index, 1..4,194,303 for a valid id
 * @example
 * ```ts
 * const world = createWorld({ components: [], trackChanges: false })
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
 * const world = createWorld({ components: [], trackChanges: false })
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
 * @param version - 0..{@link MAX_VERSION} (511)
 * @returns the entity id, a positive 31-bit integer
 * @example
 * ```ts
 * makeEntity(5, 1) // 4194309
 * ```
 */
export function makeEntity(index: number, version: number): Entity {
  return ((version * VERSION_STEP + index) | 0) as Entity
}
