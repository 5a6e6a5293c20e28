import { decodeClientMessage } from '@orrery/protocol'
import type { WebSocketClass } from './lagged-socket.js'

/**
 * Distinct reducer calls a client sent, per reducer name: a CallReducer sent again with the same requestId
 * (after a resume) counts once. Compared with what the server applied, it finds calls applied twice.
 */
export class CallTally {
  private readonly seen = new Map<string, Set<number>>()

  /** Records one outgoing frame (anything but a CallReducer is ignored). */
  frame(data: Uint8Array): void {
    let message: ReturnType<typeof decodeClientMessage>
    try {
      message = decodeClientMessage(data)
    } catch {
      return
    }
    if (message.type !== 'CallReducer') return
    let ids = this.seen.get(message.reducer)
    if (ids === undefined) this.seen.set(message.reducer, (ids = new Set()))
    ids.add(message.requestId)
  }

  /** Distinct calls per reducer name. */
  counts(): Record<string, number> {
    const out: Record<string, number> = {}
    for (const [name, ids] of this.seen) out[name] = ids.size
    return out
  }

  /**
   * A WebSocket class whose sockets report every frame they send to this tally.
   *
   * @param Base - the WebSocket class to extend
   */
  wrap(Base: WebSocketClass): WebSocketClass {
    const tally = this
    return class extends (Base as new (url: string) => { send(data: Uint8Array): void }) {
      override send(data: Uint8Array): void {
        tally.frame(data)
        super.send(data)
      }
    } as unknown as WebSocketClass
  }
}
