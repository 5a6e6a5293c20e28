/**
 * Positions of a set of display keys at one moment, in flat typed arrays reused from one
 * reconciliation to the next: where each entity was drawn (with its visual offset) and where it was
 * simulated (without). Lookups are linear: a client predicts a handful of entities.
 */
export class DrawnSet {
  size = 0
  readonly keys: Float64Array
  readonly x: Float64Array
  readonly y: Float64Array
  readonly simX: Float64Array
  readonly simY: Float64Array
  readonly sizes: Float64Array

  /** @param capacity - most keys held */
  constructor(readonly capacity: number) {
    this.keys = new Float64Array(capacity)
    this.x = new Float64Array(capacity)
    this.y = new Float64Array(capacity)
    this.simX = new Float64Array(capacity)
    this.simY = new Float64Array(capacity)
    this.sizes = new Float64Array(capacity)
  }

  /** Appends one key (ignored past the capacity). */
  add(key: number, x: number, y: number, simX: number, simY: number, size: number): void {
    const i = this.size
    if (i >= this.capacity) return
    this.keys[i] = key
    this.x[i] = x
    this.y[i] = y
    this.simX[i] = simX
    this.simY[i] = simY
    this.sizes[i] = size
    this.size = i + 1
  }

  /** Slot of `key`, or -1. */
  indexOf(key: number): number {
    for (let i = 0; i < this.size; i++) if (this.keys[i] === key) return i
    return -1
  }
}
