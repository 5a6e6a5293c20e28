import { MessageType } from '@orrery/protocol'
import type { WebSocketClass } from '../bots/lagged-socket.js'

type Socket = InstanceType<WebSocketClass>

/**
 * The input acknowledgement inferred on the client, for servers whose updates do not carry `ack` yet.
 *
 * The server answers each reducer call with its ReducerResult as soon as the call is applied, and sends
 * state updates at the end of each tick, on the same ordered socket. So the calls whose results arrived
 * before an update are exactly the calls whose effects that update includes: the acknowledgement of an
 * update is the highest requestId among the ReducerResults received before it. This reads the first
 * bytes of each frame (message type, requestId) as it arrives, before the client handles it, and queues
 * one acknowledgement per TransactionUpdate frame, in order.
 *
 * @example
 * const ack = new InferredAcknowledgement()
 * const client = await connect({ url, components, reducers, WebSocket: ack.wrap(WebSocket) })
 * const link = clientLink(client, () => undefined, ack)
 */
export class InferredAcknowledgement {
  private highest: number | undefined = undefined
  /** Acknowledgement by update seq, oldest first (at most {@link KEPT}). */
  private readonly acks = new Map<number, number | undefined>()

  /**
   * Wraps a WebSocket class so that every frame it receives is read first.
   *
   * @param Inner - the WebSocket class to wrap
   * @returns a class to pass as `WebSocket` to `connect`
   */
  wrap(Inner: WebSocketClass): WebSocketClass {
    const tap = this
    return class TappedSocket {
      private readonly inner: Socket
      onopen: Socket['onopen'] = null
      onmessage: Socket['onmessage'] = null
      onclose: Socket['onclose'] = null
      onerror: Socket['onerror'] = null

      constructor(url: string) {
        tap.highest = undefined
        tap.acks.clear()
        const inner = new Inner(url)
        this.inner = inner
        inner.onopen = (ev) => this.onopen?.(ev)
        inner.onclose = (ev) => this.onclose?.(ev)
        inner.onerror = (ev) => this.onerror?.(ev)
        inner.onmessage = (ev) => {
          tap.observe(ev.data)
          this.onmessage?.(ev)
        }
      }

      get binaryType(): string {
        return this.inner.binaryType
      }

      set binaryType(value: string) {
        this.inner.binaryType = value
      }

      get readyState(): number {
        return this.inner.readyState
      }

      send(data: Uint8Array): void {
        this.inner.send(data)
      }

      close(code?: number, reason?: string): void {
        this.inner.close(code, reason)
      }
    }
  }

  /**
   * The acknowledgement of the TransactionUpdate with this `seq`: the highest requestId answered before it.
   *
   * @param seq - the update's seq
   * @returns the requestId, or undefined when no call was answered before it (or the update is unknown)
   */
  take(seq: number): number | undefined {
    const ack = this.acks.get(seq)
    this.acks.delete(seq)
    return ack
  }

  private observe(data: unknown): void {
    const bytes =
      data instanceof Uint8Array ? data : data instanceof ArrayBuffer ? new Uint8Array(data) : undefined
    if (bytes === undefined || bytes.length < 3) return
    const head = bytes[0] as number
    // A frame is a msgpack array: fixarray (0x90–0x9f) or array 16 (0xdc, two length bytes).
    const at = head >= 0x90 && head <= 0x9f ? 1 : head === 0xdc ? 3 : -1
    if (at < 0) return
    const type = bytes[at]
    if (type === MessageType.TransactionUpdate) {
      // [type, prevSeq, seq, …]
      const prevSeq = readUint(bytes, at + 1)
      const seq = prevSeq === undefined ? undefined : readUint(bytes, at + 1 + uintLength(bytes, at + 1))
      if (seq === undefined) return
      if (this.acks.size >= KEPT) this.acks.delete(this.acks.keys().next().value as number)
      this.acks.set(seq, this.highest)
    } else if (type === MessageType.ReducerResult) {
      const id = readUint(bytes, at + 1)
      if (id !== undefined && (this.highest === undefined || id > this.highest)) this.highest = id
    }
  }
}

/** Updates whose acknowledgement is kept until asked for. */
const KEPT = 256

/** Bytes taken by the msgpack unsigned integer at `at`. */
function uintLength(b: Uint8Array, at: number): number {
  const tag = b[at] as number
  return tag < 0x80 ? 1 : tag === 0xcc ? 2 : tag === 0xcd ? 3 : tag === 0xce ? 5 : 9
}

/** A msgpack unsigned integer at `at` (positive fixint, uint 8/16/32), or undefined. */
function readUint(b: Uint8Array, at: number): number | undefined {
  const tag = b[at]
  if (tag === undefined) return undefined
  if (tag < 0x80) return tag
  if (tag === 0xcc && at + 1 < b.length) return b[at + 1] as number
  if (tag === 0xcd && at + 2 < b.length) return ((b[at + 1] as number) << 8) | (b[at + 2] as number)
  if (tag === 0xce && at + 4 < b.length) {
    return ((b[at + 1] as number) * 2 ** 24 + (((b[at + 2] as number) << 16) | ((b[at + 3] as number) << 8) | (b[at + 4] as number))) >>> 0
  }
  return undefined
}
