import type { Redis } from 'ioredis'
import { ClusterError } from './cluster-error.js'
import { randomId } from './random-id.js'
import { DEFAULT_KEY_PREFIX, openRedis, quitRedis, type RedisConnectionOptions, redisCall } from './redis-connection.js'
import {
  type ConsumeResult,
  DEFAULT_RESERVATION_TTL_MS,
  type HeartbeatResult,
  type JoinRequest,
  type MovedWorld,
  type ProcessInfo,
  type ProcessLoad,
  type Registry,
  type RegistryTimings,
  resolveTimings,
  type SeatReservation,
  type WorldInfo,
  type WorldMetadata,
  type WorldSpec,
} from './registry.js'
import { CONSUME, DISPOSE, HEARTBEAT, JOIN_OR_CREATE, REGISTER_WORLD, REMOVE_WORLD, RESERVE, SWEEP } from './registry-scripts.js'

/** Options of {@link createRedisRegistry}. */
export interface RedisRegistryOptions extends RedisConnectionOptions, RegistryTimings {
  /** This process's id; default: a random one. */
  readonly processId?: string
}

type Script = (...args: (string | number)[]) => Promise<unknown>
type ScriptName = 'joinOrCreate' | 'reserve' | 'consume' | 'heartbeat' | 'registerWorld' | 'removeWorld' | 'sweep' | 'dispose'
const SCRIPTS: Record<ScriptName, string> = {
  joinOrCreate: JOIN_OR_CREATE,
  reserve: RESERVE,
  consume: CONSUME,
  heartbeat: HEARTBEAT,
  registerWorld: REGISTER_WORLD,
  removeWorld: REMOVE_WORLD,
  sweep: SWEEP,
  dispose: DISPOSE,
}
const CONSUMED: Record<string, ConsumeResult> = { '1': 'reserved', '2': 'seated', '3': 'direct', '0': 'full', '-1': 'unknown' }

/**
 * The {@link Registry} on Redis, shared by every process of a cluster. Reservation, placement, failover and
 * heartbeats are Lua scripts (atomic); every key has a TTL renewed by its owner's heartbeat, and `dispose()`
 * removes what the process owns. See the package README for the key layout.
 *
 * @param options - Redis URL, key prefix, process id and timings, see {@link RedisRegistryOptions}
 * @returns the registry; call `heartbeat` at least every `processTtlMs / 3`
 * @example
 * ```ts
 * const registry = createRedisRegistry({ url: 'redis://127.0.0.1:6379' })
 * await registry.heartbeat({ address: 'http://127.0.0.1:3000', clients: 0, tickMs: 0 })
 * const seat = await registry.joinOrCreate({ kind: 'arena', seats: 8, filters: { mode: 'duel' } })
 * ```
 */
export function createRedisRegistry(options: RedisRegistryOptions): Registry {
  return new RedisRegistry(openRedis(options.url), options)
}

class RedisRegistry implements Registry {
  readonly processId: string
  private readonly prefix: string
  private readonly timings: Required<RegistryTimings>
  private readonly scripts = new Map<ScriptName, Script>()
  private disposed = false

  constructor(
    private readonly redis: Redis,
    options: RedisRegistryOptions,
  ) {
    this.processId = options.processId ?? randomId()
    this.prefix = options.keyPrefix ?? DEFAULT_KEY_PREFIX
    this.timings = resolveTimings(options)
    for (const [name, lua] of Object.entries(SCRIPTS) as [ScriptName, string][]) {
      const command = `orrery_${name}`
      redis.defineCommand(command, { numberOfKeys: 0, lua })
      this.scripts.set(name, (...args) => (redis as unknown as Record<string, Script>)[command]!(...args))
    }
  }

  async heartbeat(load: ProcessLoad): Promise<HeartbeatResult> {
    const out = (await this.run('heartbeat', this.processId, load.address, load.clients, load.tickMs, this.timings.processTtlMs, this.timings.worldTtlMs)) as (number | string)[]
    return { rebuilt: out[0] === 0, worlds: out.slice(1).map(String) }
  }

  async processes(): Promise<ProcessInfo[]> {
    this.open()
    const now = await this.now()
    const ids = await redisCall('ZRANGEBYSCORE', () => this.redis.zrangebyscore(this.key('procs'), `(${now}`, '+inf', 'WITHSCORES'))
    const out: ProcessInfo[] = []
    for (let i = 0; i + 1 < ids.length; i += 2) {
      const id = ids[i]!
      const [h, worlds] = await Promise.all([this.redis.hgetall(this.key(`p:${id}`)), this.redis.scard(this.key(`p:${id}:w`))])
      if (h.address === undefined) continue
      out.push({ id, address: h.address, clients: Number(h.clients), tickMs: Number(h.tickMs), worlds, expiresAt: Number(ids[i + 1]) })
    }
    return out
  }

