import { Redis } from 'ioredis'
import { ClusterError } from './cluster-error.js'

/** How to reach Redis. */
export interface RedisConnectionOptions {
  /** `redis://[:password@]host:port[/db]`. */
  readonly url: string
  /**
   * Prefix of every key and channel. Default `{orrery}:`: the braces make it a Redis Cluster hash tag, so the
   * registry's Lua scripts, which touch many keys, stay on one shard.
   */
  readonly keyPrefix?: string
}

/** The default key prefix. */
export const DEFAULT_KEY_PREFIX = '{orrery}:'

/**
 * Opens an ioredis connection that survives a Redis restart: it reconnects with a growing delay (50 ms steps,
 * at most 1 s) and retries queued commands for up to 60 reconnect attempts before failing them.
 * @param url - the Redis URL
 * @returns the connection (connecting)
 */
export function openRedis(url: string): Redis {
  const redis = new Redis(url, {
    retryStrategy: (times) => Math.min(50 * times, 1000),
    maxRetriesPerRequest: 60,
    enableAutoPipelining: true,
  })
  // Errors surface on the commands that fail; the connection itself keeps reconnecting.
  redis.on('error', () => {})
  return redis
}

/**
 * Runs a Redis call, turning its failure into a {@link ClusterError}.
 * @throws {ClusterError} `ERR_REDIS` with the Redis error as `cause`
 */
export async function redisCall<T>(what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn()
  } catch (cause) {
    if (cause instanceof ClusterError) throw cause
    throw new ClusterError('ERR_REDIS', `redis ${what} failed: ${cause instanceof Error ? cause.message : String(cause)}`, { cause })
  }
}

/** Quits a connection, or drops it when quitting fails (Redis down). */
export async function quitRedis(redis: Redis): Promise<void> {
  try {
    if (redis.status === 'ready') await redis.quit()
    else redis.disconnect()
  } catch {
    redis.disconnect()
  }
}
