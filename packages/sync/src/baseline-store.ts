/**
 * The quantized baselines of one replicated table, by handle: each held row's last quantized value of
 * every quantized field, then the last step of each (`width = 2 × quantized` numbers per handle). A handle
 * without a baseline reads as zeros.
 */
export class BaselineStore {
  private data: Float64Array

  /** @param width - numbers per handle (2 × the table's quantized fields; > 0) */
  constructor(readonly width: number) {
    this.data = new Float64Array(64 * width)
  }

  /** The numbers of every handle, `width` per handle from `h × width` (valid until the next write). */
  get values(): Float64Array {
    return this.data
  }

  /** Where handle `h`'s baseline starts in {@link BaselineStore.values}, or -1 when it has none yet (zeros). */
  offsetOf(h: number): number {
    const base = h * this.width
    return base + this.width > this.data.length ? -1 : base
  }

  /** Copies the baseline of handle `h` into `out` at `at`. */
  read(h: number, out: Float64Array, at: number): void {
    const w = this.width
    const base = h * w
    const data = this.data
    if (base + w > data.length) {
      for (let k = 0; k < w; k++) out[at + k] = 0
      return
    }
    for (let k = 0; k < w; k++) out[at + k] = data[base + k] as number
  }

  /** Sets the baseline of handle `h` from `src` at `at`. */
  write(h: number, src: Float64Array, at: number): void {
    const w = this.width
    const base = h * w
    if (base + w > this.data.length) this.grow(base + w)
    const data = this.data
    for (let k = 0; k < w; k++) data[base + k] = src[at + k] as number
  }

  /** Forgets the baseline of handle `h` (it reads as zeros). */
  clear(h: number): void {
    const base = h * this.width
    if (base < this.data.length) this.data.fill(0, base, base + this.width)
  }

  /** Forgets every baseline. */
  clearAll(): void {
    this.data.fill(0)
  }

  private grow(min: number): void {
    let n = this.data.length * 2
    while (n < min) n *= 2
    const data = new Float64Array(n)
    data.set(this.data)
    this.data = data
  }
}
