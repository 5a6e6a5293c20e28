/** Options of {@link Presence.set}. */
export interface PresenceSetOptions {
  /**
   * Time to live, ms: the key is gone after it. Without it the key is owned by this presence: it lives while the
   * presence does (a lease renewed in the background, so a crashed process's keys still expire) and is deleted by
   * `close()`.
   */
  readonly ttlMs?: number
}

/** Stops a subscription; resolves once the channel is left. */
export type Unsubscribe = () => Promise<void>

/**
 * Shared state for module code across the worlds of one process (in memory) or of every process of a cluster
 * (Redis): key/value with TTLs and pub/sub. For example a global leaderboard or cross-world chat.
 */
export interface Presence {
  /**
   * Sets `key` to `value`.
   * @param key - any string; the implementation prefixes it
   * @param value - any string (JSON for structured values)
   * @param options - `ttlMs`, see {@link PresenceSetOptions}
   * @throws {ClusterError} `ERR_CLOSED` after close; `ERR_REDIS` when Redis fails
   */
  set(key: string, value: string, options?: PresenceSetOptions): Promise<void>
  /** The value of `key`, or null when it is unset or expired. @throws {ClusterError} `ERR_CLOSED`, `ERR_REDIS` */
  get(key: string): Promise<string | null>
  /** Deletes `key`; resolves true when it existed. @throws {ClusterError} `ERR_CLOSED`, `ERR_REDIS` */
  delete(key: string): Promise<boolean>
  /**
   * Sends `message` to every subscriber of `channel` (in every process of a cluster).
   * @returns how many subscriptions it reached (Redis: subscribed connections)
   * @throws {ClusterError} `ERR_CLOSED`, `ERR_REDIS`
   */
  publish(channel: string, message: string): Promise<number>
  /**
   * Calls `listener` with each message published on `channel` from now on.
   * @returns the function that ends this subscription
   * @throws {ClusterError} `ERR_CLOSED`, `ERR_REDIS`
   */
  subscribe(channel: string, listener: (message: string) => void): Promise<Unsubscribe>
  /** Deletes the keys this presence owns, leaves every channel and closes its connections. */
  close(): Promise<void>
}
