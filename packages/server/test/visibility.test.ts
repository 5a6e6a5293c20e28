import { connect, type OrreryClient } from '@orrery/client'
import { defineComponent, type Entity } from '@orrery/ecs'
import { afterEach, describe, expect, it } from 'vitest'
import { createServer, defineModule, defineReducer, type OrreryServer } from '../src/index.js'
import { stepUntil } from './helpers.js'

const Card = defineComponent('Card', { owner: 'string', value: 'i32' }, { visibility: { owner: 'owner' } })
const Board = defineComponent('Board', { cards: 'u32' })
const Deck = defineComponent('Deck', { seed: 'u32' }, { visibility: 'private' })
const components = { Card, Board } as const
const reducerSchemas = { draw: { value: 'i32' }, give: { card: 'entity', to: 'string' } } as const

const cardModule = defineModule({
  name: 'cards',
  components: [Card, Board, Deck],
  reducers: {
    draw: defineReducer(reducerSchemas.draw, (ctx, { value }) => {
      const e = ctx.world.create()
      ctx.world.add(e, Card, { owner: ctx.sender, value })
      return e
    }),
    give: defineReducer(reducerSchemas.give, (ctx, { card, to }) => {
      if (ctx.world.read(card as Entity, Card, 'owner') !== ctx.sender) throw new Error('not your card')
      ctx.world.set(card as Entity, Card, 'owner', to)
    }),
  },
  init(ctx) {
    ctx.world.add(ctx.world.create(), Deck, { seed: 42 })
    ctx.world.add(ctx.world.create(), Board, { cards: 0 })
  },
})

type CardClient = OrreryClient<typeof components, typeof reducerSchemas>
let server: OrreryServer | undefined
const clients: CardClient[] = []

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.disconnect()))
  await server?.close()
  server = undefined
})

describe('component visibility over real sockets', () => {
  it('sends owner-only rows to their owner only, follows a change of owner, and never describes a private component', async () => {
    const s = createServer({ module: cardModule, logger: false, autoStart: false })
    server = s
    const { port } = await s.listen()
    const url = `ws://127.0.0.1:${port}`
    const join = async (): Promise<CardClient> => {
      const client = await stepUntil(s, connect({ url, components, reducers: reducerSchemas }))
      clients.push(client)
      return client
    }
    const ann = await join()
    const ben = await join()
    const seen: string[] = []
    for (const client of [ann, ben]) {
      client.db.Card.onInsert((e, row) => seen.push(`${client.identity === ann.identity ? 'ann' : 'ben'} ${row.owner === client.identity ? 'own' : 'FOREIGN'} ${e}`))
    }
    expect(ann.replica.world.count(Board)).toBe(1)
    expect(ann.connection.welcome?.schema.components.map(([name]) => name)).toEqual(['Card', 'Board'])

    const annCard = (await stepUntil(s, ann.reducers.draw({ value: 7 }))) as Entity
    const benCard = (await stepUntil(s, ben.reducers.draw({ value: 9 }))) as Entity
    expect(ann.db.Card.get(annCard)?.value).toBe(7)
    expect(ann.db.Card.has(benCard)).toBe(false)
    expect(ben.db.Card.get(benCard)?.value).toBe(9)
    expect(ben.db.Card.has(annCard)).toBe(false)

    // Ann gives her card away: it leaves her replica and enters Ben's.
    await stepUntil(s, ann.reducers.give({ card: annCard, to: ben.identity }))
    await stepUntil(s, ben.reducers.draw({ value: 1 }))
    expect(ann.db.Card.has(annCard)).toBe(false)
    expect(ben.db.Card.get(annCard)).toEqual({ owner: ben.identity, value: 7 })
    expect(seen.filter((line) => line.includes('FOREIGN'))).toEqual([])
    expect(s.world.count(Deck)).toBe(1)
  })
})
