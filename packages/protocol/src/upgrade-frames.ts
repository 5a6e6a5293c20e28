import { ProtocolError } from './protocol-error.js'

/**
 * The WebSocket subprotocol that says "the first frames came in the upgrade request" (protocol 2.2).
 * A client offers it last, after its frames; a server that took the frames selects it, so the client
 * does not send them again. A server that selects anything else (or nothing) did not take them.
 */
export const UPGRADE_FRAMES_PROTOCOL = 'orrery.frames'

/** Prefix of a subprotocol value that carries one frame, base64url-encoded (RFC 4648 §5, no padding). */
const FRAME_PREFIX = 'orrery.frame.'

/** Most frames an upgrade request may carry: Hello and an Authenticate. */
export const MAX_UPGRADE_FRAMES = 2

/**
 * The subprotocols that carry a client's first frames in its WebSocket upgrade request
 * (`Sec-WebSocket-Protocol`, RFC 6455 §4.1): one value per frame, in order, then
 * {@link UPGRADE_FRAMES_PROTOCOL}. Pass them as the second argument of `new WebSocket(url, protocols)`.
 * Every value is an RFC 7230 token (letters, digits, `.`, `-`, `_`), as browsers require.
 *
 * @param frames - encoded client messages (Hello, then optionally Authenticate), at most {@link MAX_UPGRADE_FRAMES}
 * @returns the subprotocol values
 * @throws {@link ProtocolError} `ERR_LIMIT_EXCEEDED` for more than {@link MAX_UPGRADE_FRAMES} frames
 * @example
 * ```ts
 * import { encodeClientMessage, PROTOCOL_VERSION, upgradeProtocols } from '@orrery/protocol'
 * const hello = encodeClientMessage({ type: 'Hello', protocolVersion: PROTOCOL_VERSION, token: null, resume: null })
 * const protocols = upgradeProtocols([hello]) // ['orrery.frame.lAGjMi4ywMA', 'orrery.frames'] with protocol 2.2
 * ```
 */
export function upgradeProtocols(frames: readonly Uint8Array[]): string[] {
  if (frames.length > MAX_UPGRADE_FRAMES) {
    throw new ProtocolError('ERR_LIMIT_EXCEEDED', `an upgrade request carries at most ${MAX_UPGRADE_FRAMES} frames, got ${frames.length}`)
  }
  return [...frames.map((frame) => FRAME_PREFIX + toBase64Url(frame)), UPGRADE_FRAMES_PROTOCOL]
}

/**
 * The frames a client carried in its upgrade request, read from its offered subprotocols; null when it
 * offered no {@link UPGRADE_FRAMES_PROTOCOL} (it sends its frames on the socket). The frames are untrusted:
 * check and decode them as frames received on the socket.
 *
 * @param protocols - the offered subprotocol values, in order
 * @param maxFrameBytes - largest frame accepted, bytes (checked before decoding the base64url)
 * @returns the frames in order, or null
 * @throws {@link ProtocolError} `ERR_LIMIT_EXCEEDED` for too many frames; `ERR_FRAME_TOO_LARGE` for a frame over
 *   `maxFrameBytes`; `ERR_MALFORMED_FRAME` for a value that is not base64url
 */
export function framesFromProtocols(protocols: Iterable<string>, maxFrameBytes: number): Uint8Array[] | null {
  const encoded: string[] = []
  let marked = false
  for (const value of protocols) {
    if (value === UPGRADE_FRAMES_PROTOCOL) marked = true
    else if (value.startsWith(FRAME_PREFIX)) encoded.push(value.slice(FRAME_PREFIX.length))
  }
  if (!marked) return null
  if (encoded.length > MAX_UPGRADE_FRAMES) {
    throw new ProtocolError('ERR_LIMIT_EXCEEDED', `an upgrade request carries at most ${MAX_UPGRADE_FRAMES} frames, got ${encoded.length}`)
  }
  return encoded.map((text) => {
    if (Math.floor((text.length * 3) / 4) > maxFrameBytes) {
      throw new ProtocolError('ERR_FRAME_TOO_LARGE', `a frame of the upgrade request exceeds ${maxFrameBytes} bytes`)
    }
    return fromBase64Url(text)
  })
}

const BASE64URL = /^[A-Za-z0-9_-]*$/

function toBase64Url(bytes: Uint8Array): string {
  let binary = ''
  for (let i = 0; i < bytes.length; i++) binary += String.fromCharCode(bytes[i] as number)
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
}

function fromBase64Url(text: string): Uint8Array {
  if (!BASE64URL.test(text) || text.length % 4 === 1) {
    throw new ProtocolError('ERR_MALFORMED_FRAME', 'a frame of the upgrade request is not base64url')
  }
  const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/'))
  const bytes = new Uint8Array(binary.length)
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i)
  return bytes
}
