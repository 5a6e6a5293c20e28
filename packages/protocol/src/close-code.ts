/**
 * WebSocket close codes used by Orrery (RFC 6455 codes below 4000, application codes 4000-4999).
 *
 * | code | name | sent by | reconnect? |
 * |---|---|---|---|
 * | 1000 | Normal | either | no (the closing side meant it) |
 * | 1001 | GoingAway | either | yes |
 * | 1009 | MessageTooBig | either | yes |
 * | 1011 | InternalError | server | yes, after backoff |
 * | 4000 | ProtocolError | server | yes |
 * | 4001 | UnsupportedVersion | server | no |
 * | 4002 | AuthFailed | server | no |
 * | 4003 | HandshakeTimeout | server | yes |
 * | 4004 | RateLimited | server | yes, after backoff |
 * | 4005 | SlowConsumer | server | yes |
 * | 4006 | ServerShutdown | server | yes |
 * | 4007 | SessionReplaced | server | no |
 * | 4008 | UnexpectedMessage | server | yes |
 * | 4009 | TokenExpired | server | yes, signing in again |
 * | 4010 | TokenRefused | server | yes, without the token (sign in with the key) |
 * | 4011 | IdleTimeout | server | yes (the server heard nothing from the client for its idle timeout) |
 * | 4012 | ServerFull | server | yes, after backoff |
 * | 4013 | TooManyConnections | server | yes, after backoff (close another connection first) |
 *
 * @example
 * ```ts
 * declare const socket: WebSocket
 * socket.close(CloseCode.AuthFailed, 'bad token')
 * ```
 * @see https://www.rfc-editor.org/rfc/rfc6455#section-7.4 for the registered range
 */
export const CloseCode = {
  /** The purpose of the connection is fulfilled. */
  Normal: 1000,
  /** The peer is going away (page navigation, process exit). */
  GoingAway: 1001,
  /** A frame was larger than the receiver accepts. */
  MessageTooBig: 1009,
  /** The server met an unexpected condition while serving this connection (e.g. a custom authenticator threw); others go on. */
  InternalError: 1011,
  /** A frame could not be decoded or validated. */
  ProtocolError: 4000,
  /** The Hello's protocol version has a major this server does not speak. */
  UnsupportedVersion: 4001,
  /** The Authenticate answer was refused. */
  AuthFailed: 4002,
  /** The handshake did not complete in time. */
  HandshakeTimeout: 4003,
  /** The client sent more messages per second than allowed. */
  RateLimited: 4004,
  /** The client did not read its updates fast enough and its outbox overflowed. */
  SlowConsumer: 4005,
  /** The server is shutting down. */
  ServerShutdown: 4006,
  /** Another connection resumed or took over this session. */
  SessionReplaced: 4007,
  /** A well-formed message arrived in a state where it is not allowed (e.g. CallReducer before Welcome). */
  UnexpectedMessage: 4008,
  /** The session's token expired before the client refreshed it; sign in again. */
  TokenExpired: 4009,
  /** The token presented in the handshake was refused (expired, unknown key, another server's); discard it and answer with a signature. */
  TokenRefused: 4010,
  /** The server received nothing from the client (not even a Pong to its Ping) for its idle timeout; the socket is presumed dead. */
  IdleTimeout: 4011,
  /** The server holds as many connections as it accepts (`maxConnections`). */
  ServerFull: 4012,
  /** The client's IP address holds as many connections as one address may (`maxConnectionsPerIp`). */
  TooManyConnections: 4013,
} as const

/** One of the numeric values of {@link CloseCode}. */
export type CloseCodeValue = (typeof CloseCode)[keyof typeof CloseCode]

/** One of the names of {@link CloseCode}. */
export type CloseCodeName = keyof typeof CloseCode

const NO_RECONNECT: ReadonlySet<number> = new Set<number>([
  CloseCode.Normal,
  CloseCode.UnsupportedVersion,
  CloseCode.AuthFailed,
  CloseCode.SessionReplaced,
])

/**
 * Tells whether a client should reconnect after the server closed with `code`.
 *
 * @param code - the numeric close code of the WebSocket close event
 * @returns `false` for Normal, UnsupportedVersion, AuthFailed and SessionReplaced, `true` otherwise
 * @example
 * ```ts
 * shouldReconnect(CloseCode.ServerShutdown) // true
 * shouldReconnect(CloseCode.AuthFailed) // false
 * ```
 */
export function shouldReconnect(code: number): boolean {
  return !NO_RECONNECT.has(code)
}

/**
 * The name of a known close code, for logs.
 *
 * @param code - a numeric close code
 * @returns its {@link CloseCodeName}, or `undefined` for codes this protocol does not define
 * @example
 * ```ts
 * closeCodeName(4002) // 'AuthFailed'
 * ```
 */
export function closeCodeName(code: number): CloseCodeName | undefined {
  for (const name of Object.keys(CloseCode) as CloseCodeName[]) {
    if (CloseCode[name] === code) return name
  }
  return undefined
}
