import { type ClientMessage, type DecodeLimits, decodeServerMessage, encodeClientMessage, type ServerMessage } from '@orrery/protocol'
import { ConnectionError } from './connection-error.js'
import { frameBytes } from './frame-bytes.js'
import { OPEN, type WebSocketConstructorLike, type WebSocketLike } from './websocket-like.js'

/** Close code reported locally for a socket that failed without a close frame (RFC 6455 §7.4.1). */
export const ABNORMAL_CLOSURE = 1006

/** Traffic counters shared by every socket of a connection. */
export interface TrafficCounters {
  bytesSent: number
  bytesReceived: number
  messagesSent: number
  messagesReceived: number
}

/** What a {@link SocketLink} reports. */
export interface SocketLinkEvents {
  /** The socket opened; `protocol` is the subprotocol the server selected ('' for none). */
  open(protocol: string): void
  /** A frame decoded into a server message. */
  message(message: ServerMessage): void
  /** A frame that is not binary or does not decode. */
  malformed(error: ConnectionError): void
  /** The socket is gone (called once, whoever ended it). */
  gone(code: number, reason: string): void
}

/**
 * One WebSocket of a connection, from creation to its end: wires its handlers, decodes what it receives,
 * encodes and counts what it sends, and reports its end exactly once, whether the server closed it, it
 * failed (an error event with no close event, as Node 22's built-in WebSocket does on a refused connect),
 * or this side dropped it.
 */
export class SocketLink {
  private ended = false

  /**
   * @param socket - a new WebSocket
   * @param limits - limits for decoding server frames
   * @param counters - the connection's traffic counters
   * @param events - where the socket's life is reported
   */
  constructor(
    readonly socket: WebSocketLike,
    private readonly limits: DecodeLimits,
    private readonly counters: TrafficCounters,
    private readonly events: SocketLinkEvents,
  ) {
    // Node's ws hands messages over as Buffers without a copy; a browser's WebSocket ignores the value it does
    // not know, and then gives ArrayBuffers.
    socket.binaryType = 'nodebuffer'
    if (socket.binaryType !== 'nodebuffer') socket.binaryType = 'arraybuffer'
    socket.onopen = () => {
      if (!this.ended) events.open(socket.protocol ?? '')
    }
    socket.onmessage = (event) => this.onFrame(event.data)
    socket.onclose = (event) => this.end(event.code, event.reason)
    socket.onerror = () => {
      socket.onerror = null
      try {
        socket.close()
      } catch {
        // A socket that never opened may refuse to close; it is dropped either way.
      }
      this.end(ABNORMAL_CLOSURE, 'the WebSocket failed')
    }
  }

  /**
   * Opens a socket to `url`, offering `protocols` (none when empty).
   *
   * @throws ConnectionError `ERR_FAILED` when the WebSocket cannot be created
   */
  static open(
    WebSocketClass: WebSocketConstructorLike,
    url: string,
    protocols: string[],
    limits: DecodeLimits,
    counters: TrafficCounters,
    events: SocketLinkEvents,
  ): SocketLink {
    let socket: WebSocketLike
    try {
      socket = protocols.length === 0 ? new WebSocketClass(url) : new WebSocketClass(url, protocols)
    } catch (cause) {
      throw new ConnectionError('ERR_FAILED', `cannot open a WebSocket to ${url}`, { cause })
    }
    return new SocketLink(socket, limits, counters, events)
  }

  /** Whether the socket is open and not ended. */
  get isOpen(): boolean {
    return !this.ended && this.socket.readyState === OPEN
  }

  /**
   * Encodes and sends a message.
   *
   * @throws ConnectionError `ERR_NOT_CONNECTED` when the socket is not open
   */
  write(message: ClientMessage): void {
    this.writeBytes(encodeClientMessage(message), message.type)
  }

  /**
   * Sends an encoded message.
   *
   * @throws ConnectionError `ERR_NOT_CONNECTED` when the socket is not open
   */
  writeBytes(bytes: Uint8Array, what = 'a message'): void {
    if (!this.isOpen) throw new ConnectionError('ERR_NOT_CONNECTED', `cannot send ${what}: the socket is not open`)
    this.socket.send(bytes)
    this.counters.bytesSent += bytes.length
    this.counters.messagesSent++
  }

  /** This side is done with the socket: closes it and reports its end now, without waiting for the close event. */
  drop(code: number, reason: string): void {
    try {
      this.socket.close(code, reason)
    } catch {
      // Closing a socket that is already closing may throw in some implementations.
    }
    this.end(code, reason)
  }

  private onFrame(data: unknown): void {
    if (this.ended) return
    const bytes = frameBytes(data)
    if (bytes === null) {
      this.events.malformed(new ConnectionError('ERR_PROTOCOL', 'received a non-binary frame'))
      return
    }
    this.counters.bytesReceived += bytes.length
    this.counters.messagesReceived++
    let message: ServerMessage
    try {
      message = decodeServerMessage(bytes, this.limits)
    } catch (cause) {
      this.events.malformed(new ConnectionError('ERR_PROTOCOL', 'received a frame that does not decode', { cause }))
      return
    }
    this.events.message(message)
  }

  private end(code: number, reason: string): void {
    if (this.ended) return
    this.ended = true
    this.socket.onopen = null
    this.socket.onmessage = null
    this.socket.onclose = null
    this.events.gone(code, reason)
  }
}
