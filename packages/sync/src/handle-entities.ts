import type { Entity } from '@orrery/ecs'

/** A replica's handle → entity map: a typed array by handle (handles are small integers), -1 where unbound. */
export class HandleEntities {
  private byHandle = new Float64Array(256).fill(-1)

  /** The entity bound to `h`, or undefined. */
  get(h: number): Entity | undefined {
    const e = h < this.byHandle.length ? (this.byHandle[h] as number) : -1
    return e < 0 ? undefined : (e as Entity)
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
  }

  /** Unbinds `h`. */
  delete(h: number): void {
    if (h < this.byHandle.length) this.byHandle[h] = -1
  }

  /** Unbinds every handle. */
  clear(): void {
    this.byHandle.fill(-1)
  }
}
