import type { AuthMethod, ClientMessage, DecodeLimits, ServerMessage, Welcome } from '@orrery/protocol'
import type { Emitter } from 'mitt'
import type { ReconnectOptions } from './backoff.js'
import type { ConnectionError } from './connection-error.js'
import type { ConnectionTransition } from './connection-machine.js'
import type { ConnectionHealth } from './link-health.js'
import type { WebSocketConstructorLike } from './websocket-like.js'

/**
 * Where a connection is:
 * - 'disconnected': not started, or closed by `close()` or a Normal (1000) close from the server;
 * - 'connecting': the first socket is opening or handshaking;
 * - 'connected': Welcome received, messages flow;
 * - 'reconnecting': dropped, waiting for the backoff delay or handshaking again;
 * - 'failed': gave up (UnsupportedVersion, AuthFailed, SessionReplaced, attempts exhausted, auth seam threw).
 */
export type ConnectionState = 'disconnected' | 'connecting' | 'connected' | 'reconnecting' | 'failed'

/** What the server's Challenge offers the auth seam. */
export interface AuthChallenge {
  /** 32 random bytes to sign for method 'signature'. */
  readonly nonce: Uint8Array
  /** The methods the server accepts. */
  readonly methods: readonly string[]
  /** The token known to the connection (from options or the last Welcome), if any. */
  readonly token: string | null
}

/** The client's answer to a Challenge, sent as Authenticate. */
export interface AuthAnswer {
  readonly method: AuthMethod
  readonly credential: string | Uint8Array | null
}

/** Where to resume: the session of the last Welcome, the last applied seq, and the frames of the session processed. */
export interface ResumeInfo {
  readonly sessionId: string
  readonly lastSeq: number
  /** Frames of the session processed (every frame after Welcome but Pong). Default: the connection's own count. */
  readonly received?: number
}

/** Traffic counters since the connection was created (all sockets). */
export interface ConnectionStats {
  /** Bytes of binary frames sent. */
  readonly bytesSent: number
  /** Bytes of binary frames received. */
  readonly bytesReceived: number
  readonly messagesSent: number
  readonly messagesReceived: number
}

/** Options of `createConnection`. Durations in milliseconds. */
export interface ConnectionOptions {
  /** `ws://` or `wss://` URL of the server. */
  readonly url: string
  /** Token presented in Hello; replaced by each Welcome and TokenRefreshed. */
  readonly token?: string | null
  /** The auth seam: answers the Challenge. Default: 'token' with the known token, else 'anonymous'. */
  readonly auth?: (challenge: AuthChallenge) => Promise<AuthAnswer> | AuthAnswer
  /**
   * An answer to send right behind Hello, before the Challenge, to save a round trip: only method 'token'
   * (signatures need the Challenge's nonce). Return null to wait for the Challenge. Default: with the default
   * `auth`, the known token; with a custom `auth`, none. After a server closes such a handshake with 4008
   * (a server older than 2.1), the connection stops sending it early.
   */
  readonly earlyAuth?: (token: string | null) => AuthAnswer | null
  /**
   * Carry Hello (and an early token answer) in the WebSocket upgrade request as subprotocols (protocol 2.2),
   * saving a round trip on every connect and resume. A server that does not take them selects another
   * subprotocol or none, and the connection then sends them on the socket. Turn it off behind a proxy that
   * refuses long `Sec-WebSocket-Protocol` headers. Default true.
   */
  readonly framesInUpgrade?: boolean
  /**
   * Asked before each Hello; `null` for a fresh session. With this option, requests in flight when a socket
   * drops stay pending: after a resumed Welcome they are sent again (the server ignores those it saw), after
   * a fresh one they fail with `ERR_DISCONNECTED` (they may or may not have run).
   */
  readonly resume?: () => ResumeInfo | null
  /**
   * Reconnect policy: backoff (250 ms initial, 10 000 ms max, ×2, full jitter), reset after `stableAfterMs`
   * (10 000) connected, a circuit breaker (open after `breakerThreshold` = 8 failed connects in a row, for
   * `breakerOpenMs` = 30 000, then one try), unlimited attempts by default.
   */
  readonly reconnect?: ReconnectOptions
  /** Default timeout of `request`. Default 10 000. */
  readonly requestTimeoutMs?: number
  /** Time allowed from socket creation to Welcome. Default 10 000. */
  readonly handshakeTimeoutMs?: number
  /** WebSocket class. Default: `globalThis.WebSocket`, else the `ws` package (Node). */
  readonly WebSocket?: WebSocketConstructorLike
  /** Interval of Ping frames while connected; 0 disables them. Default 2 000. */
  readonly pingIntervalMs?: number
  /** A connected socket that receives nothing for this long is dropped and reconnected. Default 3 × pingIntervalMs + 1 000 (off when pings are off). */
  readonly heartbeatTimeoutMs?: number
  /** Limits for decoding server frames. Default: 64 MiB frames, other limits as in `@orrery/protocol`. */
  readonly decodeLimits?: DecodeLimits
  /** Uniform random source in [0, 1) for the backoff jitter. Default `Math.random`. */
  readonly random?: () => number
  /**
   * Bytes of messages `send` and `request` may queue while reconnecting (sent after the next Welcome, in
   * order, once). A message that does not fit is refused with `ERR_OUTBOX_FULL`. Default 65 536.
   */
  readonly outboxBytes?: number
  /** In browsers, retry at once on `online` and when the page becomes visible. Default true. */
  readonly retryOnWake?: boolean
}

