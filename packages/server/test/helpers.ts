import { type Component, defineComponent, type Entity, type World } from '@orrery/ecs'
import {
  type ClientMessage,
  decodeServerMessage,
  encodeClientMessage,
  PROTOCOL_VERSION,
  type ServerMessage,
  type Welcome,
} from '@orrery/protocol'
import { WebSocket } from 'ws'
import { createServer, defineModule, defineReducer, type OrreryServer, type ServerOptions } from '../src/index.js'

export const Position = defineComponent('Position', { x: 'f64', y: 'f64' })
export const Tag = defineComponent('Tag', { owner: 'string', label: 'string' }, { index: ['owner'] })
export const components = { Position, Tag } as const

export const reducerSchemas = {
  spawn: { x: 'f64', y: 'f64' },
  move: { e: 'entity', dx: 'f64' },
  remove: { e: 'entity' },
  spawnThenFail: { x: 'f64' },
  label: { e: 'entity', label: 'string' },
} as const

/** Identities seen by onConnect / onDisconnect, in order. */
export interface HookLog {
  connected: string[]
  disconnected: string[]
  /** When given: `connect <connectionId>` / `disconnect <connectionId>`, in order. */
  connections?: string[]
}

export function createTestModule(hooks: HookLog = { connected: [], disconnected: [] }) {
  return defineModule({
    name: 'test',
    components: [Position, Tag],
    reducers: {
      spawn: defineReducer(reducerSchemas.spawn, (ctx, { x, y }) => {
        const e = ctx.world.create()
        ctx.world.add(e, Position, { x, y })
        ctx.world.add(e, Tag, { owner: ctx.sender, label: '' })
        ctx.emit('spawned', { e, by: ctx.sender })
        return e
      }),
      move: defineReducer(reducerSchemas.move, (ctx, { e, dx }) => {
        const entity = e as Entity
        if (!ctx.world.isAlive(entity) || !ctx.world.has(entity, Position)) throw new Error(`no body ${e}`)
        ctx.world.set(entity, Position, 'x', ctx.world.read(entity, Position, 'x') + dx)
        return ctx.world.read(entity, Position, 'x')
      }),
      remove: defineReducer(reducerSchemas.remove, (ctx, { e }) => {
        const entity = e as Entity
        if (!ctx.world.isAlive(entity)) throw new Error(`no entity ${e}`)
        ctx.world.destroy(entity)
        return true
      }),
      spawnThenFail: defineReducer(reducerSchemas.spawnThenFail, (ctx, { x }) => {
        const e = ctx.world.create()
        ctx.world.add(e, Position, { x, y: 0 })
        for (const other of ctx.world.query([Position]).toArray()) ctx.world.set(other, Position, 'y', -1)
        ctx.rng.next()
        throw new Error('spawnThenFail always fails')
      }),
      label: defineReducer(reducerSchemas.label, (ctx, { e, label }) => {
        ctx.world.set(e as Entity, Tag, 'label', label)
      }),
    },
    systems: [
      {
        name: 'fall',
        everyMs: 100,
        run(ctx) {
          for (const e of ctx.world.query([Position]).toArray()) {
            ctx.world.set(e, Position, 'y', ctx.world.read(e, Position, 'y') + 1)
          }
        },
      },
    ],
    onConnect(ctx) {
      hooks.connected.push(ctx.sender)
      hooks.connections?.push(`connect ${ctx.connectionId}`)
    },
    onDisconnect(ctx) {
      hooks.disconnected.push(ctx.sender)
      hooks.connections?.push(`disconnect ${ctx.connectionId}`)
    },
  })
}

export type TestModule = ReturnType<typeof createTestModule>

/** A server on 127.0.0.1:0 with manual ticks (tickRate 20, `autoStart: false`) and no logs. */
export async function startServer(
  overrides: Partial<ServerOptions<typeof reducerSchemas>> = {},
  hooks?: HookLog,
): Promise<{ server: OrreryServer; url: string }> {
  const server = createServer({ module: createTestModule(hooks), logger: false, autoStart: false, seed: 7, ...overrides })
  const { port } = await server.listen()
  return { server, url: `ws://127.0.0.1:${port}` }
}

