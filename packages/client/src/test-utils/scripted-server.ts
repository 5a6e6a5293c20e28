import {
  type ClientMessage,
  decodeClientMessage,
  describeSchema,
  encodeServerMessage,
  type SchemaDescription,
  type ServerMessage,
  type TransactionUpdate,
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
 * One v2 TransactionUpdate, hand-written: `binds` are `[handle, entity]` pairs, rows in `tables` name handles
 * (inserts `[h, f0, f1, …]`, updates `[mask, count, h, v…]`, deletes `[h]`), see docs/protocol.md.
 */
export function transactionUpdate(
  prevSeq: number,
  seq: number,
  tables: TransactionUpdate['tables'],
  more: Partial<Pick<TransactionUpdate, 'binds' | 'releases' | 'events' | 'ack'>> = {},
): TransactionUpdate {
  return {
    type: 'TransactionUpdate',
    prevSeq,
    seq,
    tickDelta: 1,
    timeDelta: 50,
    ack: more.ack ?? null,
    binds: more.binds ?? [],
    releases: more.releases ?? [],
    tables,
    events: more.events ?? [],
  }
}

/**
 * A WebSocket server that does the v2 handshake (Welcome with `seq`, `tick` and `serverTime`) and otherwise
 * lets the test script every message, for client behaviours a real server rarely shows (gaps, reordered
 * reads, refusals). Frames are hand-written with {@link transactionUpdate}.
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
    private readonly welcomeSeq: number,
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
            seq: this.welcomeSeq,
            resumed: false,
            tick: 100,
            serverTime: 1_000_000,
          })
        } else if (message.type === 'Ping') {
          session.send({ type: 'Pong', clientTime: message.clientTime, serverTime: Date.now() })
        }
      })
    })
  }

  /**
   * @param components - the schema the Welcome announces
   * @param options - `refuse`: close every Hello with AuthFailed; `welcomeSeq`: the seq of every Welcome (default 0)
   */
  static start(
    components: Parameters<typeof describeSchema>[0]['components'],
    options: { refuse?: boolean; welcomeSeq?: number } = {},
  ): Promise<ScriptedServer> {
    return new Promise((resolve) => {
      const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 }, () => {
        const { port } = wss.address() as { port: number }
        resolve(new ScriptedServer(wss, `ws://127.0.0.1:${port}`, describeSchema({ components }), options.refuse ?? false, options.welcomeSeq ?? 0))
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
