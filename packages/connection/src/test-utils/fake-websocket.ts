import { type ClientMessage, decodeClientMessage, encodeServerMessage, type ServerMessage } from '@orrery/protocol'
import type { CloseEventLike, MessageEventLike, WebSocketLike } from '../websocket-like.js'

/**
 * An in-memory WebSocket whose server side the test drives by hand: open, send, close.
 * Client-initiated closes complete on the next microtask, like a prompt close handshake.
 */
export class FakeWebSocket implements WebSocketLike {
  static readonly instances: FakeWebSocket[] = []
  binaryType = 'blob'
  readyState = 0
  readonly url: string
  /** The subprotocols the client offered. */
  readonly offered: readonly string[]
  /** The subprotocol the server selected (see {@link FakeWebSocket.serverOpen}). */
  protocol = ''
  /** `Date.now()` when the socket was created (fake timers make it exact). */
  readonly createdAt = Date.now()
  readonly sent: ClientMessage[] = []
  closedByClient: { code: number; reason: string } | null = null
  onopen: ((event: unknown) => void) | null = null
  onmessage: ((event: MessageEventLike) => void) | null = null
  onclose: ((event: CloseEventLike) => void) | null = null
  onerror: ((event: unknown) => void) | null = null

  constructor(url: string, protocols?: string[]) {
    this.url = url
    this.offered = protocols ?? []
    FakeWebSocket.instances.push(this)
  }

  static latest(): FakeWebSocket | undefined {
    return FakeWebSocket.instances[FakeWebSocket.instances.length - 1]
  }

  send(data: Uint8Array): void {
    if (this.readyState !== 1) throw new Error('not open')
    this.sent.push(decodeClientMessage(data))
  }

  close(code = 1000, reason = ''): void {
    if (this.readyState >= 2) return
    this.readyState = 2
    this.closedByClient = { code, reason }
    queueMicrotask(() => this.serverClose(code, reason))
  }

  /** Opens the socket, the server selecting `protocol` ('' for none). */
  serverOpen(protocol = ''): void {
    this.protocol = protocol
    this.readyState = 1
    this.onopen?.({})
  }

  serverSend(message: ServerMessage): void {
    const frame = encodeServerMessage(message)
    this.onmessage?.({ data: frame.buffer.slice(frame.byteOffset, frame.byteOffset + frame.byteLength) })
  }

  serverClose(code: number, reason = ''): void {
    if (this.readyState === 3) return
    this.readyState = 3
    this.onclose?.({ code, reason })
  }
}