/** One turn of the event loop: lets socket I/O in flight on loopback be read and written. */
export const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve))

/** A turn that also lets due timers run (reconnect backoff, token refresh), so waits follow real time. */
const timerTurn = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0))

/**
 * Awaits `promise` on a manual-tick server: runs `server.step()` on each event-loop turn until it settles
 * (a reducer call resolves only after the tick flush that sends its effects). Throws when it has not
 * settled within `maxMs` ms.
 */
export async function stepUntil<T>(server: OrreryServer, promise: Promise<T>, maxMs = 8_000): Promise<T> {
  let done = false
  const settle = (): void => {
    done = true
  }
  promise.then(settle, settle)
  const deadline = performance.now() + maxMs
  for (let i = 0; !done && performance.now() < deadline; i++) {
    await (i % 8 === 7 ? timerTurn() : turn())
    if (!done) server.step()
  }
  if (!done) throw new Error(`not settled within ${maxMs} ms of server steps`)
  return promise
}

/** Checks `check` on each event-loop turn (stepping the server in between when given) until it returns true, for at most `maxMs` ms. */
export async function eventually(server: OrreryServer | null, check: () => boolean, maxMs = 8_000): Promise<void> {
  const deadline = performance.now() + maxMs
  for (let i = 0; performance.now() < deadline; i++) {
    if (check()) return
    server?.step()
    await (i % 8 === 7 ? timerTurn() : turn())
  }
  if (check()) return
  throw new Error('condition not reached')
}

/** Every row of `components` in a world, as plain data sorted by entity (for equality checks). */
export function dump(world: World, list: readonly Component[]): Record<string, [number, unknown][]> {
  const out: Record<string, [number, unknown][]> = {}
  for (const c of list) {
    const rows: [number, unknown][] = []
    for (const e of world.query([c]).toArray()) rows.push([e, world.get(e, c)])
    rows.sort((a, b) => a[0] - b[0])
    out[c.name] = rows
  }
  return out
}

/** A bare WebSocket client speaking the wire protocol directly (for malformed-input tests). */
export class RawClient {
  readonly messages: ServerMessage[] = []
  readonly closed: Promise<{ code: number; reason: string }>
  private waiters: (() => void)[] = []

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data: Buffer) => {
      this.messages.push(decodeServerMessage(new Uint8Array(data)))
      for (const w of this.waiters.splice(0)) w()
    })
    this.closed = new Promise((resolve) => {
      ws.on('close', (code: number, reason: Buffer) => {
        resolve({ code, reason: reason.toString() })
        for (const w of this.waiters.splice(0)) w()
      })
    })
    ws.on('error', () => {})
  }

  /** Opens a socket to `url`, offering `protocols` (none by default). */
  static open(url: string, protocols: string[] = []): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, protocols)
      const client = new RawClient(ws)
      ws.once('open', () => resolve(client))
      ws.once('error', reject)
    })
  }

  send(message: ClientMessage): void {
    this.ws.send(encodeClientMessage(message))
  }

  /** Waits for the first message (from index `from`) matching `predicate`. */
  async next<T extends ServerMessage['type']>(type: T, from = 0): Promise<Extract<ServerMessage, { type: T }>> {
    for (;;) {
      const found = this.messages.slice(from).find((m) => m.type === type)
      if (found !== undefined) return found as Extract<ServerMessage, { type: T }>
      if (this.ws.readyState === WebSocket.CLOSED) throw new Error(`closed before ${type}`)
      await new Promise<void>((resolve) => this.waiters.push(resolve))
    }
  }

  async handshake(token: string | null = null): Promise<Welcome> {
    this.send({ type: 'Hello', protocolVersion: PROTOCOL_VERSION, token, resume: null })
    await this.next('Challenge')
    this.send({ type: 'Authenticate', method: token === null ? 'anonymous' : 'token', credential: token })
    return this.next('Welcome')
  }

  close(): Promise<{ code: number; reason: string }> {
    if (this.ws.readyState !== WebSocket.CLOSED) this.ws.close()
    return this.closed
  }
}
