import type { Redis } from 'ioredis'
import { ClusterError } from './cluster-error.js'
import type { Presence, PresenceSetOptions, Unsubscribe } from './presence.js'
import { DEFAULT_KEY_PREFIX, openRedis, quitRedis, type RedisConnectionOptions, redisCall } from './redis-connection.js'

/** Options of {@link createRedisPresence}. */
export interface RedisPresenceOptions extends RedisConnectionOptions {
  /** Lease of owned keys (set without `ttlMs`), ms; renewed every third of it while the presence lives. Default 10 000. */
  readonly leaseMs?: number
}

/**
 * A {@link Presence} on Redis, shared by every process of a cluster: keys are `<prefix>x:<key>`, channels
 * `<prefix>c:<channel>`. Two connections: one for commands, one for subscriptions; both reconnect after a
 * Redis restart, subscriptions are renewed and owned keys written again.
 *
 * @param options - Redis URL, key prefix and lease, see {@link RedisPresenceOptions}
 * @returns the presence
 * @throws {ClusterError} `ERR_INVALID_OPTIONS` when `leaseMs` < 100
 * @example
 * ```ts
 * const presence = createRedisPresence({ url: 'redis://127.0.0.1:6379' })
 * const off = await presence.subscribe('chat', (message) => console.log(message))
 * await presence.publish('chat', 'hello from another process')
 * ```
 */
export function createRedisPresence(options: RedisPresenceOptions): Presence {
  const leaseMs = options.leaseMs ?? 10_000
  if (!(leaseMs >= 100)) throw new ClusterError('ERR_INVALID_OPTIONS', `leaseMs must be >= 100, got ${leaseMs}`)
  return new RedisPresence(openRedis(options.url), options.keyPrefix ?? DEFAULT_KEY_PREFIX, leaseMs)
}

class RedisPresence implements Presence {
  private subscriber: Redis | null = null
  private readonly listeners = new Map<string, Set<(message: string) => void>>()
  /** The SUBSCRIBE of each channel, so that a second subscriber waits for it too. */
  private readonly subscribed = new Map<string, Promise<unknown>>()
  private readonly owned = new Map<string, string>()
  private readonly renewal: ReturnType<typeof setInterval>
  private closed = false

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly leaseMs: number,
  ) {
    this.renewal = setInterval(() => this.renew(), Math.floor(leaseMs / 3))
    this.renewal.unref()
  }

  async set(key: string, value: string, options: PresenceSetOptions = {}): Promise<void> {
    this.open()
    const ttl = options.ttlMs
    if (ttl !== undefined && !(ttl > 0)) throw new ClusterError('ERR_INVALID_OPTIONS', `ttlMs must be > 0, got ${ttl}`)
    if (ttl === undefined) this.owned.set(key, value)
    else this.owned.delete(key)
    await redisCall('SET', () => this.redis.set(this.key(key), value, 'PX', Math.ceil(ttl ?? this.leaseMs)))
  }

  async get(key: string): Promise<string | null> {
    this.open()
    return redisCall('GET', () => this.redis.get(this.key(key)))
  }

  async delete(key: string): Promise<boolean> {
    this.open()
    this.owned.delete(key)
    return (await redisCall('DEL', () => this.redis.del(this.key(key)))) > 0
  }

  async publish(channel: string, message: string): Promise<number> {
    this.open()
    return redisCall('PUBLISH', () => this.redis.publish(this.channel(channel), message))
  }

  async subscribe(channel: string, listener: (message: string) => void): Promise<Unsubscribe> {
    this.open()
    const subscriber = this.subscriberConnection()
    const name = this.channel(channel)
    let set = this.listeners.get(name)
    const wrapped = (message: string): void => listener(message)
    if (set === undefined) {
      set = new Set()
      this.listeners.set(name, set)
      this.subscribed.set(name, redisCall('SUBSCRIBE', () => subscriber.subscribe(name)))
    }
    set.add(wrapped)
    const own = set
    try {
      await this.subscribed.get(name)
    } catch (error) {
      own.delete(wrapped)
      if (own.size === 0 && this.listeners.get(name) === own) {
        this.listeners.delete(name)
        this.subscribed.delete(name)
      }
      throw error
    }
    return async () => {
      own.delete(wrapped)
      if (own.size > 0 || this.listeners.get(name) !== own) return
      this.listeners.delete(name)
      this.subscribed.delete(name)
      if (!this.closed) await redisCall('UNSUBSCRIBE', () => subscriber.unsubscribe(name))
    }
  }

  async close(): Promise<void> {
    if (this.closed) return
    clearInterval(this.renewal)
    const keys = [...this.owned.keys()].map((key) => this.key(key))
    this.owned.clear()
    if (keys.length > 0 && this.redis.status === 'ready') {
      try {
        await this.redis.del(...keys)
      } catch {
        // Their lease ends them.
      }
    }
    this.closed = true
    this.listeners.clear()
    this.subscribed.clear()
    const subscriber = this.subscriber
    this.subscriber = null
    await Promise.all([quitRedis(this.redis), subscriber === null ? Promise.resolve() : quitRedis(subscriber)])
  }

  private subscriberConnection(): Redis {
    if (this.subscriber !== null) return this.subscriber
    const subscriber = this.redis.duplicate()
    subscriber.on('error', () => {})
    subscriber.on('message', (channel: string, message: string) => {
      const set = this.listeners.get(channel)
      if (set === undefined) return
      for (const listener of [...set]) listener(message)
    })
    this.subscriber = subscriber
    return subscriber
  }

  /** Writes owned keys again with a fresh lease (after a Redis restart they come back). */
  private renew(): void {
    if (this.owned.size === 0 || this.redis.status !== 'ready') return
    const pipeline = this.redis.pipeline()
    for (const [key, value] of this.owned) pipeline.set(this.key(key), value, 'PX', this.leaseMs)
    pipeline.exec().catch(() => {})
  }

  private open(): void {
    if (this.closed) throw new ClusterError('ERR_CLOSED', 'the presence was closed')
  }

  private key(key: string): string {
    return `${this.prefix}x:${key}`
  }

  private channel(channel: string): string {
    return `${this.prefix}c:${channel}`
  }
}
