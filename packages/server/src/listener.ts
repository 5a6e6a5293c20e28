import { createServer as createHttpServer, type Server as HttpServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Duplex } from 'node:stream'
import type { Logger } from 'pino'
import { type WebSocket, WebSocketServer } from 'ws'
import { type UpgradeFrames, upgradeFrames } from './http/upgrade-frames.js'
import { originCheck } from './http/origin-check.js'

const STATUS_TEXT: Readonly<Record<number, string>> = { 403: 'Forbidden', 404: 'Not Found', 409: 'Conflict', 410: 'Gone', 429: 'Too Many Requests' }

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
  /** Accept upgrades only on this URL path (others are left to other listeners of the HTTP server); undefined accepts any path. */
  readonly path?: string | undefined
  /** A last check of an upgrade request (after `refuseUpgrade`): the HTTP status to refuse it with, or null to accept. */
  readonly admitUpgrade?: ((request: IncomingMessage) => Promise<number | null>) | undefined
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
  private removeUpgradeListener: () => void = () => {}
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
    const path = options.path
    this.wss = new WebSocketServer({
      ...(path === undefined ? { server: this.http } : { noServer: true, path }),
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
        const refuse = options.refuseUpgrade ?? (async () => null)
        const admit = options.admitUpgrade ?? (async () => null)
        const address = info.req.socket.remoteAddress
        refuse(address)
          .then(
            (status) => status ?? admit(info.req),
            () => admit(info.req),
          )
          .then(
            (status) => (status === null ? done(true) : done(false, status, STATUS_TEXT[status] ?? 'Service Unavailable')),
            () => done(false, 503, 'Service Unavailable'),
          )
      },
    })
    if (path !== undefined) {
      const onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer): void => {
        if (!this.wss.shouldHandle(request)) return
        this.wss.handleUpgrade(request, socket, head, (ws) => this.wss.emit('connection', ws, request))
      }
      this.http.on('upgrade', onUpgrade)
      this.removeUpgradeListener = () => this.http.off('upgrade', onUpgrade)
    }
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
    this.removeUpgradeListener()
    await new Promise<void>((resolve) => this.wss.close(() => resolve()))
    if (this.owned) this.http.closeAllConnections()
    await this.httpClosed
  }
}
