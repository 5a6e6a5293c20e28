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
  /**
   * The session to resume, or `null` for a fresh session: its id (from Welcome), the last `seq` the client
   * applied, and (since 2.1) `received`, the number of frames of the session the client processed (every
   * frame after Welcome except Pong, over all its sockets). A server resumes only when `received` is given.
   */
  readonly resume: { readonly sessionId: string; readonly lastSeq: number; readonly received?: number } | null
}

/** Client → server 0x02: answers the Challenge. */
export interface Authenticate {
  readonly type: 'Authenticate'
  readonly method: AuthMethod
  /** The token (method 'token'), the signature over the nonce (method 'signature'), or `null` ('anonymous'). */
  readonly credential: string | Uint8Array | null
}

/**
 * An area of interest: an axis-aligned rectangle in world units plus a margin.
 *
 * An entity enters the view when its position lies within the rectangle grown by `margin` on every
 * side, and leaves it once it lies farther out than that by the server's hysteresis (so an entity on
 * the border does not enter and leave on alternate ticks).
 *
 * @example
 * ```ts
 * const area: Area = { minX: 400, minY: 450, maxX: 560, maxY: 550, margin: 20 }
 * ```
 */
export interface Area {
  readonly minX: number
  readonly minY: number
  readonly maxX: number
  readonly maxY: number
  /** World units added on every side (≥ 0). */
  readonly margin: number
}

/**
 * Client → server 0x03: subscribes to rows of the named components: every row, or (with `area`) the rows
 * of the entities whose position lies in the area.
 */
export interface Subscribe {
  readonly type: 'Subscribe'
  /** u32, echoed by SubscribeApplied or Error. */
  readonly requestId: number
  /** u32 chosen by the client, names the subscription for Unsubscribe and SetArea; an existing one is replaced. */
  readonly queryId: number
  /** Component names, as in `SchemaDescription.components`. With an area, at least one must have a position (spatial index). */
  readonly components: readonly string[]
  /** The area of interest, or `null` for every row of the components. */
  readonly area: Area | null
}

/** Client → server 0x08: moves the area of an area subscription (as the camera moves). */
export interface SetArea {
  readonly type: 'SetArea'
  /** The subscription to move. */
  readonly queryId: number
  readonly area: Area
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
  /** `true` when the Hello's `resume` was honoured (then `schema` is empty: the session's first Welcome's holds). */
  readonly resumed: boolean
  /** The server tick at Welcome; each TransactionUpdate's `tickDelta` counts from the previous one. */
  readonly tick: number
  /** Server time at Welcome, ms since the Unix epoch; each TransactionUpdate's `timeDelta` counts from it. */
  readonly serverTime: number
}

/**
 * The rows of one table that changed in a TransactionUpdate, named by handles (see `TransactionUpdate.binds`).
 *
 * Values travel in each field's wire form: a quantized field (its description has a step) as the integer
 * `round(value / step)`, absolute in `inserts` and as the difference from the last value received for
 * that row and field in `updates`; every other field as its value.
 */
export interface TableUpdate {
  /** u32 index into `SchemaDescription.components`. */
  readonly tableId: number
  /** Rows that entered the view: flat `[handle, f0, f1, ..., handle, f0, ...]`, stride `1 + fieldCount`. */
  readonly inserts: readonly unknown[]
  /**
   * Changed rows in runs of one mask: `[head, handle, <one value per set bit, in field order>, gap, ..., head, ...]`
   * with `head = count × 2^fields + mask` (docs/protocol.md §7).
   */
  readonly updates: readonly unknown[]
  /** Handles whose row of this table left the view. */
  readonly deletes: readonly number[]
}

/** An event emitted by a transaction. */
export interface ProtocolEvent {
  readonly name: string
  readonly payload: unknown
}

/**
 * Server → client 0x43: a subscription is in place; every one of its initial rows arrived in the
 * TransactionUpdates before this frame.
 */
export interface SubscribeApplied {
  readonly type: 'SubscribeApplied'
  readonly requestId: number
  readonly queryId: number
  /** The receiver's state is the state after this `seq`; the next TransactionUpdate has `prevSeq` equal to it. */
  readonly seq: number
}

/**
 * Server → client 0x44: what changed in the receiver's view since its previous update (or Welcome,
 * SubscribeApplied or Unsubscribed). A server sends none for a tick in which nothing the receiver sees
 * changed and none of its calls ran.
 */
export interface TransactionUpdate {
  readonly type: 'TransactionUpdate'
  /** Must equal the receiver's last applied `seq`, otherwise there is a gap (wire: `seq − prevSeq`). */
  readonly prevSeq: number
  /** The state after this update is the world after every transaction up to `seq`. */
  readonly seq: number
  /** Ticks since the previous update (or Welcome). */
  readonly tickDelta: number
  /** Milliseconds of server time since the previous update (or Welcome). */
  readonly timeDelta: number
  /**
   * The requestId of the receiver's latest CallReducer whose effects this state includes (every earlier
   * call's too), or `null` when none ran since the previous update.
   */
  readonly ack: number | null
  /** Handles bound by this update: flat `[handle, entity, handle, entity, ...]`. */
  readonly binds: readonly number[]
  /** Handles released by this update (their entity left the view); applied after the deletes, before the binds. */
  readonly releases: readonly number[]
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
export type ClientMessage = Hello | Authenticate | Subscribe | Unsubscribe | CallReducer | Ping | RefreshToken | SetArea

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
