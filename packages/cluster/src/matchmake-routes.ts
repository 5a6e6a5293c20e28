import type { IncomingMessage, ServerResponse } from 'node:http'
import { ClusterError } from './cluster-error.js'
import type { HostedWorld } from './hosted-world.js'
import type { Registry, SeatReservation, WorldMetadata } from './registry.js'

/** What the routes need of their world host. */
export interface MatchmakeHost {
  readonly registry: Registry
  readonly publicAddress: string
  /** Addresses of the live processes, as of the last heartbeat. */
  readonly peers: readonly string[]
  joinOrCreate(kind: string, filters?: WorldMetadata): Promise<SeatReservation>
  createWorld(kind: string, options?: { id?: string; seats?: number; durable?: boolean; metadata?: WorldMetadata }): Promise<HostedWorld>
}

/** The answer of `POST /matchmake/joinOrCreate`: the reservation, the WebSocket URL to connect to, and the live processes. */
export interface MatchmakeAnswer extends SeatReservation {
  /** `ws://<address>/worlds/<worldId>?ticket=<ticket>`. */
  readonly url: string
  /** Addresses of the live processes (any of them answers `GET /worlds/<id>`). */
  readonly processes: readonly string[]
}

const MAX_BODY_BYTES = 16 * 1024
const STATUS: Partial<Record<ClusterError['code'], number>> = {
  ERR_UNKNOWN_KIND: 404,
  ERR_UNKNOWN_WORLD: 404,
  ERR_WORLD_FULL: 409,
  ERR_NO_PROCESS: 503,
  ERR_INVALID_OPTIONS: 400,
  ERR_REDIS: 503,
  ERR_CLOSED: 503,
}

/** `ws://host:port/worlds/<id>?ticket=<ticket>` for a process address `http://host:port`. */
export function worldUrl(address: string, worldId: string, ticket: string): string {
  return `${address.replace(/^http/, 'ws')}/worlds/${encodeURIComponent(worldId)}?ticket=${encodeURIComponent(ticket)}`
}

/**
 * The HTTP routes of a world host:
 * - `POST /matchmake/joinOrCreate` `{ kind, filters? }` → 200 {@link MatchmakeAnswer}
 * - `GET /worlds/<id>` → 200 `{ id, kind, processId, address, live, seats, taken, durable, metadata }`
 * - `GET /worlds` → 200 the worlds of every live process
 * - `POST /worlds` `{ kind, id?, seats?, durable?, metadata? }` → 201 a world created on this process
 * Errors answer `{ code, message }` with 400, 404, 409 or 503.
 */
export function matchmakeRoutes(host: MatchmakeHost): (request: IncomingMessage, response: ServerResponse) => void {
  return (request, response) => {
    if (request.method === 'OPTIONS') {
      // A browser's CORS preflight of the JSON POST.
      response.writeHead(204, { 'access-control-allow-origin': '*', 'access-control-allow-methods': 'GET, POST', 'access-control-allow-headers': 'content-type' })
      response.end()
      return
    }
    route(host, request)
      .then(([status, body]) => send(response, status, body))
      .catch((error: unknown) => {
        if (error instanceof ClusterError) send(response, STATUS[error.code] ?? 500, { code: error.code, message: error.message })
        else send(response, 500, { code: 'ERR_INTERNAL', message: error instanceof Error ? error.message : String(error) })
      })
  }
}

async function route(host: MatchmakeHost, request: IncomingMessage): Promise<[number, unknown]> {
  const path = new URL(request.url ?? '/', 'http://x').pathname
  const method = request.method ?? 'GET'
  if (method === 'POST' && path === '/matchmake/joinOrCreate') {
    const body = await readJson(request)
    const kind = body.kind
    if (typeof kind !== 'string') throw new ClusterError('ERR_INVALID_OPTIONS', 'kind: expected a string')
    const filters = metadataOf(body.filters, 'filters')
    const seat = await host.joinOrCreate(kind, filters)
    const processes = host.peers.length > 0 ? host.peers : [host.publicAddress]
    const answer: MatchmakeAnswer = { ...seat, url: worldUrl(seat.address, seat.worldId, seat.ticket), processes }
    return [200, answer]
  }
  if (method === 'POST' && path === '/worlds') {
    const body = await readJson(request)
    if (typeof body.kind !== 'string') throw new ClusterError('ERR_INVALID_OPTIONS', 'kind: expected a string')
    const world = await host.createWorld(body.kind, {
      ...(typeof body.id === 'string' ? { id: body.id } : {}),
      ...(typeof body.seats === 'number' ? { seats: body.seats } : {}),
      ...(typeof body.durable === 'boolean' ? { durable: body.durable } : {}),
      metadata: metadataOf(body.metadata, 'metadata'),
    })
    return [201, { ...world.spec, address: host.publicAddress }]
  }
  if (method === 'GET' && path === '/worlds') return [200, await host.registry.worlds()]
  const one = /^\/worlds\/([\w-]+)$/.exec(path)
  if (method === 'GET' && one !== null) {
    const id = one[1]!
    const world = await host.registry.world(id)
    if (world === null) throw new ClusterError('ERR_UNKNOWN_WORLD', `no world '${id}'`)
    const owner = (await host.registry.processes()).find((p) => p.id === world.processId)
    return [200, { ...world, address: owner?.address ?? null, live: owner !== undefined }]
  }
  return [404, { code: 'ERR_NOT_FOUND', message: `no route ${method} ${path}` }]
}

function metadataOf(value: unknown, name: string): WorldMetadata {
  if (value === undefined || value === null) return {}
  if (typeof value !== 'object' || Array.isArray(value)) throw new ClusterError('ERR_INVALID_OPTIONS', `${name}: expected an object`)
  for (const [key, v] of Object.entries(value)) {
    if (!['string', 'number', 'boolean'].includes(typeof v)) throw new ClusterError('ERR_INVALID_OPTIONS', `${name}.${key}: expected a string, number or boolean`)
  }
  return value as WorldMetadata
}

async function readJson(request: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length
    if (size > MAX_BODY_BYTES) throw new ClusterError('ERR_INVALID_OPTIONS', `request body over ${MAX_BODY_BYTES} bytes`)
    chunks.push(chunk)
  }
  try {
    const parsed: unknown = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}')
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) return parsed as Record<string, unknown>
  } catch {}
  throw new ClusterError('ERR_INVALID_OPTIONS', 'request body: expected a JSON object')
}

function send(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body)
  response.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), 'access-control-allow-origin': '*' })
  response.end(text)
}
