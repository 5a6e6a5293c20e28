import { type Entity, entityIndex } from '@orrery/ecs'
import { IndexSlots } from './index-slots.js'

/**
 * A replica's handles both ways: handle → entity in a typed array by handle (handles are small integers,
 * -1 where unbound), and entity → handle in a typed array by entity index. Two generations of one index
 * bound at once (the older one's row not yet deleted) are rare: the older one moves to a map.
 */
export class HandleEntities {
  private byHandle = new Float64Array(256).fill(-1)
  private readonly byIndex = new IndexSlots()
  /** Handles of entities whose index slot a newer generation took while they were still bound. */
  private readonly displaced = new Map<Entity, number>()

  /** The entity bound to `h`, or undefined. */
  get(h: number): Entity | undefined {
    const e = h < this.byHandle.length ? (this.byHandle[h] as number) : -1
    return e < 0 ? undefined : (e as Entity)
  }

  /** The handle bound to `e`, or undefined (also when its index is bound to another generation). */
  handleOf(e: Entity): number | undefined {
    const h = this.byIndex.get(entityIndex(e))
    if (h >= 0 && this.byHandle[h] === e) return h
    return this.displaced.size === 0 ? undefined : this.displaced.get(e)
  }

  /** Binds `h` to `e`. */
  set(h: number, e: Entity): void {
    if (h >= this.byHandle.length) {
      let n = this.byHandle.length * 2
      while (n <= h) n *= 2
      const grown = new Float64Array(n).fill(-1)
      grown.set(this.byHandle)
      this.byHandle = grown
    }
    this.byHandle[h] = e
    const index = entityIndex(e)
    const held = this.byIndex.get(index)
    const other = held >= 0 ? (this.byHandle[held] as number) : -1
    if (other >= 0 && other !== e) this.displaced.set(other as Entity, held)
    this.byIndex.set(index, h)
  }

  /** Unbinds `h`. */
  delete(h: number): void {
    const e = this.get(h)
    if (e === undefined) return
    this.byHandle[h] = -1
    if (this.byIndex.get(entityIndex(e)) === h) this.byIndex.delete(entityIndex(e))
    else if (this.displaced.get(e) === h) this.displaced.delete(e)
  }

  /** Unbinds every handle. */
  clear(): void {
    this.byHandle.fill(-1)
    this.byIndex.clear()
    this.displaced.clear()
  }
}
