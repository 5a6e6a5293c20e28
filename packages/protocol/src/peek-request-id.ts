import { MessageType } from './message-type.js'

/** Client messages whose second field is a u32 request id. */
const WITH_REQUEST_ID: ReadonlySet<number> = new Set<number>([
  MessageType.Subscribe,
  MessageType.Unsubscribe,
  MessageType.CallReducer,
  MessageType.RefreshToken,
])

/**
 * Reads the request id of a client frame from its first bytes, without decoding or validating the rest:
 * a server that drops a frame before decoding it (over a rate budget) can still answer the request.
 *
 * @param bytes - one client → server frame, untrusted
 * @returns the frame's request id, or null when the frame has none or its first bytes are not
 *   `[tag, u32, ...]` of a message that carries one
 * @example
 * ```ts
 * peekRequestId(encodeClientMessage({ type: 'RefreshToken', requestId: 7 })) // 7
 * ```
 */
export function peekRequestId(bytes: Uint8Array): number | null {
  if (bytes.length < 3) return null
  const head = bytes[0] as number
  let pos: number
  if (head >= 0x92 && head <= 0x9f) pos = 1
  else if (head === 0xdc) pos = 3
  else if (head === 0xdd) pos = 5
  else return null
  const tag = bytes[pos] as number | undefined
  if (tag === undefined || !WITH_REQUEST_ID.has(tag)) return null
  pos++
  const b = bytes[pos]
  if (b === undefined) return null
  if (b <= 0x7f) return b
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  if (b === 0xcc && pos + 1 < bytes.length) return view.getUint8(pos + 1)
  if (b === 0xcd && pos + 2 < bytes.length) return view.getUint16(pos + 1)
  if (b === 0xce && pos + 4 < bytes.length) return view.getUint32(pos + 1)
  return null
}
