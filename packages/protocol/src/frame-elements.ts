import { scanFrame } from './frame-scan.js'
import { type DecodeLimits, resolveLimits } from './limits.js'
import { ProtocolError } from './protocol-error.js'

/**
 * Checks the size and msgpack structure of one untrusted frame without decoding it, and counts its values:
 * a receiver can charge a frame's work to a budget before it spends that work decoding. Applies every
 * limit `decodeClientMessage` applies before decoding (size, lengths, nesting, `maxElements`).
 *
 * @param bytes - one binary WebSocket frame
 * @param limits - {@link DecodeLimits}; defaults as in `decodeClientMessage`
 * @returns the number of msgpack values in the frame, the frame array included (a Ping `[6, t]` has 3)
 * @throws ProtocolError `ERR_FRAME_TOO_LARGE` | `ERR_MALFORMED_FRAME` | `ERR_LIMIT_EXCEEDED`
 * @example
 * ```ts
 * declare const frame: Uint8Array // from the socket
 * declare const budget: { take(count: number): boolean } // a per-connection token bucket
 * declare function dropFrame(): void
 * const elements = countFrameElements(frame, { maxFrameBytes: 64 * 1024, maxElements: 4096 })
 * if (!budget.take(elements)) dropFrame()
 * ```
 */
export function countFrameElements(bytes: Uint8Array, limits?: DecodeLimits): number {
  if (!(bytes instanceof Uint8Array)) throw new ProtocolError('ERR_MALFORMED_FRAME', 'a frame must be a Uint8Array')
  const resolved = resolveLimits(limits)
  if (bytes.length > resolved.maxFrameBytes) {
    throw new ProtocolError('ERR_FRAME_TOO_LARGE', `frame of ${bytes.length} bytes exceeds maxFrameBytes ${resolved.maxFrameBytes}`)
  }
  return scanFrame(bytes, resolved)
}
