import { ClusterError } from './cluster-error.js'
import type { Presence, PresenceSetOptions, Unsubscribe } from './presence.js'

/** Options of {@link createMemoryPresence}. */
export interface MemoryPresenceOptions {
  /** The time source of TTLs, ms. Default `Date.now`. */
  readonly now?: () => number
}

interface Entry {
  readonly value: string
  /** Expiry time, ms, or Infinity for an owned key. */
  readonly expiresAt: number
}

/**
 * A {@link Presence} for one process: the worlds of one world host share it. Expired keys are dropped when read.
 *
 * @param options - the clock, see {@link MemoryPresenceOptions}
 * @returns the presence
 * @example
 * ```ts
 * const presence = createMemoryPresence()
 * await presence.set('leader', 'ada', { ttlMs: 60_000 })
 * const off = await presence.subscribe('chat', (message) => console.log(message))
 * await presence.publish('chat', 'hello')
 * await off()
 * ```
 */
export function createMemoryPresence(options: MemoryPresenceOptions = {}): Presence {
  const now = options.now ?? Date.now
  const entries = new Map<string, Entry>()
  const channels = new Map<string, Set<(message: string) => void>>()
  let closed = false
  const open = (): void => {
    if (closed) throw new ClusterError('ERR_CLOSED', 'the presence was closed')
  }
  const live = (key: string): Entry | undefined => {
    const entry = entries.get(key)
    if (entry !== undefined && entry.expiresAt <= now()) {
      entries.delete(key)
      return undefined
    }
    return entry
  }
  return {
    async set(key: string, value: string, setOptions: PresenceSetOptions = {}) {
      open()
      const ttl = setOptions.ttlMs
      if (ttl !== undefined && !(ttl > 0)) throw new ClusterError('ERR_INVALID_OPTIONS', `ttlMs must be > 0, got ${ttl}`)
      entries.set(key, { value, expiresAt: ttl === undefined ? Number.POSITIVE_INFINITY : now() + ttl })
    },
    async get(key: string) {
      open()
      return live(key)?.value ?? null
    },
    async delete(key: string) {
      open()
      const existed = live(key) !== undefined
      entries.delete(key)
      return existed
    },
    async publish(channel: string, message: string) {
      open()
      const listeners = [...(channels.get(channel) ?? [])]
      for (const listener of listeners) listener(message)
      return listeners.length
    },
    async subscribe(channel: string, listener: (message: string) => void): Promise<Unsubscribe> {
      open()
      let set = channels.get(channel)
      if (set === undefined) {
        set = new Set()
        channels.set(channel, set)
      }
      // A wrapper per call: the same function subscribed twice is two subscriptions.
      const wrapped = (message: string): void => listener(message)
      set.add(wrapped)
      return async () => {
        set.delete(wrapped)
        if (set.size === 0 && channels.get(channel) === set) channels.delete(channel)
      }
    },
    async close() {
      closed = true
      entries.clear()
      channels.clear()
    },
  }
}
