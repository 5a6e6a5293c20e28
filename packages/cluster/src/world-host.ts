import { createServer as createHttpServer, type IncomingMessage, type Server as HttpServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Duplex } from 'node:stream'
import { ClusterError } from './cluster-error.js'
import { HostedWorld } from './hosted-world.js'
import { createMemoryPresence } from './memory-presence.js'
import { createMemoryRegistry } from './memory-registry.js'
import { type MatchmakeHost, matchmakeRoutes } from './matchmake-routes.js'
import { randomId } from './random-id.js'
import type { Registry, SeatReservation, WorldMetadata, WorldSpec } from './registry.js'
import { type ResolvedWorldHostOptions, resolveWorldHostOptions, type WorldHostOptions } from './world-host-options.js'
import { listManifests } from './world-manifest.js'

/** A world to create through the API. */
export interface CreateWorldOptions {
  /** Default: a random id. */
  readonly id?: string
  readonly seats?: number
  readonly durable?: boolean
  readonly metadata?: WorldMetadata
}

/** A process hosting many worlds; see {@link createWorldHost}. */
export interface WorldHost {
  /** This process's id in the registry. */
  readonly processId: string
  /** Worlds open here, by id. */
  readonly worlds: ReadonlyMap<string, HostedWorld>
  /** Binds the HTTP server, recovers the durable worlds of `dataDir` and starts heartbeats. @returns the bound port and public address */
  listen(): Promise<{ port: number; address: string }>
  /** Creates a world on this process. @throws {ClusterError} `ERR_UNKNOWN_KIND` */
  createWorld(kind: string, options?: CreateWorldOptions): Promise<HostedWorld>
  /** Matchmaking: a seat in a matching world anywhere in the cluster, or in a new one on the least-loaded process. @throws {ClusterError} `ERR_UNKNOWN_KIND`, `ERR_NO_PROCESS` */
  joinOrCreate(kind: string, filters?: WorldMetadata): Promise<SeatReservation>
  /** Runs one heartbeat now (also run every `heartbeatMs`): load, rebuild, adoption of moved worlds, failover sweep, empty worlds. */
  beat(): Promise<void>
  /** Closes every world (durable ones stay in their logs and move to other processes), leaves the registry and stops. */
  close(): Promise<void>
}

/**
 * Creates a host of many worlds on one HTTP server: each world is its own server (module instance, ECS world,
 * tick loop, commit pipeline and log, replicator, seq) at `/worlds/<id>`; matchmaking over HTTP at
 * `POST /matchmake/joinOrCreate`. With the defaults it is one process with memory registry and presence; give
 * Redis ones for a cluster. The host owns the registry and presence it is given: `close()` disposes them.
 *
 * @param options - kinds, registry, presence, data folder and timings, see {@link WorldHostOptions}
 * @returns the host, not yet listening
 * @throws {ClusterError} `ERR_INVALID_OPTIONS` when an option is invalid
 * @example
 * ```ts
 * import { defineModule } from '@orrery/server'
 * const arenaModule = () => defineModule({ name: 'arena', components: [], reducers: {} })
 * const host = createWorldHost({ kinds: { arena: { module: () => arenaModule(), seats: 8 } }, port: 3000 })
 * await host.listen()
 * // a client: POST http://127.0.0.1:3000/matchmake/joinOrCreate {"kind":"arena"} → { url, ticket, ... }
 * ```
 */
export function createWorldHost(options: WorldHostOptions): WorldHost {
  return new Host(resolveWorldHostOptions(options))
}

class Host implements WorldHost, MatchmakeHost {
  readonly registry: Registry
  readonly worlds = new Map<string, HostedWorld>()
  private readonly opening = new Map<string, Promise<HostedWorld>>()
  private readonly options: ResolvedWorldHostOptions
  private readonly http: HttpServer
  private address = ''
  /** Addresses of the live processes, as of the last heartbeat. */
  peers: readonly string[] = []
  private timer: ReturnType<typeof setInterval> | null = null
  private beating: Promise<void> | null = null
  private closing: Promise<void> | null = null

