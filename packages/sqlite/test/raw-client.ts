import { type ClientMessage, decodeServerMessage, encodeClientMessage, PROTOCOL_VERSION, type ServerMessage, type Welcome } from '@orrery/protocol'
import { WebSocket } from 'ws'

/** A bare WebSocket client speaking the wire protocol (to read ReducerResult frames as sent). */
export class RawClientLike {
  readonly messages: ServerMessage[] = []
  private readonly closed: Promise<void>
  private waiters: (() => void)[] = []

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data: Buffer) => {
      this.messages.push(decodeServerMessage(new Uint8Array(data)))
      for (const w of this.waiters.splice(0)) w()
    })
    this.closed = new Promise((resolve) => ws.on('close', () => resolve()))
  }

  static open(url: string): Promise<RawClientLike> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url)
      const client = new RawClientLike(ws)
      ws.once('open', () => resolve(client))
      ws.once('error', reject)
    })
  }

  send(message: ClientMessage): void {
    this.ws.send(encodeClientMessage(message))
  }

  async next<T extends ServerMessage['type']>(type: T): Promise<Extract<ServerMessage, { type: T }>> {
    for (;;) {
      const found = this.messages.find((m) => m.type === type)
      if (found !== undefined) return found as Extract<ServerMessage, { type: T }>
      await new Promise<void>((resolve) => this.waiters.push(resolve))
    }
  }

  async handshake(): Promise<Welcome> {
    this.send({ type: 'Hello', protocolVersion: PROTOCOL_VERSION, token: null, resume: null })
    await this.next('Challenge')
    this.send({ type: 'Authenticate', method: 'anonymous', credential: null })
    return this.next('Welcome')
  }

  close(): Promise<void> {
    this.ws.close()
    return this.closed
  }
}
