import { createServer as createHttpServer, type Server as HttpServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Logger } from 'pino'
import { type WebSocket, WebSocketServer } from 'ws'
import { type UpgradeFrames, upgradeFrames } from './http/upgrade-frames.js'
import { originCheck } from './http/origin-check.js'

/** Options of {@link Listener}. */
export interface ListenerOptions {
  /** Attach to this server instead of creating one. */
  readonly httpServer: HttpServer | undefined
  /** Plain HTTP requests on a created server; default answer 426 Upgrade Required. */
  readonly httpHandler: ((request: IncomingMessage, response: ServerResponse) => void) | undefined
  /** Largest accepted frame, bytes (ws `maxPayload`; larger frames close the socket with 1009). */
  readonly maxPayload: number
  /** The HTTP status to refuse an upgrade from `address` with (before the WebSocket exists), or null to accept. */
  readonly refuseUpgrade?: (address: string | undefined) => Promise<number | null>
  /** Origins allowed to upgrade (others get HTTP 403); undefined allows any. */
  readonly allowedOrigins?: readonly string[] | undefined
  /** Time a created HTTP server waits for a request's headers (slow upgrade requests), ms. */
  readonly headersTimeoutMs?: number
  /** Largest frame the upgrade request may carry, bytes (the handshake frame limit). */
  readonly upgradeFrameBytes: number
  /** Called for each accepted WebSocket, with the frames its upgrade request carried (protocol 2.2), if any. */
  readonly onConnection: (ws: WebSocket, remoteAddress: string | undefined, frames: UpgradeFrames | null) => void
  readonly log: Logger
}

/**
 * The network side of a server: an HTTP server (created, or given) with a
 * WebSocket server on it. Owns the HTTP server only when it started it.
 */
export class Listener {
  private readonly http: HttpServer
  private readonly wss: WebSocketServer
  private owned = false
  private httpClosed: Promise<void> = Promise.resolve()

  /** @param options - see {@link ListenerOptions} */
  constructor(options: ListenerOptions) {
    const handler = options.httpHandler
    this.http =
      options.httpServer ??
      createHttpServer((request, response) => {
        if (handler !== undefined) {
          handler(request, response)
          return
        }
        response.writeHead(426, { 'content-type': 'text/plain', upgrade: 'websocket' })
        response.end('Upgrade Required: connect with a WebSocket client')
      })
    if (options.httpServer === undefined && options.headersTimeoutMs !== undefined) {
      this.http.headersTimeout = options.headersTimeoutMs
      this.http.requestTimeout = Math.max(options.headersTimeoutMs, 30_000)
    }
    const originAllowed = originCheck(options.allowedOrigins)
    const carried = new WeakMap<IncomingMessage, UpgradeFrames>()
    this.wss = new WebSocketServer({
      server: this.http,
      maxPayload: options.maxPayload,
      handleProtocols: (protocols, request) => {
        const frames = upgradeFrames(protocols, options.upgradeFrameBytes)
        if (frames === null) return false
        carried.set(request, frames)
        return frames.protocol
      },
      verifyClient: (info: { origin?: string; req: IncomingMessage }, done: (ok: boolean, code?: number, message?: string) => void) => {
        const origin = info.req.headers.origin
        if (!originAllowed(origin)) {
          options.log.info({ origin }, 'upgrade refused: origin not allowed')
          done(false, 403, 'Forbidden')
          return
        }
        const refuse = options.refuseUpgrade
        if (refuse === undefined) {
          done(true)
          return
        }
        const address = info.req.socket.remoteAddress
        refuse(address).then(
          (status) => (status === null ? done(true) : done(false, status, status === 429 ? 'Too Many Requests' : 'Service Unavailable')),
          () => done(true),
        )
      },
    })
    this.wss.on('connection', (ws, request) => options.onConnection(ws, request.socket.remoteAddress, carried.get(request) ?? null))
    this.wss.on('error', (error) => options.log.error({ err: error }, 'websocket server error'))
  }

  /**
   * Binds the HTTP server unless it is already listening.
   * @param port - TCP port (0 = any free one)
   * @param host - interface to bind
   * @returns the bound address
   */
  async listen(port: number, host: string): Promise<AddressInfo> {
    const http = this.http
    if (!http.listening) {
      this.owned = true
      await new Promise<void>((resolve, reject) => {
        const onError = (error: Error): void => reject(error)
        http.once('error', onError)
        http.listen(port, host, () => {
          http.off('error', onError)
          resolve()
        })
      })
    }
    return http.address() as AddressInfo
  }

  /** Stops accepting new connections (an owned HTTP server stops listening). */
  stopAccepting(): void {
    if (this.owned && this.http.listening) {
      this.httpClosed = new Promise<void>((resolve) => this.http.close(() => resolve()))
    }
  }

  /** Detaches the WebSocket server and closes an owned HTTP server with its remaining connections. */
  async close(): Promise<void> {
    this.stopAccepting()
    await new Promise<void>((resolve) => this.wss.close(() => resolve()))
    if (this.owned) this.http.closeAllConnections()
    await this.httpClosed
  }
}
