/** The typed arrays the sync package grows. */
export type GrowableArray = Uint8Array | Uint32Array | Int32Array | Float32Array | Float64Array

/**
 * A copy of `a` with room for `n` elements (the new ones zero).
 *
 * @param a - the array
 * @param n - the new length (≥ `a.length`)
 */
export function grown<A extends GrowableArray>(a: A, n: number): A {
  const next = new (a.constructor as new (n: number) => A)(n)
  next.set(a)
  return next
}

/**
 * The capacity that holds index `i`: `length` doubled until it is above `i` (at least 64).
 *
 * @param length - the current capacity
 * @param i - the index to hold
 */
export function capacityFor(length: number, i: number): number {
  let n = Math.max(64, length * 2)
  while (n <= i) n *= 2
  return n
}
