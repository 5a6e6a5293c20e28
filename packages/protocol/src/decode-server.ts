import { unpackFrame } from './codec.js'
import { array, binary, bool, describeTag, expectLength, finite, str, stringArray, u32, uint, uintArray } from './fields.js'
import { type DecodeLimits, resolveLimits } from './limits.js'
import { MessageType } from './message-type.js'
import type { ProtocolEvent, ServerMessage, TableUpdate } from './messages.js'
import { ProtocolError } from './protocol-error.js'
import { checkSchemaDescription, type SchemaDescription } from './schema-description.js'
import { readTransactionUpdate } from './update-reader.js'

/** Length of the Challenge nonce, in bytes. */
export const NONCE_LENGTH = 32

function pair(value: unknown, path: string, min: number, shape: string): unknown[] {
  const items = array(value, path)
  if (items.length < min) throw new ProtocolError('ERR_INVALID_FIELD', `${path}: expected ${shape}`)
  return items
}

function schema(value: unknown): SchemaDescription {
  const [components, reducers] = pair(value, 'Welcome.schema', 2, '[components, reducers]')
  return checkSchemaDescription({ components, reducers }, 'ERR_INVALID_FIELD', 'Welcome.schema')
}

function tableUpdates(value: unknown): TableUpdate[] {
  const items = array(value, 'TransactionUpdate.tables')
  const out = new Array<TableUpdate>(items.length)
  for (let i = 0; i < items.length; i++) {
    const path = `TransactionUpdate.tables[${i}]`
    const t = pair(items[i], path, 4, '[tableId, inserts, updates, deletes]')
    out[i] = {
      tableId: u32(t[0], `${path}.tableId`),
      inserts: array(t[1], `${path}.inserts`),
      updates: array(t[2], `${path}.updates`),
      deletes: uintArray(t[3], `${path}.deletes`),
    }
  }
  return out
}

function events(value: unknown): ProtocolEvent[] {
  const items = array(value, 'TransactionUpdate.events')
  const out = new Array<ProtocolEvent>(items.length)
  for (let i = 0; i < items.length; i++) {
    const path = `TransactionUpdate.events[${i}]`
    const e = pair(items[i], path, 2, '[name, payload]')
    out[i] = { name: str(e[0], `${path}.name`), payload: e[1] }
  }
  return out
}

/**
 * Decodes and validates one server → client frame.
 *
 * Same checks as `decodeClientMessage`, for the server tags; the Welcome schema is checked
 * like `validateSchemaDescription`, the Challenge nonce must be 32 bytes, and a TransactionUpdate
 * needs `seqGap ≤ seq`, `timeDelta ≥ 0` and `binds` in `[handle, entity]` pairs. Row contents
 * (handles, strides, masks, values) are checked by the replica against its schema and handles,
 * not here.
 *
 * @param bytes - one binary WebSocket frame
 * @param limits - {@link DecodeLimits}; a client receiving large updates (a big subscription) raises `maxFrameBytes`
 * @returns the typed message
 * @throws ProtocolError `ERR_FRAME_TOO_LARGE` | `ERR_MALFORMED_FRAME` | `ERR_LIMIT_EXCEEDED` | `ERR_UNKNOWN_MESSAGE` | `ERR_INVALID_FIELD`
 * @example
 * ```ts
 * declare const frame: Uint8Array // from the socket
 * declare const replica: { applyUpdate(update: TransactionUpdate): void } // @orrery/sync's Replica
 * const message = decodeServerMessage(frame, { maxFrameBytes: 16 * 1024 * 1024 })
 * if (message.type === 'TransactionUpdate') replica.applyUpdate(message)
 * ```
 * @see docs/protocol.md
 */
