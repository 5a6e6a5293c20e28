/**
 * The message tag of a client frame from its first bytes (the element after the array header), without
 * decoding: enough to price a frame before it is decoded.
 *
 * @param bytes - one frame, untrusted
 * @returns the tag byte, or undefined when the frame does not start like a frame array
 */
export function frameTag(bytes: Uint8Array): number | undefined {
  const head = bytes[0]
  if (head === undefined) return undefined
  if (head >= 0x90 && head <= 0x9f) return bytes[1]
  if (head === 0xdc) return bytes[3]
  if (head === 0xdd) return bytes[5]
  return undefined
}
