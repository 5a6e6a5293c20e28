import { type ClientMessage, CloseCode, decodeClientMessage, ProtocolError } from '@orrery/protocol'
import { countFrameElements } from '@orrery/protocol/internal'
import type { RawData } from 'ws'
import type { FrameBudget } from './admission/frame-budget.js'
import { frameCost } from './admission/frame-cost.js'
import type { ResolvedLimits } from './options.js'
import { messageOf } from './reducer-dispatcher.js'

/** What becomes of one incoming frame: a decoded message, a refusal that closes the connection, or a frame over a budget (dropped undecoded). */
export type FrameVerdict =
  | { readonly kind: 'message'; readonly message: ClientMessage }
  | { readonly kind: 'refused'; readonly code: string; readonly message: string; readonly closeCode: number }
  | { readonly kind: 'over'; readonly what: string }

/**
 * Checks one untrusted frame against the connection's limits and budgets, in the order that costs an
 * attacker the most and the server the least: kind, size (small until Welcome), message and byte budgets,
 * element budget, then decoding.
 *
 * @param bytes - the frame
 * @param isBinary - whether it came as a binary WebSocket frame
 * @param admitted - whether the handshake completed (Welcome sent)
 * @param limits - the server's limits
 * @param budget - the connection's budgets (charged here)
 * @returns the verdict
 */
export function admitFrame(bytes: Uint8Array, isBinary: boolean, admitted: boolean, limits: ResolvedLimits, budget: FrameBudget): FrameVerdict {
  if (!isBinary) {
    return { kind: 'refused', code: 'ERR_MALFORMED_FRAME', message: 'text frames are not accepted; send binary msgpack frames', closeCode: CloseCode.ProtocolError }
  }
  // Until Welcome a client needs only Hello and Authenticate: small frames of a few values.
  const decodeLimits = admitted
    ? { maxFrameBytes: limits.maxFrameBytes, maxElements: limits.maxFrameElements }
    : { maxFrameBytes: limits.handshakeFrameBytes, maxElements: limits.handshakeFrameElements }
  if (bytes.byteLength > decodeLimits.maxFrameBytes) {
    const message = `frame of ${bytes.byteLength} bytes exceeds ${decodeLimits.maxFrameBytes} before Welcome`
    return { kind: 'refused', code: 'ERR_FRAME_TOO_LARGE', message, closeCode: CloseCode.MessageTooBig }
  }
  // Budgets first, decoding last: a frame over a budget costs a peek at its request id, nothing more.
  const cost = admitted ? frameCost(bytes, limits) : 1
  if (!budget.takeFrame(bytes.byteLength, cost)) return { kind: 'over', what: 'message rate limit exceeded' }
  try {
    if (!budget.takeElements(countFrameElements(bytes, decodeLimits))) return { kind: 'over', what: 'element rate limit exceeded' }
    return { kind: 'message', message: decodeClientMessage(bytes, decodeLimits) }
  } catch (error) {
    const code = error instanceof ProtocolError ? error.code : 'ERR_MALFORMED_FRAME'
    return { kind: 'refused', code, message: messageOf(error), closeCode: CloseCode.ProtocolError }
  }
}

/** The bytes of a ws message (a Buffer, an ArrayBuffer or fragments). */
export function toBytes(data: RawData): Uint8Array {
  if (Array.isArray(data)) return Buffer.concat(data)
  if (data instanceof ArrayBuffer) return new Uint8Array(data)
  return data
}
