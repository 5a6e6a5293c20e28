export type { ClusterErrorCode } from './cluster-error.js'
export { ClusterError } from './cluster-error.js'
export type { MemoryPresenceOptions } from './memory-presence.js'
export { createMemoryPresence } from './memory-presence.js'
export type { MemoryRegistryOptions } from './memory-registry.js'
export { createMemoryRegistry } from './memory-registry.js'
export type { Presence, PresenceSetOptions, Unsubscribe } from './presence.js'
export type { RedisConnectionOptions } from './redis-connection.js'
export { DEFAULT_KEY_PREFIX } from './redis-connection.js'
export type { RedisPresenceOptions } from './redis-presence.js'
export { createRedisPresence } from './redis-presence.js'
export type { RedisRegistryOptions } from './redis-registry.js'
export { createRedisRegistry } from './redis-registry.js'
export { randomId } from './random-id.js'
export type {
  ConsumeResult,
  HeartbeatResult,
  JoinRequest,
  MovedWorld,
  ProcessInfo,
  ProcessLoad,
  Registry,
  RegistryTimings,
  SeatReservation,
  WorldInfo,
  WorldMetadata,
  WorldSpec,
} from './registry.js'
export { DEFAULT_RESERVATION_TTL_MS, placementLoad } from './registry.js'
export { HostedWorld, worldPath } from './hosted-world.js'
export type { MatchmakeAnswer } from './matchmake-routes.js'
export { worldUrl } from './matchmake-routes.js'
export type { CreateWorldOptions, WorldHost } from './world-host.js'
export { createWorldHost } from './world-host.js'
export type { WorldContext, WorldHostEvent, WorldHostOptions, WorldKind } from './world-host-options.js'
