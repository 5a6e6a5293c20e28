import {
  type ClientMessage,
  decodeClientMessage,
  describeSchema,
  encodeServerMessage,
  type SchemaDescription,
  type ServerMessage,
} from '@orrery/protocol'
import { type WebSocket, WebSocketServer } from 'ws'

/** One client connection of a {@link ScriptedServer}. */
export class ScriptedSession {
  readonly received: ClientMessage[] = []
  private waiters: (() => void)[] = []

  constructor(readonly ws: WebSocket) {}

  push(message: ClientMessage): void {
    this.received.push(message)
    for (const w of this.waiters.splice(0)) w()
  }

  send(...messages: ServerMessage[]): void {
    // One buffer for all: the client reads them in one go, as after a busy event loop.
    const frames = messages.map((m) => encodeServerMessage(m))
    for (const frame of frames) this.ws.send(frame)
  }

  /** Waits for the `nth` (0-based) received message of a type. */
  async next<T extends ClientMessage['type']>(type: T, nth = 0): Promise<Extract<ClientMessage, { type: T }>> {
    for (;;) {
      const found = this.received.filter((m) => m.type === type)[nth]
      if (found !== undefined) return found as Extract<ClientMessage, { type: T }>
      await new Promise<void>((resolve) => this.waiters.push(resolve))
    }
  }
}

/**
 * A WebSocket server that does the handshake and otherwise lets the test
 * script every message, for client behaviours a real server rarely shows
 * (gaps, reordered reads, refusals).
 */
export class ScriptedServer {
  readonly sessions: ScriptedSession[] = []
  private waiters: (() => void)[] = []
  private tokenCounter = 0

  private constructor(
    private readonly wss: WebSocketServer,
    readonly url: string,
    private readonly schema: SchemaDescription,
    private readonly refuse: boolean,
  ) {
    wss.on('connection', (ws) => {
      const session = new ScriptedSession(ws)
      this.sessions.push(session)
      for (const w of this.waiters.splice(0)) w()
      ws.on('message', (data: Buffer) => {
        const message = decodeClientMessage(new Uint8Array(data))
        session.push(message)
        if (message.type === 'Hello') {
          if (this.refuse) {
            ws.close(4002, 'refused')
            return
          }
          session.send({ type: 'Challenge', nonce: new Uint8Array(32), methods: ['token', 'anonymous'] })
        } else if (message.type === 'Authenticate') {
          this.tokenCounter++
          session.send({
            type: 'Welcome',
            identity: 'id-1',
            token: `token-${this.tokenCounter}`,
            sessionId: `s${this.tokenCounter}`,
            tickRate: 20,
            schema: this.schema,
            seq: 0,
            resumed: false,
          })
        } else if (message.type === 'Ping') {
          session.send({ type: 'Pong', clientTime: message.clientTime, serverTime: Date.now() })
        }
      })
    })
  }

  static start(components: Parameters<typeof describeSchema>[0]['components'], options: { refuse?: boolean } = {}): Promise<ScriptedServer> {
    return new Promise((resolve) => {
      const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 }, () => {
        const { port } = wss.address() as { port: number }
        resolve(new ScriptedServer(wss, `ws://127.0.0.1:${port}`, describeSchema({ components }), options.refuse ?? false))
      })
    })
  }

  /** Waits for the `nth` (0-based) connection. */
  async session(nth: number): Promise<ScriptedSession> {
    for (;;) {
      const found = this.sessions[nth]
      if (found !== undefined) return found
      await new Promise<void>((resolve) => this.waiters.push(resolve))
    }
  }

  close(): Promise<void> {
    for (const client of this.wss.clients) client.terminate()
    return new Promise((resolve) => this.wss.close(() => resolve()))
  }
}
