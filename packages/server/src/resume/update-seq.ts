import { MessageType } from '@orrery/protocol'

/**
 * The `seq` of an encoded TransactionUpdate frame, read from its first bytes without decoding it (the
 * frame is `[0x44, seq, …]`); null for any other frame.
 *
 * @param frame - an encoded server frame
 * @returns the update's seq, or null
 */
export function updateSeqOf(frame: Uint8Array): number | null {
  let at: number
  const head = frame[0] ?? 0
  if (head >= 0x90 && head <= 0x9f) at = 1
  else if (head === 0xdc) at = 3
  else if (head === 0xdd) at = 5
  else return null
  if (frame[at] !== MessageType.TransactionUpdate) return null
  const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength)
  const kind = frame[at + 1] ?? 0xc1
  if (kind < 0x80) return kind
  if (kind === 0xcc) return view.getUint8(at + 2)
  if (kind === 0xcd) return view.getUint16(at + 2)
  if (kind === 0xce) return view.getUint32(at + 2)
  if (kind === 0xcf) return Number(view.getBigUint64(at + 2))
  return null
}
