/**
 * The `p`-quantile (0..1) of samples by nearest rank, rounded to 0.01; null when there are none.
 *
 * @param samples - the values, in any order (not modified)
 * @param p - the quantile, e.g. 0.99
 * @returns the value at that rank
 * @example
 * percentile([5, 1, 3], 0.5) // 3
 */
export function percentile(samples: readonly number[], p: number): number | null {
  if (samples.length === 0) return null
  const sorted = [...samples].sort((a, b) => a - b)
  const v = sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))] as number
  return Math.round(v * 100) / 100
}
