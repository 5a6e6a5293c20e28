import type { IncomingMessage, Server as HttpServer } from 'node:http'
import { createServer, type OrreryServer } from '@orrery/server'
import { ClusterError } from './cluster-error.js'
import { randomId } from './random-id.js'
import type { Registry, WorldSpec } from './registry.js'
import { SeatKeeper } from './seat-keeper.js'
import type { ResolvedWorldHostOptions } from './world-host-options.js'
import { worldDir, writeManifest } from './world-manifest.js'

/** The URL path of a world's WebSocket. */
export function worldPath(worldId: string): string {
  return `/worlds/${worldId}`
}

/** One world of a host: its server (module instance, ECS world, tick loop, commit pipeline, log, replicator) and seats. */
export class HostedWorld {
  /** Since when it has had no occupant and no reservation (ms), or null. */
  emptySince: number | null = null

  private constructor(
    readonly spec: WorldSpec,
    readonly server: OrreryServer,
    readonly seats: SeatKeeper,
    /** When it was opened, ms. */
    readonly openedAt: number,
  ) {}

  /**
   * Opens a world on the shared HTTP server: a durable one from its log in `dataDir` (recovering what it holds).
   * @param occupants - tickets seated before (a world moving here): kept for the seat grace period
   * @throws {ClusterError} `ERR_UNKNOWN_KIND` when this process has no such kind
   * @throws {ServerError} from `createServer` (`ERR_INIT_FAILED`, `ERR_INVALID_OPTIONS`)
   */
  static async open(spec: WorldSpec, http: HttpServer, registry: Registry, options: ResolvedWorldHostOptions, occupants: readonly string[]): Promise<HostedWorld> {
    const kind = options.kinds[spec.kind]
    if (kind === undefined) throw new ClusterError('ERR_UNKNOWN_KIND', `no world kind '${spec.kind}' on this process`)
    const started = performance.now()
    const presence = options.presence
    if (presence === undefined) throw new ClusterError('ERR_INVALID_OPTIONS', 'the world host has no presence')
    let commitLog: ReturnType<NonNullable<ResolvedWorldHostOptions['openCommitLog']>> | undefined
    if (spec.durable) {
      const { dataDir, openCommitLog } = options
      if (dataDir === undefined || openCommitLog === undefined) throw new ClusterError('ERR_INVALID_OPTIONS', 'a durable world needs dataDir and openCommitLog')
      await writeManifest(dataDir, spec)
      commitLog = openCommitLog(worldDir(dataDir, spec.id), spec)
    }
    const seats = new SeatKeeper(options.seatGraceMs, (ticket) => {
      registry.release(spec.id, ticket).catch((error: unknown) => options.onEvent({ type: 'error', where: 'release', error }))
    })
    const admitUpgrade = async (request: IncomingMessage): Promise<number | null> => {
      const ticket = new URL(request.url ?? '/', 'http://x').searchParams.get('ticket') ?? randomId()
      const result = await registry.consume(spec.id, ticket, true)
      if (result === 'full') return 409
      if (result === 'unknown') return 404
      request.socket.once('close', seats.opened(ticket))
      return null
    }
    const server = createServer({
      ...options.serverOptions,
      ...kind.serverOptions?.(spec),
      module: kind.module({ world: spec, presence }),
      httpServer: http,
      path: worldPath(spec.id),
      admitUpgrade,
      ...(commitLog === undefined ? {} : { commitLog }),
    })
    await server.listen()
    seats.adopt(occupants)
    const world = new HostedWorld(spec, server, seats, Date.now())
    options.onEvent({ type: 'world-opened', worldId: spec.id, kind: spec.kind, recovered: server.recoveredSeq > 0, ms: performance.now() - started, seq: server.seq })
    return world
  }

  /** Closes its server (clients get ServerShutdown and reconnect) and forgets its seats. */
  async close(): Promise<void> {
    this.seats.clear()
    await this.server.close()
  }
}