  constructor(options: ResolvedWorldHostOptions) {
    this.registry = options.registry ?? createMemoryRegistry()
    this.options = { ...options, presence: options.presence ?? createMemoryPresence() }
    const routes = matchmakeRoutes(this)
    this.http = createHttpServer((request, response) => routes(request, response))
    // Each world listens for the upgrades of its own path on this server.
    this.http.setMaxListeners(0)
    this.http.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => this.routeUpgrade(request, socket, head))
  }

  get processId(): string {
    return this.registry.processId
  }

  get publicAddress(): string {
    return this.address
  }

  async listen(): Promise<{ port: number; address: string }> {
    const http = this.http
    await new Promise<void>((resolve, reject) => {
      http.once('error', reject)
      http.listen(this.options.port ?? 0, this.options.host ?? '127.0.0.1', () => {
        http.off('error', reject)
        resolve()
      })
    })
    const { port, address } = http.address() as AddressInfo
    this.address = this.options.publicAddress ?? `http://${address.includes(':') ? `[${address}]` : address}:${port}`
    await this.beat()
    if (this.options.dataDir !== undefined) {
      for (const spec of await listManifests(this.options.dataDir)) {
        if (this.worlds.has(spec.id) || !(await this.registry.registerWorld(spec))) continue
        await this.openWorld(spec, await this.registry.occupants(spec.id))
      }
    }
    this.timer = setInterval(() => void this.beat(), this.options.heartbeatMs)
    this.timer.unref()
    return { port, address: this.address }
  }

  async createWorld(kind: string, options: CreateWorldOptions = {}): Promise<HostedWorld> {
    const def = this.kind(kind)
    const spec: WorldSpec = {
      id: options.id ?? randomId(),
      kind,
      seats: options.seats ?? def.seats ?? 16,
      durable: options.durable ?? def.durable ?? false,
      metadata: options.metadata ?? {},
    }
    if (!(await this.registry.registerWorld(spec))) throw new ClusterError('ERR_INVALID_OPTIONS', `world '${spec.id}' exists on another process`)
    return this.openWorld(spec, [])
  }

  async joinOrCreate(kind: string, filters: WorldMetadata = {}): Promise<SeatReservation> {
    const def = this.kind(kind)
    const seat = await this.registry.joinOrCreate({ kind, filters, seats: def.seats ?? 16, durable: def.durable ?? false })
    // A world placed here opens before the answer, so that the client's connect finds it.
    if (seat.processId === this.processId && !this.worlds.has(seat.worldId)) await this.adopt(seat.worldId)
    return seat.address === '' ? { ...seat, address: this.address } : seat
  }

  beat(): Promise<void> {
    this.beating ??= this.heartbeat().finally(() => {
      this.beating = null
    })
    return this.beating
  }

  close(): Promise<void> {
    this.closing ??= this.shutdown()
    return this.closing
  }

  private async heartbeat(): Promise<void> {
    if (this.closing !== null) return
    const started = Date.now()
    try {
      let clients = 0
      let tickMs = 0
      for (const world of this.worlds.values()) {
        const m = world.server.metrics()
        clients += m.clients + m.resume.detachedSessions
        tickMs += m.tickDurationsMs.p50
      }
      const result = await this.registry.heartbeat({ address: this.address, clients, tickMs })
      this.peers = (await this.registry.processes()).map((p) => p.address)
      if (result.rebuilt && this.worlds.size > 0) {
        for (const world of this.worlds.values()) await this.registry.registerWorld(world.spec, world.seats.tickets())
        this.options.onEvent({ type: 'registry-rebuilt', worlds: this.worlds.size })
      } else if (!result.rebuilt) {
        const placed = new Set(result.worlds)
        for (const id of placed) if (!this.worlds.has(id)) await this.adopt(id)
        for (const world of [...this.worlds.values()]) {
          // Placed elsewhere while this process looked dead: another process has it now.
          if (!placed.has(world.spec.id) && world.openedAt < started) await this.dispose(world, 'moved')
        }
      }
      const moved = await this.registry.sweep()
      if (moved.length > 0) this.options.onEvent({ type: 'worlds-moved', worlds: moved })
      for (const m of moved) if (m.processId === this.processId) await this.adopt(m.worldId)
      await this.disposeEmpty()
    } catch (error) {
      this.options.onEvent({ type: 'error', where: 'heartbeat', error })
    }
  }

  private async disposeEmpty(): Promise<void> {
    const now = Date.now()
    for (const world of [...this.worlds.values()]) {
      if (world.spec.durable || world.seats.size > 0) {
        world.emptySince = null
        continue
      }
      const info = await this.registry.world(world.spec.id)
      if (info !== null && info.taken > 0) {
        world.emptySince = null
        continue
      }
      world.emptySince ??= now
      if (now - world.emptySince >= this.options.emptyGraceMs) await this.dispose(world, 'empty')
    }
  }

  private async dispose(world: HostedWorld, why: 'empty' | 'moved'): Promise<void> {
    this.worlds.delete(world.spec.id)
    if (why === 'empty') await this.registry.removeWorld(world.spec.id)
    await world.close()
    this.options.onEvent({ type: 'world-closed', worldId: world.spec.id, why })
  }

  /** Opens a world the registry placed on this process (moved here, or created by another process's matchmaking). */
  async adopt(worldId: string): Promise<HostedWorld | null> {
    const pending = this.opening.get(worldId) ?? this.worlds.get(worldId)
    if (pending !== undefined) return pending
    const info = await this.registry.world(worldId)
    if (info === null || info.processId !== this.processId) return null
    const { processId: _, taken: __, ...spec } = info
    return this.openWorld(spec, await this.registry.occupants(worldId))
  }

  private openWorld(spec: WorldSpec, occupants: readonly string[]): Promise<HostedWorld> {
    const pending = this.opening.get(spec.id)
    if (pending !== undefined) return pending
    const existing = this.worlds.get(spec.id)
    if (existing !== undefined) return Promise.resolve(existing)
    const opened = HostedWorld.open(spec, this.http, this.registry, this.options, occupants)
      .then((world) => {
        this.worlds.set(spec.id, world)
        return world
      })
      .finally(() => this.opening.delete(spec.id))
    this.opening.set(spec.id, opened)
    return opened
  }

  /** Upgrades to a world not open here: opens it when the registry placed it here, else refuses (404, 421). */
  private routeUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    const match = /^\/worlds\/([\w-]+)(?:\?|$)/.exec(request.url ?? '')
    const id = match?.[1]
    if (id !== undefined && this.worlds.has(id)) return
    const refuse = (status: number, text: string): void => {
      if (socket.writable) socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`)
      else socket.destroy()
    }
    if (id === undefined || this.closing !== null) {
      refuse(404, 'Not Found')
      return
    }
    this.adopt(id).then(
      (world) => {
        if (world === null) refuse(421, 'Misdirected Request')
        else this.http.emit('upgrade', request, socket, head)
      },
      (error: unknown) => {
        this.options.onEvent({ type: 'error', where: 'open world', error })
        refuse(503, 'Service Unavailable')
      },
    )
  }

  private kind(kind: string) {
    const def = this.options.kinds[kind]
    if (def === undefined) throw new ClusterError('ERR_UNKNOWN_KIND', `no world kind '${kind}' on this process`)
    return def
  }

  private async shutdown(): Promise<void> {
    if (this.timer !== null) clearInterval(this.timer)
    await this.beating
    const worlds = [...this.worlds.values()]
    this.worlds.clear()
    await Promise.all(worlds.map((w) => w.close()))
    for (const w of worlds) this.options.onEvent({ type: 'world-closed', worldId: w.spec.id, why: 'host-closed' })
    try {
      await this.registry.dispose()
    } catch (error) {
      this.options.onEvent({ type: 'error', where: 'dispose', error })
    }
    if (this.options.presence !== undefined) await this.options.presence.close()
    this.http.closeAllConnections()
    await new Promise<void>((resolve) => this.http.close(() => resolve()))
  }
}
