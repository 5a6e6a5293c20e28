import type { CommitLog, ModuleDef, ServerOptions } from '@orrery/server'
import { ClusterError } from './cluster-error.js'
import type { Presence } from './presence.js'
import type { Registry, WorldSpec } from './registry.js'

/** What a world's module factory gets. */
export interface WorldContext {
  readonly world: WorldSpec
  /** Shared by every world of the process (memory) or of the cluster (Redis). */
  readonly presence: Presence
}

/** A kind of world: its module and defaults. */
export interface WorldKind {
  /** A fresh module instance per world (modules keep state in closures, so worlds must not share one). */
  readonly module: (context: WorldContext) => ModuleDef
  /** Seat limit of a new world. Default 16. */
  readonly seats?: number
  /** Whether new worlds are durable (need `dataDir` and `openCommitLog`). Default false. */
  readonly durable?: boolean
  /** More server options per world (tickRate, limits, authenticator...). */
  readonly serverOptions?: (world: WorldSpec) => Partial<ServerOptions>
}

/** What happened in a world host, for logs and metrics. */
export type WorldHostEvent =
  | { readonly type: 'world-opened'; readonly worldId: string; readonly kind: string; readonly recovered: boolean; readonly ms: number; readonly seq: number }
  | { readonly type: 'world-closed'; readonly worldId: string; readonly why: 'empty' | 'moved' | 'host-closed' }
  | { readonly type: 'registry-rebuilt'; readonly worlds: number }
  | { readonly type: 'worlds-moved'; readonly worlds: readonly { worldId: string; processId: string }[] }
  | { readonly type: 'error'; readonly where: string; readonly error: unknown }

/** Options of {@link createWorldHost}. */
export interface WorldHostOptions {
  /** The kinds of world this process can host, by name (the `kind` of matchmaking). */
  readonly kinds: Readonly<Record<string, WorldKind>>
  /** Default: a memory registry (one process). Give a Redis registry for a cluster. */
  readonly registry?: Registry
  /** Default: a memory presence. Give a Redis presence for a cluster. */
  readonly presence?: Presence
  /** TCP port; 0 picks a free one. Default 0. */
  readonly port?: number
  /** Interface to bind. Default '127.0.0.1'. */
  readonly host?: string
  /** The address clients and other processes reach this one at. Default `http://<host>:<port>`. */
  readonly publicAddress?: string
  /** Folder of durable worlds: one subfolder per world with its manifest and log. Shared by the processes of a machine for failover. */
  readonly dataDir?: string
  /** Opens a durable world's commit log in its folder, e.g. `(dir) => createSqliteCommitLog({ dir })`. */
  readonly openCommitLog?: (dir: string, world: WorldSpec) => CommitLog
  /** Time an empty, non-durable world is kept before it is disposed, ms. Default 30 000. */
  readonly emptyGraceMs?: number
  /** Time a seat is kept after its client's last socket closed (to resume), ms. Default 30 000. */
  readonly seatGraceMs?: number
  /** Heartbeat period, ms (also the period of failover sweeps and empty-world checks). Default 500. */
  readonly heartbeatMs?: number
  /** Server options of every world (logger, authenticator, resume...); a kind's `serverOptions` override them. */
  readonly serverOptions?: Partial<ServerOptions>
  /** Called with each {@link WorldHostEvent}. */
  readonly onEvent?: (event: WorldHostEvent) => void
}

/** {@link WorldHostOptions} with defaults applied. */
export interface ResolvedWorldHostOptions extends WorldHostOptions {
  readonly emptyGraceMs: number
  readonly seatGraceMs: number
  readonly heartbeatMs: number
  readonly onEvent: (event: WorldHostEvent) => void
}

/**
 * Checks world host options and fills in defaults.
 * @throws {ClusterError} `ERR_INVALID_OPTIONS` when no kind is given, a duration is not positive, or a kind is durable
 * without `dataDir` and `openCommitLog`
 */
export function resolveWorldHostOptions(options: WorldHostOptions): ResolvedWorldHostOptions {
  const kinds = Object.entries(options.kinds)
  if (kinds.length === 0) throw new ClusterError('ERR_INVALID_OPTIONS', 'kinds: give at least one kind of world')
  for (const [name, kind] of kinds) {
    if (!/^[\w-]+$/.test(name)) throw new ClusterError('ERR_INVALID_OPTIONS', `kinds: '${name}' is not a valid kind name (letters, digits, - and _)`)
    if (kind.durable === true && (options.dataDir === undefined || options.openCommitLog === undefined)) {
      throw new ClusterError('ERR_INVALID_OPTIONS', `kinds.${name}: a durable kind needs dataDir and openCommitLog`)
    }
  }
  const resolved = {
    ...options,
    emptyGraceMs: options.emptyGraceMs ?? 30_000,
    seatGraceMs: options.seatGraceMs ?? 30_000,
    heartbeatMs: options.heartbeatMs ?? 500,
    onEvent: options.onEvent ?? (() => {}),
  }
  for (const key of ['emptyGraceMs', 'seatGraceMs', 'heartbeatMs'] as const) {
    if (!(resolved[key] > 0)) throw new ClusterError('ERR_INVALID_OPTIONS', `${key} must be > 0, got ${resolved[key]}`)
  }
  return resolved
}
