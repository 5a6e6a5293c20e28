import { packFrame } from './frame-writer.js'
import { MessageType } from './message-type.js'
import type { ServerMessage, TableUpdate, TransactionUpdate } from './messages.js'
import { ProtocolError } from './protocol-error.js'

function updates(tables: readonly TableUpdate[]): unknown[] {
  const out = new Array<unknown>(tables.length)
  for (let i = 0; i < tables.length; i++) {
    const t = tables[i] as TableUpdate
    // The flat arrays are written by reference: no per-row copy.
    out[i] = [t.tableId, t.inserts, t.updates, t.deletes]
  }
  return out
}

function transactionUpdate(m: TransactionUpdate): Uint8Array {
  const events = new Array<unknown>(m.events.length)
  for (let i = 0; i < m.events.length; i++) {
    const e = m.events[i] as TransactionUpdate['events'][number]
    events[i] = [e.name, e.payload]
  }
  return packFrame([
    MessageType.TransactionUpdate,
    m.seq,
    m.seq - m.prevSeq,
    m.tickDelta,
    m.timeDelta,
    m.ack,
    m.binds,
    m.releases,
    updates(m.tables),
    events,
  ])
}

/**
 * Encodes a server → client message into one binary WebSocket frame.
 *
 * A TransactionUpdate is encoded straight from its flat row arrays, numbers in their smallest msgpack
 * form (non-integers as float64). The replicator writes the same layout through `FrameWriter`, with
 * `f32` fields as float32; receivers accept either.
 *
 * @param message - any {@link ServerMessage}
 * @returns the msgpack bytes of `[tag, ...fields]`
 * @throws ProtocolError `ERR_UNKNOWN_MESSAGE` when `message.type` is not a server message
 * @example
 * ```ts
 * declare const ping: Ping // a decoded client message
 * const frame = encodeServerMessage({ type: 'Pong', clientTime: ping.clientTime, serverTime: Date.now() })
 * ```
 * @see docs/protocol.md for the frame layouts
 */
export function encodeServerMessage(message: ServerMessage): Uint8Array {
  switch (message.type) {
    case 'Challenge':
      return packFrame([MessageType.Challenge, message.nonce, message.methods])
    case 'Welcome':
      return packFrame([
        MessageType.Welcome,
        message.identity,
        message.token,
        message.sessionId,
        message.tickRate,
        [message.schema.components, message.schema.reducers],
        message.seq,
        message.resumed,
        message.tick,
        message.serverTime,
      ])
    case 'SubscribeApplied':
      return packFrame([MessageType.SubscribeApplied, message.requestId, message.queryId, message.seq])
    case 'TransactionUpdate':
      return transactionUpdate(message)
    case 'ReducerResult':
      return message.ok
        ? packFrame(
            message.durable === undefined
              ? [MessageType.ReducerResult, message.requestId, true, message.value]
              : [MessageType.ReducerResult, message.requestId, true, message.value, message.durable],
          )
        : packFrame([MessageType.ReducerResult, message.requestId, false, message.code, message.message])
    case 'Pong':
      return packFrame([MessageType.Pong, message.clientTime, message.serverTime])
    case 'Error':
      return packFrame([MessageType.Error, message.code, message.message, message.requestId])
    case 'Unsubscribed':
      return packFrame([MessageType.Unsubscribed, message.requestId, message.queryId])
    case 'TokenRefreshed':
      return packFrame([MessageType.TokenRefreshed, message.requestId, message.token])
    default:
      throw new ProtocolError('ERR_UNKNOWN_MESSAGE', `not a server message: ${String((message as { type?: unknown }).type)}`)
  }
}
