import type { SchemaDescription } from './schema-description.js'

/** How a client proves who it is in its Authenticate answer. */
export type AuthMethod = 'anonymous' | 'token' | 'signature'

/** Client → server 0x01: opens the handshake. */
export interface Hello {
  readonly type: 'Hello'
  /** `major.minor`, normally `PROTOCOL_VERSION`. */
  readonly protocolVersion: string
  /** A token from an earlier Welcome or TokenRefreshed, or `null`. */
  readonly token: string | null
  /** The session to resume and the last `seq` the client applied, or `null` for a fresh session. */
  readonly resume: { readonly sessionId: string; readonly lastSeq: number } | null
}

/** Client → server 0x02: answers the Challenge. */
export interface Authenticate {
  readonly type: 'Authenticate'
  readonly method: AuthMethod
  /** The token (method 'token'), the signature over the nonce (method 'signature'), or `null` ('anonymous'). */
  readonly credential: string | Uint8Array | null
}

/** Client → server 0x03: subscribes to every row of the named components. */
export interface Subscribe {
  readonly type: 'Subscribe'
  /** u32, echoed by SubscribeApplied or Error. */
  readonly requestId: number
  /** u32 chosen by the client, names the subscription for Unsubscribe. */
  readonly queryId: number
  /** Component names, as in `SchemaDescription.components`. */
  readonly components: readonly string[]
}

/** Client → server 0x04: ends a subscription. */
export interface Unsubscribe {
  readonly type: 'Unsubscribe'
  readonly requestId: number
  readonly queryId: number
}

/** Client → server 0x05: calls a reducer. */
export interface CallReducer {
  readonly type: 'CallReducer'
  /** u32, echoed by ReducerResult or Error. */
  readonly requestId: number
  readonly reducer: string
  /** Positional arguments in the key order of the reducer's `ArgsSchema` (see `encodeArgs`). */
  readonly args: readonly unknown[]
}

/** Client → server 0x06: heartbeat and RTT probe. */
export interface Ping {
  readonly type: 'Ping'
  /** The client's clock in milliseconds, echoed by Pong. */
  readonly clientTime: number
}

/** Client → server 0x07: asks for a fresh token. */
export interface RefreshToken {
  readonly type: 'RefreshToken'
  readonly requestId: number
}

/** Server → client 0x41: the server's answer to Hello. */
export interface Challenge {
  readonly type: 'Challenge'
  /** 32 random bytes; a 'signature' answer signs them. */
  readonly nonce: Uint8Array
  /** The AuthMethods the server accepts. */
  readonly methods: readonly string[]
}

/** Server → client 0x42: the handshake is complete. */
export interface Welcome {
  readonly type: 'Welcome'
  readonly identity: string
  /** Present it in the next Hello. */
  readonly token: string
  readonly sessionId: string
  /** Ticks per second (Hz). */
  readonly tickRate: number
  readonly schema: SchemaDescription
  /** The last committed `seq`; the next TransactionUpdate has `prevSeq` equal to it. */
  readonly seq: number
  /** `true` when the Hello's `resume` was honoured. */
  readonly resumed: boolean
}

/** All rows of one table: flat `[e, f0, f1, ..., e, f0, f1, ...]`, stride `1 + fieldCount`. */
export interface TableSnapshot {
  /** u32 index into `SchemaDescription.components`. */
  readonly tableId: number
  readonly rows: readonly unknown[]
}

/** The rows of one table that changed in a TransactionUpdate. */
export interface TableUpdate {
  /** u32 index into `SchemaDescription.components`. */
  readonly tableId: number
  /** Rows that entered the view, flat like {@link TableSnapshot.rows}. */
  readonly inserts: readonly unknown[]
  /** Flat `[e, mask, <one value per set bit of mask, in field order>, e, mask, ...]`. */
  readonly updates: readonly unknown[]
  /** Entities whose row left the view. */
  readonly deletes: readonly number[]
}

/** An event emitted by a transaction. */
export interface ProtocolEvent {
  readonly name: string
  readonly payload: unknown
}

/** Server → client 0x43: the initial rows of a subscription. */
export interface SubscribeApplied {
  readonly type: 'SubscribeApplied'
  readonly requestId: number
  readonly queryId: number
  /** The rows are the state after this `seq`. */
  readonly seq: number
  readonly tables: readonly TableSnapshot[]
}

/** Server → client 0x44: the changes of every transaction committed since `prevSeq`. */
export interface TransactionUpdate {
  readonly type: 'TransactionUpdate'
  /** Must equal the receiver's last applied `seq`, otherwise there is a gap. */
  readonly prevSeq: number
  readonly seq: number
  readonly tick: number
  /** Milliseconds since the Unix epoch. */
  readonly serverTime: number
  readonly tables: readonly TableUpdate[]
  readonly events: readonly ProtocolEvent[]
}

/** Server → client 0x45: a reducer call succeeded. */
export interface ReducerResultOk {
  readonly type: 'ReducerResult'
  readonly requestId: number
  readonly ok: true
  /** What the reducer returned (`undefined` travels as `null`). */
  readonly value: unknown
  /**
   * True when the server answered after the transaction's commit-log entry was on disk; false or
   * absent when it answered before (an in-memory log, or no durable guarantee). Optional on the wire.
   */
  readonly durable?: boolean
}

/** Server → client 0x45: a reducer call failed and was rolled back. */
export interface ReducerResultErr {
  readonly type: 'ReducerResult'
  readonly requestId: number
  readonly ok: false
  /** A wire `ErrorCode` or an application code. */
  readonly code: string
  readonly message: string
}

/** Server → client 0x45: the outcome of a CallReducer. */
export type ReducerResult = ReducerResultOk | ReducerResultErr

/** Server → client 0x46: answers Ping. */
export interface Pong {
  readonly type: 'Pong'
  /** Echo of Ping.clientTime. */
  readonly clientTime: number
  /** Milliseconds since the Unix epoch when the server answered. */
  readonly serverTime: number
}

/** Server → client 0x47: a request failed, or (requestId `null`) the session has a problem. */
export interface ErrorMessage {
  readonly type: 'Error'
  /** A wire `ErrorCode`; receivers accept unknown codes. */
  readonly code: string
  readonly message: string
  /** u32 of the failed request, or `null`. */
  readonly requestId: number | null
}

/** Server → client 0x48: a subscription ended. */
export interface Unsubscribed {
  readonly type: 'Unsubscribed'
  readonly requestId: number
  readonly queryId: number
}

/** Server → client 0x49: answers RefreshToken. */
export interface TokenRefreshed {
  readonly type: 'TokenRefreshed'
  readonly requestId: number
  readonly token: string
}

/** Every message a client sends. */
export type ClientMessage = Hello | Authenticate | Subscribe | Unsubscribe | CallReducer | Ping | RefreshToken

/** Every message a server sends. */
export type ServerMessage =
  | Challenge
  | Welcome
  | SubscribeApplied
  | TransactionUpdate
  | ReducerResult
  | Pong
  | ErrorMessage
  | Unsubscribed
  | TokenRefreshed

/** Any message of either direction. */
export type Message = ClientMessage | ServerMessage
