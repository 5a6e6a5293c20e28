/**
 * The message tag of a frame (client or server) from its first bytes (the element after the array header),
 * without decoding: enough to price an untrusted frame before it is decoded, or to skip frames a reader does
 * not need.
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
