import { defineComponent } from '@orrery/ecs'
import { defineModule, defineReducer } from '@orrery/server'

export const Counter = defineComponent('Counter', { value: 'i32' })
export const reducers = { add: { by: 'i32' } } as const

/** A world with one counter; `add` bumps it and returns the new value. */
export function counterModule() {
  return defineModule({
    name: 'counter',
    components: [Counter],
    reducers: {
      add: defineReducer(reducers.add, (ctx, { by }) => {
        const [e] = ctx.world.query([Counter]).toArray()
        if (e === undefined) throw new Error('no counter')
        const value = ctx.world.read(e, Counter, 'value') + by
        ctx.world.set(e, Counter, 'value', value)
        return value
      }),
    },
    init(ctx) {
      const e = ctx.world.create()
      ctx.world.add(e, Counter, { value: 0 })
    },
  })
}

/** The counter value a client sees. */
export function counterValue(client: { db: { Counter: { iter(): Iterable<[unknown, { value: number }]> } } }): number | undefined {
  for (const [, row] of client.db.Counter.iter()) return row.value
  return undefined
}
