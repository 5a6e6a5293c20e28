/** Something values are appended to: an array, or a {@link ScratchList}. */
export interface Sink<T> {
  push(value: T): unknown
}

/**
 * A list refilled many times per flush (once per client): `items` keeps its capacity and `length` is the
 * count. Emptying an array by setting its `length` to 0 gives its storage back, so every refill would
 * allocate and copy it again as it grows; this one allocates only when it outgrows its largest fill.
 */
export class ScratchList<T> implements Sink<T> {
  /** The values, valid below `length` (entries past it are left from earlier fills). */
  readonly items: T[] = []
  length = 0

  push(value: T): void {
    this.items[this.length++] = value
  }

  clear(): void {
    this.length = 0
  }
}

/**
 * The handles and changed-field masks of one table's updated rows in a client's update, in parallel, with
 * the capacity kept between clients.
 */
export class UpdatedRows {
  readonly handles: number[] = []
  readonly masks: number[] = []
  length = 0

  push(h: number, mask: number): void {
    this.handles[this.length] = h
    this.masks[this.length] = mask
    this.length++
  }

  clear(): void {
    this.length = 0
  }
}
