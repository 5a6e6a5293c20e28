import { defineComponent, type Entity } from '@orrery/ecs'
import { defineModule, defineReducer } from '@orrery/server'

export const Counter = defineComponent('Counter', { owner: 'string', value: 'i32' })

/** A module with one table and two reducers: `add` creates a counter, `bump` adds to one. */
export const counterModule = defineModule({
  name: 'counter',
  components: [Counter],
  reducers: {
    add: defineReducer({ value: 'i32' }, (ctx, { value }) => {
      const e = ctx.world.create()
      ctx.world.add(e, Counter, { owner: ctx.sender, value })
      return e
    }),
    bump: defineReducer({ e: 'entity', by: 'i32' }, (ctx, { e, by }) => {
      const entity = e as Entity
      if (!ctx.world.has(entity, Counter)) throw new Error(`no counter ${e}`)
      ctx.world.set(entity, Counter, 'value', ctx.world.read(entity, Counter, 'value') + by)
    }),
  },
})
