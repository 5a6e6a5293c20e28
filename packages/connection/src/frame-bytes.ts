/**
 * The bytes of a received WebSocket message, or `null` when it is not binary
 * (text frames and Blobs are not part of the protocol).
 *
 * @param data - `MessageEvent.data`: an ArrayBuffer (binaryType 'arraybuffer') or a typed-array view (Node Buffer)
 * @returns a Uint8Array view of the same memory, or `null`
 */
export function frameBytes(data: unknown): Uint8Array | null {
  if (data instanceof ArrayBuffer) return new Uint8Array(data)
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
  return null
}
