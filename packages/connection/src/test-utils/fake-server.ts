import {
  type Authenticate,
  type ClientMessage,
  CloseCode,
  decodeClientMessage,
  encodeServerMessage,
  type Hello,
  isCompatibleVersion,
  type ServerMessage,
} from '@orrery/protocol'
import { type WebSocket, WebSocketServer } from 'ws'

/** One accepted socket of the fake server. */
export interface FakeClient {
  readonly socket: WebSocket
  readonly hello: Hello | null
  readonly authenticate: Authenticate | null
  send(message: ServerMessage): void
}

export interface FakeServerOptions {
  /** Decide an Authenticate: `true` → Welcome, a number → close with that code. */
  readonly authenticate?: (message: Authenticate, client: FakeClient) => true | number
  /** Handle a message after Welcome; return `true` when handled (otherwise the default handler runs). */
  readonly onMessage?: (message: ClientMessage, client: FakeClient) => boolean
  /** Do not answer Hello (to test the handshake timeout). */
  readonly silent?: boolean
  /** Do not answer Ping. */
  readonly noPong?: boolean
}

/** A WebSocket server on 127.0.0.1 that speaks the Orrery handshake and a few test reducers. */
export interface FakeServer {
  readonly url: string
  readonly clients: FakeClient[]
  /** Every decoded client message, in arrival order, per connection index. */
  readonly received: ClientMessage[][]
  /** Resolves when `count` sockets have been accepted in total. */
  waitForConnections(count: number): Promise<void>
  /** Closes every client socket with `code`. */
  dropAll(code: number, reason?: string): void
  close(): Promise<void>
}

let tokenCounter = 0

export async function startFakeServer(options: FakeServerOptions = {}): Promise<FakeServer> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 })
  await new Promise<void>((resolve) => wss.once('listening', () => resolve()))
  const address = wss.address()
  if (address === null || typeof address === 'string') throw new Error('expected a TCP address')
  const clients: FakeClient[] = []
  const received: ClientMessage[][] = []
  const waiters: { count: number; resolve: () => void }[] = []

  wss.on('connection', (socket) => {
    const log: ClientMessage[] = []
    received.push(log)
    let phase: 'hello' | 'auth' | 'ready' = 'hello'
    const client = {
      socket,
      hello: null as Hello | null,
      authenticate: null as Authenticate | null,
      send(message: ServerMessage) {
        if (socket.readyState === socket.OPEN) socket.send(encodeServerMessage(message))
      },
    }
    clients.push(client)
    for (const waiter of waiters.filter((w) => clients.length >= w.count)) {
      waiters.splice(waiters.indexOf(waiter), 1)
      waiter.resolve()
    }
    socket.on('message', (data: Buffer) => {
      let message: ClientMessage
      try {
        message = decodeClientMessage(new Uint8Array(data))
      } catch {
        socket.close(CloseCode.ProtocolError, 'bad frame')
        return
      }
      log.push(message)
      if (phase === 'hello' && message.type === 'Hello') {
        client.hello = message
        if (options.silent) return
        if (!isCompatibleVersion(message.protocolVersion)) {
          socket.close(CloseCode.UnsupportedVersion, 'unsupported version')
          return
        }
        phase = 'auth'
        client.send({ type: 'Challenge', nonce: new Uint8Array(32).fill(7), methods: ['anonymous', 'token'] })
        return
      }
      if (phase === 'auth' && message.type === 'Authenticate') {
        client.authenticate = message
        const verdict = options.authenticate?.(message, client) ?? true
        if (verdict !== true) {
          socket.close(verdict, 'refused')
          return
        }
        phase = 'ready'
        const resumed = client.hello?.resume ?? null
        client.send({
          type: 'Welcome',
          identity: 'identity-1',
          token: `token-${++tokenCounter}`,
          sessionId: resumed?.sessionId ?? `session-${tokenCounter}`,
          tickRate: 20,
          schema: { components: [['Body', [['x', 'f32']]]], reducers: [['echo', [['value', 'json']]]] },
          seq: 0,
          resumed: resumed !== null,
          tick: 0,
          serverTime: 0,
        })
        return
      }
      if (phase !== 'ready') {
        socket.close(CloseCode.UnexpectedMessage, 'unexpected')
        return
      }
      if (options.onMessage?.(message, client)) return
      defaultHandler(message, client, options)
    })
  })

  return {
    url: `ws://127.0.0.1:${address.port}`,
    clients,
    received,
    waitForConnections(count) {
      if (clients.length >= count) return Promise.resolve()
      return new Promise((resolve) => waiters.push({ count, resolve }))
    },
    dropAll(code, reason = '') {
      for (const client of clients) if (client.socket.readyState === client.socket.OPEN) client.socket.close(code, reason)
    },
    close() {
      for (const client of clients) client.socket.terminate()
      return new Promise((resolve, reject) => wss.close((error) => (error ? reject(error) : resolve())))
    },
  }
}

function defaultHandler(message: ClientMessage, client: FakeClient, options: FakeServerOptions): void {
  switch (message.type) {
    case 'Ping':
      if (!options.noPong) client.send({ type: 'Pong', clientTime: message.clientTime, serverTime: Date.now() })
      return
    case 'CallReducer':
      if (message.reducer === 'echo') client.send({ type: 'ReducerResult', requestId: message.requestId, ok: true, value: message.args[0] })
      else if (message.reducer === 'fail') {
        client.send({ type: 'ReducerResult', requestId: message.requestId, ok: false, code: 'ERR_REDUCER_FAILED', message: 'boom' })
      } else if (message.reducer !== 'slow') {
        client.send({ type: 'Error', code: 'ERR_UNKNOWN_REDUCER', message: `no reducer ${message.reducer}`, requestId: message.requestId })
      }
      return
    case 'Subscribe':
      client.send({ type: 'SubscribeApplied', requestId: message.requestId, queryId: message.queryId, seq: 0 })
      return
    case 'Unsubscribe':
      client.send({ type: 'Unsubscribed', requestId: message.requestId, queryId: message.queryId })
      return
    case 'RefreshToken':
      client.send({ type: 'TokenRefreshed', requestId: message.requestId, token: 'refreshed' })
      return
    default:
      client.socket.close(CloseCode.UnexpectedMessage, 'unexpected')
  }
}
