import { type Entity, MAX_INDEX } from './entity.js'
import { EcsError } from './errors.js'

// Hot paths use literals, not named constants: `e & 0x3fffff` is an entity's index (entity.ts
// INDEX_MASK), `>>> 6` / `<< 6` / 64 its undo-log page of 64 rows (store.ts PAGE_SHIFT, PAGE_SIZE),
// 4194304 one version step (entity.ts VERSION_STEP) and 511 the last version (MAX_VERSION). A
// bundler turns a module's top-level `const` into `var`, and an imported binding is a module cell:
// V8 reloads either on every use instead of folding it.

/**
 * Allocation of generational entity ids: `ids[i]` is the live entity at index i (0 when free),
 * `versions[i]` the version the next entity at index i gets, and a LIFO free list of indexes.
 * LIFO order makes every operation undoable exactly, so a rollback restores the next id too.
 */
export class EntityPool {
  // `declare`d and first written in the constructor with their final types (a class field would
  // first be `undefined`), so V8 keeps precise field types for the hot paths.
  declare ids: Int32Array
  declare versions: Int32Array
  declare readonly free: number[]
  declare nextIndex: number
  declare alive: number

  constructor(capacity: number) {
    this.ids = new Int32Array(capacity)
    this.ids[0] = -1
    this.versions = new Int32Array(capacity)
    this.free = []
    this.nextIndex = 1
    this.alive = 0
  }

  /** Grows the per-index arrays to `capacity`. */
  grow(capacity: number): void {
    const ids = new Int32Array(capacity)
    ids.set(this.ids)
    this.ids = ids
    const versions = new Int32Array(capacity)
    versions.set(this.versions)
    this.versions = versions
  }

  /** Whether `e` is alive (0 and stale ids are not). */
  isAlive(e: Entity): boolean {
    return this.ids[e & 0x3fffff] === e
  }

  /**
   * Picks the index for the next entity: the top of the free list (skipping indexes revived by
   * `createWithId`), else a fresh one. Returns a negative index for a fresh one, -(index).
   * @throws EcsError ERR_INVALID_VALUE when all 4,194,303 indexes are alive
   */
  take(): number {
    const free = this.free
    if (free.length > 0) {
      const i = free.pop() as number
      if (this.ids[i] === 0) return i
      return this.takeAfterRevived()
    }
    const next = this.nextIndex
    if (next > 0x3fffff) this.exhausted()
    this.nextIndex = next + 1
    return -next
  }

  /** `take` after popping an index that `createWithId` revived: the next free one, else a fresh one. */
  private takeAfterRevived(): number {
    const free = this.free
    while (free.length > 0) {
      const i = free.pop() as number
      if (this.ids[i] === 0) return i
    }
    if (this.nextIndex > MAX_INDEX) this.exhausted()
    return -this.nextIndex++
  }

  private exhausted(): never {
    throw new EcsError('ERR_INVALID_VALUE', `entity capacity exhausted (${MAX_INDEX} entities)`)
  }

  /** Makes index `i` alive with its current version and returns the entity. */
  activate(i: number): Entity {
    // makeEntity(i, version), inline.
    const e = ((this.versions[i] as number) * 4194304 + i) | 0
    this.ids[i] = e
    this.alive++
    return e as Entity
  }

  /**
   * Frees index `i`; returns whether it went on the free list (false once its versions ran out:
   * the index is retired, so ids never pass 2^31 and never alias a stale id).
   */
  release(i: number): boolean {
    this.ids[i] = 0
    this.alive--
    const v = (this.versions[i] as number) + 1
    this.versions[i] = v
    if (v > 511) return false
    this.free.push(i)
    return true
  }
}
