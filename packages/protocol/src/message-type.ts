/**
 * The numeric tag that opens every frame: `[tag, ...fields]`.
 *
 * Client → server tags are 0x01-0x3f, server → client tags are 0x41-0x7f.
 *
 * @example
 * ```ts
 * MessageType.TransactionUpdate // 0x44
 * ```
 */
export const MessageType = {
  Hello: 0x01,
  Authenticate: 0x02,
  Subscribe: 0x03,
  Unsubscribe: 0x04,
  CallReducer: 0x05,
  Ping: 0x06,
  RefreshToken: 0x07,
  SetArea: 0x08,
  Challenge: 0x41,
  Welcome: 0x42,
  SubscribeApplied: 0x43,
  TransactionUpdate: 0x44,
  ReducerResult: 0x45,
  Pong: 0x46,
  Error: 0x47,
  Unsubscribed: 0x48,
  TokenRefreshed: 0x49,
} as const

/** The name of a message, as used in the `type` field of the decoded value. */
export type MessageTypeName = keyof typeof MessageType
