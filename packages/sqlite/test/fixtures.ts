import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type Component, defineComponent, type Entity, type World } from '@orrery/ecs'
import { createServer, defineModule, defineReducer, type OrreryServer, type ServerOptions } from '@orrery/server'
import { createSqliteCommitLog, LogStore, type SqliteCommitLog, type SqliteCommitLogOptions } from '../src/index.js'
import { FRAME_HEADER_BYTES, worldRows } from '../src/internal.js'

export const Body = defineComponent('Body', { x: 'f32', y: 'f32', mass: 'u32' }, { spatial: { x: 'x', y: 'y', cellSize: 50 } })
export const Player = defineComponent('Player', { identity: 'string', name: 'string', data: 'json' }, { unique: ['identity'] })
export const Timer = defineComponent('Timer', { target: 'entity', at: 'f64' })
export const components: readonly Component[] = [Body, Player]
export const serverComponents: readonly Component[] = [Timer]
export const all: readonly Component[] = [...components, ...serverComponents]

export const reducerSchemas = {
  spawn: { name: 'string' },
  grow: { amount: 'u32' },
  leave: {},
} as const

/** A small game: players with bodies, a timer per spawn, a system that moves and fires timers. */
export function testModule() {
  return defineModule({
    name: 'persist-test',
    components,
    serverComponents,
    reducers: {
      spawn: defineReducer(reducerSchemas.spawn, (ctx, { name }) => {
        const e = ctx.world.create()
        ctx.world.add(e, Body, { x: ctx.rng.range(0, 500), y: ctx.rng.range(0, 500), mass: 10 })
        ctx.world.add(e, Player, { identity: `${ctx.sender}:${e}`, name, data: { born: ctx.tick } })
        ctx.world.add(ctx.world.create(), Timer, { target: e, at: ctx.tick + 3 })
        return e
      }),
      grow: defineReducer(reducerSchemas.grow, (ctx, { amount }) => {
        for (const e of ctx.world.query([Body]).toArray()) ctx.world.set(e, Body, 'mass', ctx.world.read(e, Body, 'mass') + amount)
      }),
      leave: defineReducer(reducerSchemas.leave, (ctx) => {
        // The lowest id, not the query's first: iteration order is not part of the recovered state.
        const players = ctx.world.query([Player]).toArray().sort((a, b) => a - b)
        const first = players[0]
        if (first !== undefined) ctx.world.destroy(first)
      }),
    },
    systems: [
      {
        name: 'drift',
        run(ctx) {
          for (const e of ctx.world.query([Body]).toArray()) ctx.world.set(e, Body, 'x', (ctx.world.read(e, Body, 'x') + 1) % 500)
          for (const t of ctx.world.query([Timer]).toArray().sort((a, b) => a - b)) {
            if (ctx.world.read(t, Timer, 'at') > ctx.tick) continue
            const target = ctx.world.read(t, Timer, 'target') as Entity
            if (ctx.world.isAlive(target)) ctx.world.set(target, Body, 'mass', ctx.world.read(target, Body, 'mass') * 2)
            ctx.world.destroy(t)
          }
        },
      },
    ],
  })
}

/** A temp data folder, removed by `cleanup`. */
export function tempDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'orrery-sqlite-'))
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) }
}

/** A server on the sqlite log of `dir`, manual ticks, no logs. */
export function persistentServer(
  dir: string,
  logOptions: Partial<SqliteCommitLogOptions> = {},
  overrides: Partial<ServerOptions<typeof reducerSchemas>> = {},
): { server: OrreryServer; log: SqliteCommitLog; warnings: string[] } {
  const warnings: string[] = []
  const log = createSqliteCommitLog({ dir, onWarning: (m) => warnings.push(m), ...logOptions })
  const server = createServer({ module: testModule(), logger: false, autoStart: false, seed: 3, commitLog: log, ...overrides })
  return { server, log, warnings }
}

/** Every row of every component, sorted by entity, plus liveness, for equality checks. */
export function dumpWorld(world: World, list: readonly Component[] = all): unknown {
  return worldRows(world, list)
}

/** Runs a seeded mix of reducer calls and ticks. */
export function play(server: OrreryServer, steps: number, seed: number): void {
  let s = seed >>> 0
  const rand = (): number => {
    s = (s * 1664525 + 1013904223) >>> 0
    return s / 2 ** 32
  }
  for (let i = 0; i < steps; i++) {
    const r = rand()
    if (r < 0.3) server.call('spawn', { name: `p${i}` }, 'a'.repeat(64))
    else if (r < 0.5) server.call('grow', { amount: 1 + Math.floor(rand() * 5) })
    else if (r < 0.6) server.call('leave', {})
    else server.step()
  }
}

/** Flips one byte inside the body of entry `seq` (as bit rot or a torn write would). */
export function corruptEntry(dir: string, seq: number): void {
  const store = new LogStore(dir)
  try {
    const at = store.locate(seq)
    if (at === undefined) throw new Error(`no entry ${seq}`)
    const row = store.db.prepare('SELECT body FROM segment WHERE first_seq = ?').get(at.firstSeq) as { body: Buffer }
    const body = Buffer.from(row.body)
    const k = at.offset + FRAME_HEADER_BYTES + 2
    body[k] = (body[k] as number) ^ 0xff
    store.db.prepare('UPDATE segment SET body = ? WHERE first_seq = ?').run(body, at.firstSeq)
  } finally {
    store.close()
  }
}
