/** Metadata of a world that matchmaking filters on (equality per key). */
export type WorldMetadata = Readonly<Record<string, string | number | boolean>>

/** What a process reports with each heartbeat. */
export interface ProcessLoad {
  /** Where clients and other processes reach it: `http://host:port` (its WebSocket worlds are under `ws://host:port/worlds/<id>`). */
  readonly address: string
  /** Connected clients over all its worlds. */
  readonly clients: number
  /** Tick time, ms: the sum over its worlds of the mean tick duration. */
  readonly tickMs: number
}

/** A live process of the cluster. */
export interface ProcessInfo extends ProcessLoad {
  readonly id: string
  /** Worlds it hosts (placed on it). */
  readonly worlds: number
  /** When its heartbeat runs out, ms since the epoch (Redis time). */
  readonly expiresAt: number
}

/** A world as the registry records it. */
export interface WorldSpec {
  /** Unique id (URL-safe: letters, digits, `-`, `_`). */
  readonly id: string
  /** Its module's name. */
  readonly kind: string
  /** Seat limit: clients connected plus seats reserved never exceed it. */
  readonly seats: number
  /** Kept when empty and recreated from its commit log after its process dies. */
  readonly durable: boolean
  readonly metadata: WorldMetadata
}

/** A world and where it lives. */
export interface WorldInfo extends WorldSpec {
  /** The process hosting it. */
  readonly processId: string
  /** Seats taken: occupants plus unexpired reservations. */
  readonly taken: number
}

/** A matchmaking request: a seat in a world of `kind` whose metadata matches `filters`, or in a new one. */
export interface JoinRequest {
  readonly kind: string
  /** Metadata values a world must have; a new world gets them. Default {}. */
  readonly filters?: WorldMetadata
  /** Seat limit of a new world. */
  readonly seats: number
  /** Whether a new world is durable. Default false. */
  readonly durable?: boolean
  /** More metadata of a new world. */
  readonly metadata?: WorldMetadata
  /** How long the reservation holds before it expires, ms. Default 15 000. */
  readonly reservationTtlMs?: number
}

/** A reserved seat: the client connects to `address` + `/worlds/<worldId>?ticket=<ticket>` before `expiresAt`. */
export interface SeatReservation {
  readonly worldId: string
  readonly kind: string
  readonly processId: string
  /** The hosting process's address (see {@link ProcessLoad.address}). */
  readonly address: string
  /** The reservation's id; presented on connect, it becomes the seat's occupant id. */
  readonly ticket: string
  /** Expiry, ms since the epoch (Redis time). */
  readonly expiresAt: number
  /** Whether this request created the world. */
  readonly created: boolean
}

/**
 * What consuming a ticket on connect gave: `reserved` (its reservation became a seat), `seated` (it holds a seat
 * already: a reconnect), `direct` (no valid reservation, a free seat was taken), `full`, or `unknown` (no such world).
 */
export type ConsumeResult = 'reserved' | 'seated' | 'direct' | 'full' | 'unknown'

/** A durable world moved off a dead process. */
export interface MovedWorld {
  readonly worldId: string
  readonly kind: string
  /** The live process it now belongs to. */
  readonly processId: string
}

/** What a heartbeat learned. */
export interface HeartbeatResult {
  /** The registry had lost this process (first heartbeat, expiry, or a Redis restart): re-register its worlds. */
  readonly rebuilt: boolean
  /** Ids of the worlds placed on this process. */
  readonly worlds: readonly string[]
}

/**
 * The registry of processes and worlds, and seat reservation: in Redis for a cluster, in memory for one process.
 * Every method may throw {@link ClusterError} `ERR_REDIS` (Redis implementation) and `ERR_CLOSED` after dispose.
 */
export interface Registry {
  /** This process's id. */
  readonly processId: string
  /** Records this process as live for the heartbeat TTL with its load; keeps its worlds' keys alive. */
  heartbeat(load: ProcessLoad): Promise<HeartbeatResult>
  /** Live processes. */
  processes(): Promise<ProcessInfo[]>
  /**
   * Reserves a seat in a matching world with a free seat, else creates a world on the least-loaded live process
   * and reserves a seat there, atomically: concurrent calls never overbook a world nor create one while another
   * matching world has room.
   * @throws {ClusterError} `ERR_NO_PROCESS` when no process is live
   */
  joinOrCreate(request: JoinRequest): Promise<SeatReservation>
  /**
   * Reserves a seat in a known world.
   * @throws {ClusterError} `ERR_UNKNOWN_WORLD`, `ERR_WORLD_FULL`
   */
  reserve(worldId: string, reservationTtlMs?: number): Promise<SeatReservation>
  /**
   * Places a world on this process (a world created through the API, recovered from its log, or re-registered
   * after a Redis restart), with the occupants it already has. Resolves false when a live process holds it.
   */
  registerWorld(world: WorldSpec, occupants?: readonly string[]): Promise<boolean>
  /** Removes a world of this process and its seats. */
  removeWorld(worldId: string): Promise<void>
  /** A world, or null. */
  world(worldId: string): Promise<WorldInfo | null>
  /** The worlds of a kind (every world without `kind`). */
  worlds(kind?: string): Promise<WorldInfo[]>
  /** Turns a ticket into a seat on connect, see {@link ConsumeResult}; `direct` only when `allowDirect`. */
  consume(worldId: string, ticket: string, allowDirect: boolean): Promise<ConsumeResult>
  /** Frees an occupant's seat. */
  release(worldId: string, ticket: string): Promise<void>
  /** The occupant ids of a world. */
  occupants(worldId: string): Promise<string[]>
  /** Moves the durable worlds of processes whose heartbeat ran out to live ones; drops their other worlds. */
  sweep(): Promise<MovedWorld[]>
  /** Removes this process: its non-durable worlds now, its durable ones go to other processes at their next sweep. */
  dispose(): Promise<void>
}

/** Timings of a registry, ms. */
export interface RegistryTimings {
  /** A process is dead this long after its last heartbeat. Default 2 000. */
  readonly processTtlMs?: number
  /** World records live this long past their owner's last heartbeat (then a sweep should have moved them). Default 60 000. */
  readonly worldTtlMs?: number
  /** Weight of one ms of tick time against one client in placement. Default 20. */
  readonly tickWeight?: number
  /** Weight of one world against one client in placement. Default 4. */
  readonly worldWeight?: number
}

/** The placement load of a process: clients + tickMs × tickWeight + worlds × worldWeight. */
export function placementLoad(p: { clients: number; tickMs: number; worlds: number }, timings: Required<RegistryTimings>): number {
  return p.clients + p.tickMs * timings.tickWeight + p.worlds * timings.worldWeight
}

/** {@link RegistryTimings} with defaults. */
export function resolveTimings(timings: RegistryTimings = {}): Required<RegistryTimings> {
  return {
    processTtlMs: timings.processTtlMs ?? 2_000,
    worldTtlMs: timings.worldTtlMs ?? 60_000,
    tickWeight: timings.tickWeight ?? 20,
    worldWeight: timings.worldWeight ?? 4,
  }
}

/** Default reservation life, ms. */
export const DEFAULT_RESERVATION_TTL_MS = 15_000
