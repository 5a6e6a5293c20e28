import { ClusterError } from './cluster-error.js'
import { randomId } from './random-id.js'
import {
  type ConsumeResult,
  DEFAULT_RESERVATION_TTL_MS,
  type HeartbeatResult,
  type JoinRequest,
  type MovedWorld,
  type ProcessInfo,
  type ProcessLoad,
  type Registry,
  type SeatReservation,
  type WorldInfo,
  type WorldMetadata,
  type WorldSpec,
} from './registry.js'

/** Options of {@link createMemoryRegistry}. */
export interface MemoryRegistryOptions {
  readonly processId?: string
  /** The time source of reservation expiry, ms. Default `Date.now`. */
  readonly now?: () => number
}

interface Held {
  spec: WorldSpec
  readonly reservations: Map<string, number>
  readonly occupants: Set<string>
}

/**
 * The {@link Registry} of one process, in memory: every world is placed on this process. The default of a world
 * host without Redis.
 *
 * @param options - process id and clock, see {@link MemoryRegistryOptions}
 * @returns the registry
 */
export function createMemoryRegistry(options: MemoryRegistryOptions = {}): Registry {
  const processId = options.processId ?? randomId()
  const now = options.now ?? Date.now
  const worlds = new Map<string, Held>()
  let load: ProcessLoad = { address: '', clients: 0, tickMs: 0 }
  let disposed = false
  const open = (): void => {
    if (disposed) throw new ClusterError('ERR_CLOSED', 'the registry was disposed')
  }
  const taken = (held: Held): number => {
    const t = now()
    for (const [ticket, expiry] of held.reservations) if (expiry <= t) held.reservations.delete(ticket)
    return held.reservations.size + held.occupants.size
  }
  const info = (held: Held): WorldInfo => ({ ...held.spec, processId, taken: taken(held) })
  const reserveIn = (held: Held, ttl: number, created: boolean): SeatReservation => {
    const ticket = randomId()
    const expiresAt = now() + ttl
    held.reservations.set(ticket, expiresAt)
    return { worldId: held.spec.id, kind: held.spec.kind, processId, address: load.address, ticket, expiresAt, created }
  }
  const matches = (metadata: WorldMetadata, filters: WorldMetadata): boolean => Object.entries(filters).every(([k, v]) => metadata[k] === v)
  return {
    processId,
    async heartbeat(next: ProcessLoad): Promise<HeartbeatResult> {
      open()
      load = next
      return { rebuilt: false, worlds: [...worlds.keys()] }
    },
    async processes(): Promise<ProcessInfo[]> {
      open()
      return [{ id: processId, ...load, worlds: worlds.size, expiresAt: Number.POSITIVE_INFINITY }]
    },
    async joinOrCreate(request: JoinRequest): Promise<SeatReservation> {
      open()
      const filters = request.filters ?? {}
      const ttl = request.reservationTtlMs ?? DEFAULT_RESERVATION_TTL_MS
      for (const held of worlds.values()) {
        if (held.spec.kind === request.kind && matches(held.spec.metadata, filters) && taken(held) < held.spec.seats) return reserveIn(held, ttl, false)
      }
      const spec: WorldSpec = { id: randomId(), kind: request.kind, seats: request.seats, durable: request.durable === true, metadata: { ...request.metadata, ...filters } }
      const held: Held = { spec, reservations: new Map(), occupants: new Set() }
      worlds.set(spec.id, held)
      return reserveIn(held, ttl, true)
    },
    async reserve(worldId: string, ttl = DEFAULT_RESERVATION_TTL_MS): Promise<SeatReservation> {
      open()
      const held = worlds.get(worldId)
      if (held === undefined) throw new ClusterError('ERR_UNKNOWN_WORLD', `no world '${worldId}'`)
      if (taken(held) >= held.spec.seats) throw new ClusterError('ERR_WORLD_FULL', `world '${worldId}' has no free seat`)
      return reserveIn(held, ttl, false)
    },
    async registerWorld(spec: WorldSpec, occupants: readonly string[] = []): Promise<boolean> {
      open()
      const held = worlds.get(spec.id) ?? { spec, reservations: new Map(), occupants: new Set<string>() }
      held.spec = spec
      for (const ticket of occupants) held.occupants.add(ticket)
      worlds.set(spec.id, held)
      return true
    },
    async removeWorld(worldId: string): Promise<void> {
      open()
      worlds.delete(worldId)
    },
    async world(worldId: string): Promise<WorldInfo | null> {
      open()
      const held = worlds.get(worldId)
      return held === undefined ? null : info(held)
    },
    async worlds(kind?: string): Promise<WorldInfo[]> {
      open()
      return [...worlds.values()].filter((held) => kind === undefined || held.spec.kind === kind).map(info)
    },
    async consume(worldId: string, ticket: string, allowDirect: boolean): Promise<ConsumeResult> {
      open()
      const held = worlds.get(worldId)
      if (held === undefined) return 'unknown'
      if (held.occupants.has(ticket)) return 'seated'
      const expiry = held.reservations.get(ticket)
      held.reservations.delete(ticket)
      if (expiry !== undefined && expiry > now()) {
        held.occupants.add(ticket)
        return 'reserved'
      }
      if (!allowDirect || taken(held) >= held.spec.seats) return 'full'
      held.occupants.add(ticket)
      return 'direct'
    },
    async release(worldId: string, ticket: string): Promise<void> {
      open()
      worlds.get(worldId)?.occupants.delete(ticket)
    },
    async occupants(worldId: string): Promise<string[]> {
      open()
      return [...(worlds.get(worldId)?.occupants ?? [])]
    },
    async sweep(): Promise<MovedWorld[]> {
      open()
      return []
    },
    async dispose(): Promise<void> {
      disposed = true
      worlds.clear()
    },
  }
}