  async joinOrCreate(request: JoinRequest): Promise<SeatReservation> {
    const ticket = randomId()
    const filters = request.filters ?? {}
    const metadata: WorldMetadata = { ...request.metadata, ...filters }
    const out = (await this.run(
      'joinOrCreate',
      request.kind,
      JSON.stringify(filters),
      ticket,
      request.reservationTtlMs ?? DEFAULT_RESERVATION_TTL_MS,
      randomId(),
      request.seats,
      request.durable === true ? '1' : '0',
      JSON.stringify(metadata),
      this.timings.worldTtlMs,
      this.timings.tickWeight,
      this.timings.worldWeight,
    )) as [string, string, string, number, number]
    if (out[4] === -1) throw new ClusterError('ERR_NO_PROCESS', `no live process can host a new '${request.kind}' world`)
    return { worldId: out[0], processId: out[1], address: out[2], expiresAt: out[3], kind: request.kind, ticket, created: out[4] === 1 }
  }

  async reserve(worldId: string, reservationTtlMs = DEFAULT_RESERVATION_TTL_MS): Promise<SeatReservation> {
    const ticket = randomId()
    const out = (await this.run('reserve', worldId, ticket, reservationTtlMs)) as (string | number)[]
    if (out[0] === -1) throw new ClusterError('ERR_UNKNOWN_WORLD', `no world '${worldId}'`)
    if (out[0] === 0) throw new ClusterError('ERR_WORLD_FULL', `world '${worldId}' has no free seat`)
    return { worldId, kind: String(out[0]), processId: String(out[1]), address: String(out[2]), expiresAt: Number(out[3]), ticket, created: false }
  }

  async registerWorld(world: WorldSpec, occupants: readonly string[] = []): Promise<boolean> {
    const placed = await this.run(
      'registerWorld',
      world.id,
      world.kind,
      world.seats,
      world.durable ? '1' : '0',
      JSON.stringify(world.metadata),
      this.processId,
      this.timings.worldTtlMs,
      JSON.stringify(occupants),
    )
    return placed === 1
  }

  async removeWorld(worldId: string): Promise<void> {
    await this.run('removeWorld', worldId, this.processId)
  }

  async world(worldId: string): Promise<WorldInfo | null> {
    this.open()
    const [h, reservations, occupants] = await redisCall('world', async () => {
      const now = await this.now()
      return Promise.all([
        this.redis.hgetall(this.key(`w:${worldId}`)),
        this.redis.zcount(this.key(`w:${worldId}:r`), `(${now}`, '+inf'),
        this.redis.scard(this.key(`w:${worldId}:o`)),
      ])
    })
    if (h.kind === undefined || h.process === undefined) return null
    return {
      id: worldId,
      kind: h.kind,
      processId: h.process,
      seats: Number(h.seats),
      durable: h.durable === '1',
      metadata: JSON.parse(h.metadata ?? '{}') as WorldMetadata,
      taken: reservations + occupants,
    }
  }

  async worlds(kind?: string): Promise<WorldInfo[]> {
    this.open()
    let ids: string[]
    if (kind !== undefined) ids = await redisCall('ZRANGE', () => this.redis.zrange(this.key(`k:${kind}`), 0, -1))
    else {
      const procs = await redisCall('ZRANGE', () => this.redis.zrange(this.key('procs'), 0, -1))
      const sets = await Promise.all(procs.map((p) => this.redis.smembers(this.key(`p:${p}:w`))))
      ids = [...new Set(sets.flat())]
    }
    const found = await Promise.all(ids.map((id) => this.world(id)))
    return found.filter((w): w is WorldInfo => w !== null)
  }

  async consume(worldId: string, ticket: string, allowDirect: boolean): Promise<ConsumeResult> {
    const out = await this.run('consume', worldId, ticket, allowDirect ? '1' : '0', this.timings.worldTtlMs)
    return CONSUMED[String(out)] ?? 'unknown'
  }

  async release(worldId: string, ticket: string): Promise<void> {
    this.open()
    await redisCall('SREM', () => this.redis.srem(this.key(`w:${worldId}:o`), ticket))
  }

  async occupants(worldId: string): Promise<string[]> {
    this.open()
    return redisCall('SMEMBERS', () => this.redis.smembers(this.key(`w:${worldId}:o`)))
  }

  async sweep(): Promise<MovedWorld[]> {
    const out = (await this.run('sweep', this.timings.worldTtlMs, this.timings.tickWeight, this.timings.worldWeight)) as string[]
    const moved: MovedWorld[] = []
    for (let i = 0; i + 2 < out.length; i += 3) moved.push({ worldId: out[i]!, kind: out[i + 1]!, processId: out[i + 2]! })
    return moved
  }

  async dispose(): Promise<void> {
    if (this.disposed) return
    try {
      await this.run('dispose', this.processId)
    } finally {
      this.disposed = true
      await quitRedis(this.redis)
    }
  }

  private async run(name: ScriptName, ...args: (string | number)[]): Promise<unknown> {
    this.open()
    const script = this.scripts.get(name)!
    return redisCall(name, () => script(this.prefix, ...args))
  }

  private async now(): Promise<number> {
    const [seconds, micros] = await this.redis.time()
    return Number(seconds) * 1000 + Math.floor(Number(micros) / 1000)
  }

  private key(suffix: string): string {
    return `${this.prefix}${suffix}`
  }

  private open(): void {
    if (this.disposed) throw new ClusterError('ERR_CLOSED', 'the registry was disposed')
  }
}
