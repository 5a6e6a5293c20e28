import { connect, type OrreryClient } from '@orrery/client'
import { defineComponent, type Entity } from '@orrery/ecs'
import type { Area } from '@orrery/protocol'
import { afterEach, describe, expect, it } from 'vitest'
import { createServer, defineModule, defineReducer, type OrreryServer } from '../src/index.js'
import { RawClient, stepUntil } from './helpers.js'

const Mover = defineComponent('Mover', { x: 'f64', y: 'f64' }, { spatial: { x: 'x', y: 'y', cellSize: 16 } })
const Label = defineComponent('Label', { text: 'string' })
const components = { Mover, Label } as const
const reducerSchemas = {
  place: { x: 'f64', y: 'f64' },
  moveTo: { e: 'entity', x: 'f64', y: 'f64' },
  noop: {},
} as const

const areaModule = defineModule({
  name: 'area-test',
  components: [Mover, Label],
  reducers: {
    place: defineReducer(reducerSchemas.place, (ctx, { x, y }) => {
      const e = ctx.world.create()
      ctx.world.add(e, Mover, { x, y })
      ctx.world.add(e, Label, { text: `at ${x},${y}` })
      return e
    }),
    moveTo: defineReducer(reducerSchemas.moveTo, (ctx, { e, x, y }) => {
      ctx.world.set(e as Entity, Mover, 'x', x)
      ctx.world.set(e as Entity, Mover, 'y', y)
    }),
    noop: defineReducer(reducerSchemas.noop, () => null),
  },
})

type AreaClient = OrreryClient<typeof components, typeof reducerSchemas>

let server: OrreryServer | undefined
const clients: AreaClient[] = []
const raws: RawClient[] = []

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.disconnect()))
  await Promise.all(raws.splice(0).map((r) => r.close()))
  await server?.close()
  server = undefined
})

/** A manual-tick server (no hysteresis) with entities placed at `points`. */
async function start(points: readonly [number, number][]): Promise<{ server: OrreryServer; url: string; entities: Entity[] }> {
  const s = createServer({ module: areaModule, logger: false, autoStart: false, seed: 3, hysteresis: 0 })
  server = s
  const { port } = await s.listen()
  const entities = points.map(([x, y]) => s.call('place', { x, y }) as Entity)
  s.step()
  return { server: s, url: `ws://127.0.0.1:${port}`, entities }
}

const near: Area = { minX: 0, minY: 0, maxX: 100, maxY: 100, margin: 10 }
const far: Area = { minX: 400, minY: 400, maxX: 600, maxY: 600, margin: 10 }

function ids(client: AreaClient): number[] {
  return [...client.db.Mover.iter()].map(([e]) => e as number).sort((a, b) => a - b)
}

describe('areas of interest over a real server', () => {
  it('a client with an area subscription receives only the rows near it', async () => {
    const { server: s, url, entities } = await start([
      [10, 10],
      [95, 50],
      [500, 500],
      [-300, 20],
      [50, 250],
    ])
    const [a, b, c, d, e] = entities
    const client = await stepUntil(s, connect({ url, components, reducers: reducerSchemas, subscribe: [{ components: ['Mover', 'Label'], area: near }] }))
    clients.push(client)
    expect(ids(client)).toEqual([a, b].sort())
    expect(client.db.Label.get(a as Entity)?.text).toBe('at 10,10')
    expect(client.db.Label.count()).toBe(2)
    // An entity moving into the area arrives; one moving out leaves; far ones stay unknown.
    s.call('moveTo', { e: c as number, x: 60, y: 60 })
    s.call('moveTo', { e: b as number, x: 300, y: 50 })
    s.call('moveTo', { e: d as number, x: -290, y: 30 })
    await stepUntil(s, client.reducers.noop({}))
    expect(ids(client)).toEqual([a, c].sort())
    expect(client.db.Mover.get(c as Entity)).toEqual({ x: 60, y: 60 })
    expect(client.db.Label.get(b as Entity)).toBeUndefined()
    expect(client.db.Mover.get(e as Entity)).toBeUndefined()
  })

  it('SetArea moves the area: entities entering arrive as inserts, those leaving as deletes', async () => {
    const { server: s, url, entities } = await start([
      [10, 10],
      [90, 90],
      [500, 500],
      [590, 410],
    ])
    const [a, b, c, d] = entities
    const client = await stepUntil(s, connect({ url, components, reducers: reducerSchemas, subscribe: [{ components: ['Mover'], area: near }] }))
    clients.push(client)
    expect(ids(client)).toEqual([a, b].sort())
    const inserted: number[] = []
    const deleted: number[] = []
    client.db.Mover.onInsert((entity) => inserted.push(entity))
    client.db.Mover.onDelete((entity) => deleted.push(entity))
    client.setArea(far)
    // SetArea and the call travel in order: the call's result follows the update that moved the view.
    await stepUntil(s, client.reducers.noop({}))
    expect(inserted.sort()).toEqual([c, d].sort())
    expect(deleted.sort()).toEqual([a, b].sort())
    expect(ids(client)).toEqual([c, d].sort())
    expect(client.db.Mover.get(d as Entity)).toEqual({ x: 590, y: 410 })
  })

  it('an empty tick sends nothing to a client, nor does a change outside its area', async () => {
    const { server: s, url, entities } = await start([
      [10, 10],
      [500, 500],
    ])
    const [inside, outside] = entities
    const raw = await RawClient.open(url)
    raws.push(raw)
    await raw.handshake()
    raw.send({ type: 'Subscribe', requestId: 1, queryId: 1, components: ['Mover'], area: near })
    await stepUntil(s, raw.next('SubscribeApplied'))
    /** Steps `ticks` times, then a Ping: every frame those ticks sent arrives before its Pong. */
    const framesOf = async (ticks: number, clientTime: number): Promise<string[]> => {
      const at = raw.messages.length
      for (let i = 0; i < ticks; i++) s.step()
      raw.send({ type: 'Ping', clientTime })
      await raw.next('Pong', at)
      return raw.messages.slice(at).map((m) => m.type)
    }
    expect(await framesOf(20, 1)).toEqual(['Pong'])
    s.call('moveTo', { e: outside as number, x: 520, y: 480 })
    expect(await framesOf(1, 2)).toEqual(['Pong'])
    s.call('moveTo', { e: inside as number, x: 20, y: 10 })
    expect(await framesOf(1, 3)).toEqual(['TransactionUpdate', 'Pong'])
    const update = raw.messages.find((m, i) => i > 0 && m.type === 'TransactionUpdate' && raw.messages[i + 1]?.type === 'Pong')
    expect(update?.type === 'TransactionUpdate' && update.tables.map((t) => [t.tableId, t.inserts.length, t.deletes.length])).toEqual([[0, 0, 0]])
    expect(await framesOf(5, 4)).toEqual(['Pong'])
  })
})
