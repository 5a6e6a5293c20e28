export { createConnection } from './connection.js'
export type {
  AuthAnswer,
  AuthChallenge,
  Connection,
  ConnectionEvents,
  ConnectionOptions,
  ConnectionState,
  ConnectionStats,
  ResumeInfo,
} from './connection-types.js'
export type { ConnectionTransition } from './connection-machine.js'
export type { ConnectionHealth } from './link-health.js'
export type { CircuitState } from './reconnect-policy.js'
export { ConnectionError } from './connection-error.js'
export type { ConnectionErrorCode, ConnectionErrorOptions } from './connection-error.js'
export { DEFAULT_RECONNECT, backoffDelay } from './backoff.js'
export type { ReconnectOptions } from './backoff.js'
export { RttEstimator } from './rtt-estimator.js'
export { defaultAuth } from './default-auth.js'
export type { CloseEventLike, MessageEventLike, WebSocketConstructorLike, WebSocketLike } from './websocket-like.js'
