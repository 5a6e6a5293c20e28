/**
 * The codes a {@link SyncError} carries.
 *
 * - `ERR_UNKNOWN_COMPONENT`: a subscription named a component the replicator does not replicate.
 * - `ERR_TOO_MANY_SUBSCRIPTIONS`: a client asked for more subscriptions than `maxSubscriptionsPerClient`.
 * - `ERR_GAP`: an update does not follow the replica's last applied `seq`.
 * - `ERR_SCHEMA_MISMATCH`: the server's schema describes a component with other fields than the local one.
 * - `ERR_INVALID_UPDATE`: a snapshot or update names an unknown table, has a wrong stride, a bad mask or a bad value.
 * - `ERR_UNKNOWN_CLIENT`: a subscription call names a client that was never added (or was removed).
 * - `ERR_DUPLICATE_CLIENT`: `addClient` was called twice with the same client id.
 * - `ERR_UNKNOWN_SUBSCRIPTION`: `setArea` names a queryId that is not an area subscription of that client.
 * - `ERR_NO_POSITION`: an area subscription names no component with a spatial index (nothing has a position).
 * - `ERR_TOO_MANY_TABLES`: more than 32 replicated components (a row's tables are a 32-bit mask).
 * - `ERR_PRIVATE_COMPONENT`: a component with `visibility: 'private'` was listed for replication.
 * - `ERR_INVALID_OPTIONS`: a replicator option is out of range (`initialSeq`, `initialTick`, `predictionTolerance`).
 * - `ERR_INVALID_STATE`: a client state given to `addClient` has another version, was taken at another seq or tick, or does not fit the replicator.
 *
 * @example
 * ```ts
 * const code: SyncErrorCode = 'ERR_UNKNOWN_COMPONENT'
 * ```
 */
export type SyncErrorCode =
  | 'ERR_UNKNOWN_COMPONENT'
  | 'ERR_TOO_MANY_SUBSCRIPTIONS'
  | 'ERR_GAP'
  | 'ERR_SCHEMA_MISMATCH'
  | 'ERR_INVALID_UPDATE'
  | 'ERR_UNKNOWN_CLIENT'
  | 'ERR_DUPLICATE_CLIENT'
  | 'ERR_UNKNOWN_SUBSCRIPTION'
  | 'ERR_NO_POSITION'
  | 'ERR_TOO_MANY_TABLES'
  | 'ERR_PRIVATE_COMPONENT'
  | 'ERR_INVALID_OPTIONS'
  | 'ERR_INVALID_STATE'

/**
 * The one error class of `@orrery/sync`: every failure of the replicator or the replica carries a {@link SyncErrorCode}.
 *
 * @param code - the machine-readable reason, one of {@link SyncErrorCode}
 * @param message - a human-readable explanation
 * @param options - `cause`: the underlying error, if any
 * @example
 * ```ts
 * declare const replicator: Replicator
 * try {
 *   replicator.subscribe('client-1', 1, 1, ['Nope'])
 * } catch (error) {
 *   if (error instanceof SyncError && error.code === 'ERR_UNKNOWN_COMPONENT') {
 *     // answer the client with an Error frame carrying error.code
 *   }
 * }
 * ```
 */
export class SyncError extends Error {
  /** The machine-readable reason. */
  readonly code: SyncErrorCode
  override readonly name = 'SyncError'

  constructor(code: SyncErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.code = code
  }
}
