import { type Entity, MAX_INDEX, MAX_VERSION, makeEntity } from './entity.js'
import { EcsError } from './errors.js'

// Hot paths use literals, not named constants: `e & 0x3fffff` is an entity's index (entity.ts
// INDEX_MASK), `>>> 6` / `<< 6` / 64 its undo-log page of 64 rows (store.ts PAGE_SHIFT, PAGE_SIZE).
// A bundler turns a module's top-level `const` into `var`, which V8 reloads on every use.

/**
 * Allocation of generational entity ids: `ids[i]` is the live entity at index i (0 when free),
 * `versions[i]` the version the next entity at index i gets, and a LIFO free list of indexes.
 * LIFO order makes every operation undoable exactly, so a rollback restores the next id too.
 */
export class EntityPool {
  ids: Int32Array
  versions: Int32Array
  readonly free: number[] = []
  nextIndex = 1
  alive = 0

  constructor(capacity: number) {
    this.ids = new Int32Array(capacity)
    this.ids[0] = -1
    this.versions = new Int32Array(capacity)
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
    while (free.length > 0) {
      const i = free.pop() as number
      if (this.ids[i] === 0) return i
    }
    if (this.nextIndex > MAX_INDEX) {
      throw new EcsError('ERR_INVALID_VALUE', `entity capacity exhausted (${MAX_INDEX} entities)`)
    }
    return -this.nextIndex++
  }

  /** Makes index `i` alive with its current version and returns the entity. */
  activate(i: number): Entity {
    const e = makeEntity(i, this.versions[i] as number)
    this.ids[i] = e
    this.alive++
    return e
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
    if (v > MAX_VERSION) return false
    this.free.push(i)
    return true
  }
}
