import { unpackFrame } from './codec.js'
import { array, credential, describeTag, expectLength, finite, str, stringArray, strOrNull, u32, uint } from './fields.js'
import type { DecodeLimits } from './limits.js'
import { MessageType } from './message-type.js'
import type { Area, AuthMethod, ClientMessage, Hello } from './messages.js'
import { ProtocolError } from './protocol-error.js'

const AUTH_METHODS: ReadonlySet<string> = new Set<AuthMethod>(['anonymous', 'token', 'signature'])

function resume(value: unknown): Hello['resume'] {
  if (value === null) return null
  const pair = array(value, 'Hello.resume')
  if (pair.length < 2) throw new ProtocolError('ERR_INVALID_FIELD', 'Hello.resume: expected [sessionId, lastSeq]')
  const sessionId = str(pair[0], 'Hello.resume.sessionId')
  const lastSeq = uint(pair[1], 'Hello.resume.lastSeq')
  // `received` came in 2.1; a 2.0 client sends two elements.
  if (pair.length < 3 || pair[2] === null) return { sessionId, lastSeq }
  return { sessionId, lastSeq, received: uint(pair[2], 'Hello.resume.received') }
}

/** Largest coordinate an area may name, in world units (keeps area arithmetic exact and finite). */
const MAX_COORDINATE = 1e9

function area(value: unknown, path: string): Area {
  const a = array(value, path)
  if (a.length < 5) throw new ProtocolError('ERR_INVALID_FIELD', `${path}: expected [minX, minY, maxX, maxY, margin]`)
  const n = (i: number, name: string): number => {
    const v = finite(a[i], `${path}.${name}`)
    if (Math.abs(v) > MAX_COORDINATE) throw new ProtocolError('ERR_INVALID_FIELD', `${path}.${name}: beyond ±${MAX_COORDINATE}`)
    return v
  }
  const out = { minX: n(0, 'minX'), minY: n(1, 'minY'), maxX: n(2, 'maxX'), maxY: n(3, 'maxY'), margin: n(4, 'margin') }
  if (out.maxX < out.minX || out.maxY < out.minY) throw new ProtocolError('ERR_INVALID_FIELD', `${path}: max is below min`)
  if (out.margin < 0) throw new ProtocolError('ERR_INVALID_FIELD', `${path}.margin: must be ≥ 0`)
  return out
}

/**
 * Decodes and validates one untrusted client → server frame.
 *
 * Checks, in order: frame size, msgpack structure (no extension types, string map keys,
 * lengths and nesting within `limits`), a known client tag, then every field's type and range
 * (u32 request and query ids, non-negative safe integers for seq values, finite times).
 * Trailing fields beyond those of this version are ignored.
 *
 * @param bytes - one binary WebSocket frame
 * @param limits - {@link DecodeLimits}; defaults: 1 MiB frame, 1 048 576 elements, 64 KiB strings, depth 32
 * @returns the typed message
 * @throws ProtocolError `ERR_FRAME_TOO_LARGE` | `ERR_MALFORMED_FRAME` | `ERR_LIMIT_EXCEEDED` | `ERR_UNKNOWN_MESSAGE` | `ERR_INVALID_FIELD`
 * @example
 * ```ts
 * declare const frame: Uint8Array // from the socket
 * const message = decodeClientMessage(frame, { maxFrameBytes: 64 * 1024 })
 * if (message.type === 'CallReducer') console.log(message.reducer)
 * ```
 * @see docs/protocol.md
 */
export function decodeClientMessage(bytes: Uint8Array, limits?: DecodeLimits): ClientMessage {
  const f = unpackFrame(bytes, limits)
  switch (f[0]) {
    case MessageType.Hello:
      expectLength(f, 4, 'Hello')
      return {
        type: 'Hello',
        protocolVersion: str(f[1], 'Hello.protocolVersion'),
        token: strOrNull(f[2], 'Hello.token'),
        resume: resume(f[3]),
      }
    case MessageType.Authenticate: {
      expectLength(f, 3, 'Authenticate')
      const method = str(f[1], 'Authenticate.method')
      if (!AUTH_METHODS.has(method)) {
        throw new ProtocolError('ERR_INVALID_FIELD', `Authenticate.method: expected 'anonymous', 'token' or 'signature', got ${JSON.stringify(method)}`)
      }
      return { type: 'Authenticate', method: method as AuthMethod, credential: credential(f[2], 'Authenticate.credential') }
    }
    case MessageType.Subscribe:
      expectLength(f, 4, 'Subscribe')
      return {
        type: 'Subscribe',
        requestId: u32(f[1], 'Subscribe.requestId'),
        queryId: u32(f[2], 'Subscribe.queryId'),
        components: stringArray(f[3], 'Subscribe.components'),
        area: f[4] === undefined || f[4] === null ? null : area(f[4], 'Subscribe.area'),
      }
    case MessageType.Unsubscribe:
      expectLength(f, 3, 'Unsubscribe')
      return { type: 'Unsubscribe', requestId: u32(f[1], 'Unsubscribe.requestId'), queryId: u32(f[2], 'Unsubscribe.queryId') }
    case MessageType.CallReducer:
      expectLength(f, 4, 'CallReducer')
      return {
        type: 'CallReducer',
        requestId: u32(f[1], 'CallReducer.requestId'),
        reducer: str(f[2], 'CallReducer.reducer'),
        args: array(f[3], 'CallReducer.args'),
      }
    case MessageType.Ping:
      expectLength(f, 2, 'Ping')
      return { type: 'Ping', clientTime: finite(f[1], 'Ping.clientTime') }
    case MessageType.RefreshToken:
      expectLength(f, 2, 'RefreshToken')
      return { type: 'RefreshToken', requestId: u32(f[1], 'RefreshToken.requestId') }
    case MessageType.SetArea:
      expectLength(f, 3, 'SetArea')
      return { type: 'SetArea', queryId: u32(f[1], 'SetArea.queryId'), area: area(f[2], 'SetArea.area') }
    default:
      throw new ProtocolError('ERR_UNKNOWN_MESSAGE', `unknown client message tag ${describeTag(f[0])}`)
  }
}
