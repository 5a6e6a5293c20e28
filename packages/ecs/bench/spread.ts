/** Min, median and max of a cell's per-process results. */
export interface Spread {
  readonly min: number
  readonly median: number
  readonly max: number
}

/** The spread of `values` (ops/s, rounded). */
export function spread(values: readonly number[]): Spread {
  const sorted = [...values].sort((a, b) => a - b)
  const at = (i: number): number => Math.round(sorted[i] ?? Number.NaN)
  return { min: at(0), median: at(sorted.length >> 1), max: at(sorted.length - 1) }
}

const k = (n: number): string => (n >= 10_000 ? `${Math.round(n / 1000)}k` : n >= 1000 ? `${(n / 1000).toFixed(1)}k` : String(n))

/** `median (min–max)`, in thousands. */
export function spreadCell(s: Spread): string {
  return `${k(s.median)} (${k(s.min)}–${k(s.max)})`
}

/** The spread of `a[r] / b[r]` over rounds `r` (two decimals). */
export function roundRatios(a: readonly number[], b: readonly number[]): Spread {
  const ratios: number[] = []
  for (let r = 0; r < Math.min(a.length, b.length); r++) ratios.push((a[r] as number) / (b[r] as number))
  const sorted = ratios.sort((x, y) => x - y)
  const at = (i: number): number => Math.round((sorted[i] ?? Number.NaN) * 100) / 100
  return { min: at(0), median: at(sorted.length >> 1), max: at(sorted.length - 1) }
}

/** `median (min–max)` of ratios. */
export function ratioCell(s: Spread): string {
  return `${s.median.toFixed(2)} (${s.min.toFixed(2)}–${s.max.toFixed(2)})`
}
