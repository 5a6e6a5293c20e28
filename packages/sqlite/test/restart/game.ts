import { type Component, defineComponent, type Entity, type World } from '@orrery/ecs'
import { createAnonymousAuthenticator, createServer, defineModule, defineReducer, type OrreryServer, type ServerOptions } from '@orrery/server'
import { createSqliteCommitLog } from '../../src/index.js'

export const Position = defineComponent('Position', { x: 'f64', y: 'f64' }, { spatial: { x: 'x', y: 'y', cellSize: 50 } })
export const Tag = defineComponent('Tag', { label: 'string', drift: 'bool' })
export const components = { Position, Tag } as const
export const all: readonly Component[] = [Position, Tag]

export const reducerSchemas = {
  spawn: { x: 'f64', y: 'f64' },
  move: { e: 'entity', dx: 'f64' },
  remove: { e: 'entity' },
} as const

/** The token secret every server of these tests shares, so that a client keeps its identity across a restart. */
export const SECRET = 'restart-resume-secret-0123456789'

/** onConnect / onDisconnect calls, by identity. */
export interface Hooks {
  readonly connected: string[]
  readonly disconnected: string[]
}

/** A small world: positioned rows, a reducer per kind of change, and a system that moves the drifting rows by one unit up and back every tick. */
export function gameModule(hooks: Hooks = { connected: [], disconnected: [] }) {
  return defineModule({
    name: 'restart-game',
    components: all,
    reducers: {
      spawn: defineReducer(reducerSchemas.spawn, (ctx, { x, y }) => {
        const e = ctx.world.create()
        ctx.world.add(e, Position, { x, y })
        ctx.world.add(e, Tag, { label: `by ${ctx.sender.slice(0, 6)}`, drift: false })
        ctx.emit('spawned', { e })
        return e
      }),
      move: defineReducer(reducerSchemas.move, (ctx, { e, dx }) => {
        ctx.world.set(e as Entity, Position, 'x', ctx.world.read(e as Entity, Position, 'x') + dx)
      }),
      remove: defineReducer(reducerSchemas.remove, (ctx, { e }) => {
        ctx.world.destroy(e as Entity)
      }),
    },
    systems: [
      {
        name: 'drift',
        run(ctx) {
          for (const e of ctx.world.query([Tag]).toArray()) {
            if (ctx.world.read(e, Tag, 'drift')) ctx.world.set(e, Position, 'y', ctx.world.read(e, Position, 'y') + (ctx.tick % 2 === 0 ? 1 : -1))
          }
        },
      },
    ],
    onConnect(ctx) {
      hooks.connected.push(ctx.sender)
    },
    onDisconnect(ctx) {
      hooks.disconnected.push(ctx.sender)
    },
  })
}

/**
 * A server on the SQLite data folder `dir`, listening on `port` (0: a free one).
 *
 * @returns the server and its port
 */
export async function startGame(dir: string, port: number, hooks?: Hooks, options: Partial<ServerOptions<typeof reducerSchemas>> = {}): Promise<{ server: OrreryServer; port: number }> {
  const server = createServer({
    module: gameModule(hooks),
    logger: false,
    autoStart: false,
    seed: 5,
    port,
    commitLog: createSqliteCommitLog({ dir, onWarning: () => {} }),
    authenticator: createAnonymousAuthenticator({ secret: SECRET }),
    ...options,
  })
  const listening = await server.listen()
  return { server, port: listening.port }
}

/** `count` rows on a 20 × 20 grid 50 units apart, every third one drifting. */
export function populate(world: World, count: number): void {
  for (let i = 0; i < count; i++) {
    const e = world.create()
    world.add(e, Position, { x: (i % 20) * 50 + 5, y: Math.floor(i / 20) * 50 + 5 })
    world.add(e, Tag, { label: `row ${i}`, drift: i % 3 === 0 })
  }
}

/** Every row of `list` in a world, as plain data sorted by entity (for equality checks). */
export function dump(world: World, list: readonly Component[] = all): Record<string, [number, unknown][]> {
  const out: Record<string, [number, unknown][]> = {}
  for (const c of list) {
    const rows: [number, unknown][] = world.query([c]).toArray().map((e) => [e, world.get(e, c)])
    rows.sort((a, b) => a[0] - b[0])
    out[c.name] = rows
  }
  return out
}

/** One turn of the event loop (a timer turn every eighth call, so reconnect backoffs run). */
const turn = (i: number): Promise<void> => new Promise((resolve) => (i % 8 === 7 ? setTimeout(resolve, 0) : setImmediate(resolve)))

/** Checks `check` each event-loop turn, stepping `server` in between when given, for at most `maxMs` ms. */
export async function eventually(server: OrreryServer | null, check: () => boolean, maxMs = 8_000): Promise<void> {
  const deadline = performance.now() + maxMs
  for (let i = 0; performance.now() < deadline; i++) {
    if (check()) return
    server?.step()
    await turn(i)
  }
  if (!check()) throw new Error('condition not reached')
}

/** Awaits `promise` on a manual-tick server, stepping it each turn. */
export async function stepUntil<T>(server: OrreryServer, promise: Promise<T>, maxMs = 8_000): Promise<T> {
  let done = false
  promise.then(
    () => {
      done = true
    },
    () => {
      done = true
    },
  )
  await eventually(server, () => done, maxMs)
  return promise
}