export function decodeServerMessage(bytes: Uint8Array, limits?: DecodeLimits): ServerMessage {
  // The frame of every tick (a 10-element array tagged TransactionUpdate) is read in one pass when it can be.
  if (bytes instanceof Uint8Array && bytes[0] === 0x9a && bytes[1] === MessageType.TransactionUpdate) {
    const resolved = resolveLimits(limits)
    if (bytes.length <= resolved.maxFrameBytes) {
      const update = readTransactionUpdate(bytes, resolved)
      if (update !== null) return update
    }
  }
  const f = unpackFrame(bytes, limits)
  switch (f[0]) {
    case MessageType.Challenge: {
      expectLength(f, 3, 'Challenge')
      const nonce = binary(f[1], 'Challenge.nonce')
      if (nonce.length !== NONCE_LENGTH) {
        throw new ProtocolError('ERR_INVALID_FIELD', `Challenge.nonce: expected ${NONCE_LENGTH} bytes, got ${nonce.length}`)
      }
      return { type: 'Challenge', nonce, methods: stringArray(f[2], 'Challenge.methods') }
    }
    case MessageType.Welcome: {
      expectLength(f, 10, 'Welcome')
      const tickRate = finite(f[4], 'Welcome.tickRate')
      if (tickRate <= 0) throw new ProtocolError('ERR_INVALID_FIELD', `Welcome.tickRate: expected a positive number, got ${tickRate}`)
      return {
        type: 'Welcome',
        identity: str(f[1], 'Welcome.identity'),
        token: str(f[2], 'Welcome.token'),
        sessionId: str(f[3], 'Welcome.sessionId'),
        tickRate,
        schema: schema(f[5]),
        seq: uint(f[6], 'Welcome.seq'),
        resumed: bool(f[7], 'Welcome.resumed'),
        tick: uint(f[8], 'Welcome.tick'),
        serverTime: finite(f[9], 'Welcome.serverTime'),
      }
    }
    case MessageType.SubscribeApplied:
      expectLength(f, 4, 'SubscribeApplied')
      return {
        type: 'SubscribeApplied',
        requestId: u32(f[1], 'SubscribeApplied.requestId'),
        queryId: u32(f[2], 'SubscribeApplied.queryId'),
        seq: uint(f[3], 'SubscribeApplied.seq'),
      }
    case MessageType.TransactionUpdate: {
      expectLength(f, 10, 'TransactionUpdate')
      const seq = uint(f[1], 'TransactionUpdate.seq')
      const gap = uint(f[2], 'TransactionUpdate.seqGap')
      if (gap > seq) throw new ProtocolError('ERR_INVALID_FIELD', `TransactionUpdate.seqGap: ${gap} is more than seq ${seq}`)
      const timeDelta = finite(f[4], 'TransactionUpdate.timeDelta')
      if (timeDelta < 0) throw new ProtocolError('ERR_INVALID_FIELD', `TransactionUpdate.timeDelta: ${timeDelta} is negative`)
      const binds = uintArray(f[6], 'TransactionUpdate.binds')
      if (binds.length % 2 !== 0) throw new ProtocolError('ERR_INVALID_FIELD', 'TransactionUpdate.binds: expected [handle, entity] pairs')
      return {
        type: 'TransactionUpdate',
        prevSeq: seq - gap,
        seq,
        tickDelta: uint(f[3], 'TransactionUpdate.tickDelta'),
        timeDelta,
        ack: f[5] === null ? null : u32(f[5], 'TransactionUpdate.ack'),
        binds,
        releases: uintArray(f[7], 'TransactionUpdate.releases'),
        tables: tableUpdates(f[8]),
        events: events(f[9]),
      }
    }
    case MessageType.ReducerResult: {
      expectLength(f, 4, 'ReducerResult')
      const requestId = u32(f[1], 'ReducerResult.requestId')
      if (bool(f[2], 'ReducerResult.ok')) {
        if (f.length === 4) return { type: 'ReducerResult', requestId, ok: true, value: f[3] }
        expectLength(f, 5, 'ReducerResult')
        return { type: 'ReducerResult', requestId, ok: true, value: f[3], durable: bool(f[4], 'ReducerResult.durable') }
      }
      expectLength(f, 5, 'ReducerResult')
      return {
        type: 'ReducerResult',
        requestId,
        ok: false,
        code: str(f[3], 'ReducerResult.code'),
        message: str(f[4], 'ReducerResult.message'),
      }
    }
    case MessageType.Pong:
      expectLength(f, 3, 'Pong')
      return { type: 'Pong', clientTime: finite(f[1], 'Pong.clientTime'), serverTime: finite(f[2], 'Pong.serverTime') }
    case MessageType.Error: {
      expectLength(f, 4, 'Error')
      const requestId = f[3] === null ? null : u32(f[3], 'Error.requestId')
      return { type: 'Error', code: str(f[1], 'Error.code'), message: str(f[2], 'Error.message'), requestId }
    }
    case MessageType.Unsubscribed:
      expectLength(f, 3, 'Unsubscribed')
      return { type: 'Unsubscribed', requestId: u32(f[1], 'Unsubscribed.requestId'), queryId: u32(f[2], 'Unsubscribed.queryId') }
    case MessageType.TokenRefreshed:
      expectLength(f, 3, 'TokenRefreshed')
      return { type: 'TokenRefreshed', requestId: u32(f[1], 'TokenRefreshed.requestId'), token: str(f[2], 'TokenRefreshed.token') }
    default:
      throw new ProtocolError('ERR_UNKNOWN_MESSAGE', `unknown server message tag ${describeTag(f[0])}`)
  }
}
