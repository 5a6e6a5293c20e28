export { ProtocolError } from './protocol-error.js'
export type { ProtocolErrorCode } from './protocol-error.js'
export { PROTOCOL_VERSION, isCompatibleVersion, parseProtocolVersion } from './version.js'
export { framesFromProtocols, MAX_UPGRADE_FRAMES, UPGRADE_FRAMES_PROTOCOL, upgradeProtocols } from './upgrade-frames.js'
export type { ProtocolVersion } from './version.js'
export { CloseCode, closeCodeName, shouldReconnect } from './close-code.js'
export type { CloseCodeName, CloseCodeValue } from './close-code.js'
export { ERROR_CODES, isErrorCode } from './error-code.js'
export type { ErrorCode } from './error-code.js'
export { MessageType } from './message-type.js'
export type { MessageTypeName } from './message-type.js'
export type {
  Area,
  AuthMethod,
  Authenticate,
  CallReducer,
  Challenge,
  ClientMessage,
  ErrorMessage,
  Hello,
  Message,
  Ping,
  Pong,
  ProtocolEvent,
  ReducerResult,
  ReducerResultErr,
  ReducerResultOk,
  RefreshToken,
  ServerMessage,
  SetArea,
  Subscribe,
  SubscribeApplied,
  TableUpdate,
  TokenRefreshed,
  TransactionUpdate,
  Unsubscribe,
  Unsubscribed,
  Welcome,
} from './messages.js'
export { DEFAULT_DECODE_LIMITS } from './limits.js'
export type { DecodeLimits } from './limits.js'
export { encodeClientMessage } from './encode-client.js'
export { encodeServerMessage } from './encode-server.js'
export { decodeClientMessage } from './decode-client.js'
export { NONCE_LENGTH, decodeServerMessage } from './decode-server.js'
export { DEFAULT_MAX_STRING_VALUE_LENGTH, VALUE_TYPES, isValidValue, isValueType } from './value-type.js'
export type { ValueOf, ValueType } from './value-type.js'
export { decodeArgs, encodeArgs } from './args.js'
export type { ArgsOf, ArgsOptions, ArgsSchema } from './args.js'
export { MAX_COMPONENT_FIELDS, argsSchemaOf, describeSchema, tableIdOf, validateSchemaDescription } from './schema-description.js'
export type {
  ComponentDescription,
  DescribableComponent,
  FieldDescription,
  ReducerDescription,
  SchemaDescription,
} from './schema-description.js'
