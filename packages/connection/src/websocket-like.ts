import { ConnectionError } from './connection-error.js'

/** The part of a message event a connection reads. */
export interface MessageEventLike {
  readonly data: unknown
}

/** The part of a close event a connection reads. */
export interface CloseEventLike {
  readonly code: number
  readonly reason: string
}

// Handler properties are declared through a method type so that their parameter is checked
// bivariantly: both the DOM WebSocket and the `ws` WebSocket (whose events carry more
// fields) are then assignable.
type Handler<E> = { bivarianceHack(event: E): void }['bivarianceHack']

/**
 * The subset of the WHATWG WebSocket interface a connection uses; the browser `WebSocket`
 * and the `ws` package's `WebSocket` both fit.
 */
export interface WebSocketLike {
  binaryType: string
  readonly readyState: number
  /** The subprotocol the server selected ('' for none); read once the socket is open. */
  readonly protocol?: string
  send(data: Uint8Array): void
  close(code?: number, reason?: string): void
  onopen: Handler<unknown> | null
  onmessage: Handler<MessageEventLike> | null
  onclose: Handler<CloseEventLike> | null
  onerror: Handler<unknown> | null
}

/** A WebSocket class: `new WebSocket(url)`, or `new WebSocket(url, protocols)` to offer subprotocols. */
export type WebSocketConstructorLike = new (url: string, protocols?: string[]) => WebSocketLike

/** `WebSocket.OPEN`. */
export const OPEN = 1

/** The module name is held in a variable so that browser bundlers do not try to include `ws`. */
const NODE_WEBSOCKET_MODULE = 'ws'

/**
 * Finds a WebSocket class: the given one, else `globalThis.WebSocket`, else (in Node only)
 * the `ws` package, imported on demand.
 *
 * @param given - an explicit class, e.g. from `ConnectionOptions.WebSocket`
 * @returns the class to use
 * @throws ConnectionError `ERR_NO_WEBSOCKET` when none is available
 */
export async function resolveWebSocket(given: WebSocketConstructorLike | undefined): Promise<WebSocketConstructorLike> {
  if (given !== undefined) return given
  const global = (globalThis as { WebSocket?: WebSocketConstructorLike }).WebSocket
  if (global !== undefined) return global
  const isNode = typeof process !== 'undefined' && typeof process.versions?.node === 'string'
  if (isNode) {
    try {
      const module = (await import(/* @vite-ignore */ NODE_WEBSOCKET_MODULE)) as {
        WebSocket?: WebSocketConstructorLike
        default?: WebSocketConstructorLike
      }
      const found = module.WebSocket ?? module.default
      if (found !== undefined) return found
    } catch (cause) {
      throw new ConnectionError('ERR_NO_WEBSOCKET', 'no global WebSocket and the "ws" package could not be loaded', { cause })
    }
  }
  throw new ConnectionError('ERR_NO_WEBSOCKET', 'no WebSocket implementation available; pass options.WebSocket')
}
