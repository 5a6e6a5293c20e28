import { packFrame } from './frame-writer.js'
import { MessageType } from './message-type.js'
import type { Area, ClientMessage, Hello } from './messages.js'
import { ProtocolError } from './protocol-error.js'

function areaTuple(a: Area): number[] {
  return [a.minX, a.minY, a.maxX, a.maxY, a.margin]
}

/**
 * Encodes a client → server message into one binary WebSocket frame.
 *
 * Fields are written as given (TypeScript types are the contract); the receiver validates.
 *
 * @param message - any {@link ClientMessage}
 * @returns the msgpack bytes of `[tag, ...fields]`
 * @throws ProtocolError `ERR_UNKNOWN_MESSAGE` when `message.type` is not a client message
 * @example
 * ```ts
 * declare const socket: WebSocket
 * const frame = encodeClientMessage({ type: 'Ping', clientTime: 1234.5 })
 * socket.send(frame)
 * ```
 * @see docs/protocol.md for the frame layouts
 */
export function encodeClientMessage(message: ClientMessage): Uint8Array {
  switch (message.type) {
    case 'Hello':
      return packFrame([
        MessageType.Hello,
        message.protocolVersion,
        message.token,
        resumeField(message.resume),
      ])
    case 'Authenticate':
      return packFrame([MessageType.Authenticate, message.method, message.credential])
    case 'Subscribe':
      return packFrame([
        MessageType.Subscribe,
        message.requestId,
        message.queryId,
        message.components,
        message.area === null ? null : areaTuple(message.area),
      ])
    case 'Unsubscribe':
      return packFrame([MessageType.Unsubscribe, message.requestId, message.queryId])
    case 'CallReducer':
      return packFrame([MessageType.CallReducer, message.requestId, message.reducer, message.args])
    case 'Ping':
      return packFrame([MessageType.Ping, message.clientTime])
    case 'RefreshToken':
      return packFrame([MessageType.RefreshToken, message.requestId])
    case 'SetArea':
      return packFrame([MessageType.SetArea, message.queryId, areaTuple(message.area)])
    default:
      throw new ProtocolError('ERR_UNKNOWN_MESSAGE', `not a client message: ${String((message as { type?: unknown }).type)}`)
  }
}

function resumeField(resume: Hello['resume']): unknown[] | null {
  if (resume === null) return null
  if (resume.received === undefined) return [resume.sessionId, resume.lastSeq]
  return [resume.sessionId, resume.lastSeq, resume.received]
}
