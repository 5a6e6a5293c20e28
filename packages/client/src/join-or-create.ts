import type { ArgsSchema } from '@orrery/protocol'
import { connect } from './client.js'
import { ClientError } from './client-error.js'
import type { ComponentList, ConnectOptions, OrreryClient } from './client-types.js'

/** Metadata values a world must have (equality per key). */
export type WorldFilters = Readonly<Record<string, string | number | boolean>>

/** A reserved seat, as `POST /matchmake/joinOrCreate` answers it. */
export interface MatchmakeResult {
  readonly worldId: string
  readonly kind: string
  /** The id of the process holding the world. */
  readonly processId: string
  /** The seat's ticket; presented on connect. */
  readonly ticket: string
  /** The WebSocket URL of the world with the ticket. */
  readonly url: string
  /** The address of the process holding the world. */
  readonly address: string
  /** When the reservation expires unless the client connects, ms since the epoch. */
  readonly expiresAt: number
  /** Addresses of the live processes of the cluster. */
  readonly processes: readonly string[]
}

/**
 * Asks a world host (any process of a cluster) for a seat in a world of `kind` whose metadata matches
 * `filters`, or in a new one.
 *
 * @param address - a process's address, `http(s)://host:port`
 * @param kind - the world kind (module name on the host)
 * @param filters - metadata the world must have
 * @returns the reservation and where to connect
 * @throws {ClientError} `ERR_CONNECT_FAILED` when the request fails or is refused (the message carries the host's code)
 */
export async function matchmake(address: string, kind: string, filters: WorldFilters = {}): Promise<MatchmakeResult> {
  let response: Response
  try {
    response = await fetch(`${address.replace(/^ws/, 'http').replace(/\/+$/, '')}/matchmake/joinOrCreate`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ kind, filters }),
    })
  } catch (cause) {
    throw new ClientError('ERR_CONNECT_FAILED', `matchmaking at ${address} failed: ${cause instanceof Error ? cause.message : String(cause)}`, { cause })
  }
  const body = (await response.json().catch(() => ({}))) as Partial<MatchmakeResult> & { code?: string; message?: string }
  if (!response.ok || typeof body.worldId !== 'string' || typeof body.ticket !== 'string' || typeof body.url !== 'string') {
    throw new ClientError('ERR_CONNECT_FAILED', `matchmaking refused (${response.status} ${body.code ?? ''}): ${body.message ?? 'no seat'}`)
  }
  return body as MatchmakeResult
}

/**
 * Matchmaking and connect in one call: reserves a seat with {@link matchmake} at `options.url`, then connects
 * to the world with the reservation (the client follows the world if it moves to another process).
 *
 * @param kind - the world kind
 * @param filters - metadata the world must have; a new world gets them
 * @param options - connect options; `url` is the address of any process of the world host
 * @returns the connected client
 * @throws {ClientError} `ERR_CONNECT_FAILED` when matchmaking or the connect fails
 * @example
 * ```ts
 * import { defineComponent } from '@orrery/ecs'
 * const components = { Body: defineComponent('Body', { x: 'f32', y: 'f32' }) }
 * const reducers = { enterGame: { name: 'string' } } as const
 * const client = await joinOrCreate('blackholio', { region: 'eu' }, { url: 'http://127.0.0.1:3000', components, reducers })
 * ```
 */
export async function joinOrCreate<const C extends ComponentList, const R extends Record<string, ArgsSchema>>(
  kind: string,
  filters: WorldFilters,
  options: Omit<ConnectOptions<C, R>, 'world' | 'ticket'>,
): Promise<OrreryClient<C, R>> {
  const seat = await matchmake(options.url, kind, filters)
  const processes = [...new Set([seat.address, ...seat.processes, ...(options.processes ?? []), options.url])]
  return connect({ ...options, world: seat.worldId, ticket: seat.ticket, processes, worldUrl: seat.url } as ConnectOptions<C, R>)
}
