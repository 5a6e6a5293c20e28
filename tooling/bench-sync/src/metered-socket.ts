import { WebSocket } from 'ws'

/** What one simulated client counts: bytes and frames from its socket, rows from its replica's listeners. */
export class FrameMeter {
  bytes = 0
  frames = 0
  inserted = 0
  deleted = 0
  movingUpdates = 0
  otherUpdates = 0

  /** Zeroes every counter (at the start of the measured window). */
  reset(): void {
    this.bytes = 0
    this.frames = 0
    this.inserted = 0
    this.deleted = 0
    this.movingUpdates = 0
    this.otherUpdates = 0
  }
}

type Handler = (event: unknown) => void

/**
 * A `ws` WebSocket seen through the WHATWG handler properties a connection uses, with each received
 * frame counted by a {@link FrameMeter}.
 *
 * @param meter - the client's meter
 * @returns a class to pass as `connect({ WebSocket })`
 */
export function meteredSocket(meter: FrameMeter): new (url: string) => MeteredSocket {
  return class extends MeteredSocket {
    constructor(url: string) {
      super(url, meter)
    }
  }
}

/** See {@link meteredSocket}. */
export class MeteredSocket {
  private readonly ws: WebSocket
  private readonly meter: FrameMeter
  onopen: Handler | null = null
  onclose: Handler | null = null
  onerror: Handler | null = null
  onmessage: ((event: { data: unknown }) => void) | null = null

  constructor(url: string, meter: FrameMeter) {
    this.meter = meter
    // One message per task, as browsers (and Node 22's built-in WebSocket) deliver them: `ws` by default
    // emits every message of a TCP chunk in one go, before the promise continuations of the earlier ones.
    this.ws = new WebSocket(url, { allowSynchronousEvents: false })
    this.ws.binaryType = 'arraybuffer'
    this.ws.onopen = (event) => this.onopen?.(event)
    this.ws.onclose = (event) => this.onclose?.(event)
    this.ws.onerror = (event) => this.onerror?.(event)
    this.ws.onmessage = (event) => {
      const data = event.data
      // An ArrayBuffer, or a Buffer when the connection asks for 'nodebuffer'.
      this.meter.bytes += data instanceof ArrayBuffer || ArrayBuffer.isView(data) ? data.byteLength : 0
      this.meter.frames++
      this.onmessage?.(event)
    }
  }

  get binaryType(): string {
    return this.ws.binaryType
  }

  set binaryType(value: string) {
    this.ws.binaryType = value as WebSocket['binaryType']
  }

  get readyState(): number {
    return this.ws.readyState
  }

  send(data: Uint8Array): void {
    this.ws.send(data)
  }

  close(code?: number, reason?: string): void {
    this.ws.close(code, reason)
  }
}