/** Events of a connection (mitt). */
export type ConnectionEvents = {
  /** Every state change. */
  state: ConnectionState
  /** Every state change with the state it left and why. */
  transition: ConnectionTransition
  /** Health after each Pong. */
  health: ConnectionHealth
  /** Every completed handshake (first connect and each reconnect); a resumed one with the session's schema filled in. */
  welcome: Welcome
  /** Server messages not consumed by the handshake or by `request`: TransactionUpdate, Error without a pending requestId, late answers... */
  message: ServerMessage
  /** Every socket close, with the close code and reason. */
  close: { readonly code: number; readonly reason: string }
  /** Problems that do not belong to a call: protocol errors, handshake failures, giving up. */
  error: ConnectionError
}

/** A WebSocket session to an Orrery server that handshakes, stays up and correlates requests. */
export interface Connection {
  /** The current {@link ConnectionState}. */
  readonly state: ConnectionState
  /** The last Welcome, or `null` before the first. */
  readonly welcome: Welcome | null
  /** The token to present next (from options, the last Welcome or TokenRefreshed). */
  readonly token: string | null
  /** Smoothed RTT from Ping/Pong in milliseconds, `null` before the first Pong. */
  readonly rttMs: number | null
  /** Reconnect attempts since the last Welcome (0 while connected). */
  readonly attempt: number
  /** Traffic counters. */
  readonly stats: ConnectionStats
  /** RTT, jitter, loss, time connected, reconnects, last failure and the circuit breaker's state. */
  readonly health: ConnectionHealth
  /** Frames of the current session processed: every frame after Welcome but Pong, over all its sockets (a resume's `received`). */
  readonly sessionFrames: number
  /**
   * Starts connecting (if not already) and resolves on the first Welcome, retrying through drops.
   * @throws ConnectionError `ERR_FAILED` / `ERR_HANDSHAKE` when the connection gives up, `ERR_CLOSED` when `close()` is called first, `ERR_NO_WEBSOCKET`
   */
  open(): Promise<Welcome>
  /** Closes the socket (default code 1000) and stops reconnecting; resolves once the socket is closed. */
  close(code?: number, reason?: string): Promise<void>
  /**
   * Drops the open socket (close code 4000) and reconnects with the usual backoff, for a fresh session:
   * e.g. after the replica found a gap. Does nothing unless connected.
   *
   * @param reason - the close reason, for the server's logs
   */
  reconnect(reason?: string): void
  /**
   * Sends one message; while reconnecting (or on a socket already closing) it waits in the outbox for the next Welcome.
   * @throws ConnectionError `ERR_NOT_CONNECTED` when the state is not 'connected' or 'reconnecting'; `ERR_OUTBOX_FULL` when reconnecting and the outbox has no room
   */
  send(message: ClientMessage): void
  /**
   * Sends a request built with a fresh requestId and resolves with the server message carrying that id.
   * While reconnecting it waits in the outbox (and its timeout runs).
   * @throws ConnectionError (as a rejection) `ERR_NOT_CONNECTED`, `ERR_OUTBOX_FULL`, `ERR_TIMEOUT`, `ERR_REMOTE` (Error frame, see `remoteCode`), `ERR_DISCONNECTED`, `ERR_CLOSED`
   */
  request<T extends ServerMessage = ServerMessage>(build: (requestId: number) => ClientMessage, timeoutMs?: number): Promise<T>
  /** Subscribes to an event. */
  on: Emitter<ConnectionEvents>['on']
  /** Unsubscribes from an event. */
  off: Emitter<ConnectionEvents>['off']
}
