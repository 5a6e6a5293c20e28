/**
 * The mask with one bit per field of a component (all fields changed).
 *
 * @param fieldCount - number of fields, 0..32
 * @returns an unsigned 32-bit mask with the low `fieldCount` bits set
 * @example
 * ```ts
 * fullMask(3) // 0b111
 * ```
 */
export function fullMask(fieldCount: number): number {
  return fieldCount >= 32 ? 0xffffffff : ((1 << fieldCount) - 1) >>> 0
}
