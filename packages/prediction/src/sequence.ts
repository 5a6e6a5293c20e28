/**
 * Sequence numbers of inputs: unsigned 32-bit integers that increase by at least one per input (the
 * `requestId` of the reducer call that carries the input fits as is). Comparisons use serial-number
 * arithmetic, so the order survives the wrap from 2^32 − 1 to 0.
 *
 * @see RFC 1982, "Serial Number Arithmetic"
 */
export type InputSeq = number

/** Largest sequence number (2^32 − 1). */
export const MAX_INPUT_SEQ = 0xffffffff

/**
 * Whether sequence number `a` comes after `b`, in serial-number order over u32 (a wrap-around from
 * 2^32 − 1 to 0 is "after").
 *
 * @param a - a sequence number, integer in [0, 2^32 − 1]
 * @param b - a sequence number, integer in [0, 2^32 − 1]
 * @returns true when `a` is after `b` by less than 2^31
 * @example
 * ```ts
 * import { seqAfter } from '@orrery/prediction'
 * seqAfter(5, 4) // true
 * seqAfter(0, 0xffffffff) // true: 0 follows the last u32
 * ```
 * @see RFC 1982, section 3.2
 */
export function seqAfter(a: InputSeq, b: InputSeq): boolean {
  const d = (a - b) >>> 0
  return d !== 0 && d < 0x80000000
}

/**
 * Whether `seq` is acknowledged by `ack` (it is `ack` or comes before it).
 *
 * @param seq - an input's sequence number
 * @param ack - the highest sequence number an authoritative state includes
 * @returns true when the state includes the input
 * @example
 * ```ts
 * import { seqAcknowledged } from '@orrery/prediction'
 * seqAcknowledged(3, 5) // true
 * ```
 */
export function seqAcknowledged(seq: InputSeq, ack: InputSeq): boolean {
  return !seqAfter(seq, ack)
}

/** Whether `value` is an integer in the u32 range. */
export function isInputSeq(value: unknown): value is InputSeq {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= MAX_INPUT_SEQ
}
