import { type RawData, WebSocket } from 'ws'
import type { LoadWebSocketClass } from './script.js'

/** Close codes that end a socket without an error: the client's own goodbye (1000) and a close frame without a code. */
const CLEAN_CLOSES: ReadonlySet<number> = new Set([1000, 1005])

function sizeOf(data: RawData | string | ArrayBufferView | ArrayBuffer): number {
  if (typeof data === 'string') return Buffer.byteLength(data)
  if (Array.isArray(data)) return data.reduce((n, chunk) => n + chunk.byteLength, 0)
  return data.byteLength
}

/**
 * What one load-test client's sockets did: bytes in and out (WebSocket payloads), sockets opened, and how
 * each ended. A socket that ends while the client is not being stopped, other than with 1000/1005, is an
 * error, counted under `error:<code>` (a socket error such as ECONNREFUSED or an HTTP refusal of the
 * upgrade) or else `close:<close code>`.
 */
export class ClientMeter {
  bytesIn = 0
  bytesOut = 0
  /** Sockets opened (more than one: the client reconnected). */
  sockets = 0
  /** Sockets open now. */
  open = 0
  /** Set before the client is stopped on purpose: its closes are no errors then. */
  stopping = false
  /** Errors by code, see the class comment. */
  readonly errors = new Map<string, number>()
  /** The WebSocket class whose sockets report to this meter: give it to the script. */
  readonly WebSocket: LoadWebSocketClass

  constructor() {
    const meter = this
    this.WebSocket = class MeteredWebSocket extends WebSocket {
      constructor(url: string | URL, protocols?: string | string[]) {
        super(url, protocols)
        meter.watch(this)
      }
    }
  }

  /** Counts an error under `code`. */
  error(code: string): void {
    this.errors.set(code, (this.errors.get(code) ?? 0) + 1)
  }

  private watch(socket: WebSocket): void {
    this.sockets++
    let failure: string | null = null
    const send = socket.send.bind(socket) as (...args: unknown[]) => void
    socket.send = ((data: ArrayBufferView | ArrayBuffer | string, ...rest: unknown[]) => {
      this.bytesOut += sizeOf(data)
      send(data, ...rest)
    }) as WebSocket['send']
    let opened = false
    socket.on('open', () => {
      opened = true
      this.open++
    })
    socket.on('message', (data: RawData) => {
      this.bytesIn += sizeOf(data)
    })
    socket.on('error', (error: Error & { code?: unknown }) => {
      failure ??= typeof error.code === 'string' ? error.code : (/\d{3}/.exec(error.message)?.[0] ?? error.name)
    })
    socket.on('close', (code: number) => {
      if (opened) this.open--
      if (this.stopping) return
      if (failure !== null) this.error(`error:${failure}`)
      else if (!CLEAN_CLOSES.has(code)) this.error(`close:${code}`)
    })
  }
}
