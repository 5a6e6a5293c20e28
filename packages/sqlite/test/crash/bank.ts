import { type Component, defineComponent, type Entity } from '@orrery/ecs'
import { defineModule, defineReducer } from '@orrery/server'

/** An account: transfers move money between two of them in one transaction, so the total never changes. */
export const Account = defineComponent('Account', { number: 'u32', balance: 'i32' }, { unique: ['number'] })
/** One row per transfer, named by the caller's tag: a transfer is in the world iff its receipt is. */
export const Receipt = defineComponent('Receipt', { tag: 'string', amount: 'u32' }, { unique: ['tag'] })
/** A pending interest payment, a timer row: fires after `at` ticks. */
export const Interest = defineComponent('Interest', { account: 'entity', at: 'f64' })

export const ACCOUNTS = 16
export const OPENING_BALANCE = 1_000
export const components: readonly Component[] = [Account, Receipt]
export const serverComponents: readonly Component[] = [Interest]
export const all: readonly Component[] = [...components, ...serverComponents]
export const bankReducers = { transfer: { from: 'u32', to: 'u32', amount: 'u32', tag: 'string' } } as const

/** The bank the crash test runs: transfers from clients, a system that fires timers. */
export function bankModule() {
  return defineModule({
    name: 'bank',
    components,
    serverComponents,
    reducers: {
      transfer: defineReducer(bankReducers.transfer, (ctx, { from, to, amount, tag }) => {
        const a = ctx.world.findUnique(Account, 'number', from)
        const b = ctx.world.findUnique(Account, 'number', to)
        if (a === undefined || b === undefined || a === b) throw new Error('no such accounts')
        ctx.world.set(a, Account, 'balance', ctx.world.read(a, Account, 'balance') - amount)
        ctx.world.add(ctx.world.create(), Receipt, { tag, amount })
        ctx.world.set(b, Account, 'balance', ctx.world.read(b, Account, 'balance') + amount)
        if (amount % 5 === 0) ctx.world.add(ctx.world.create(), Interest, { account: b, at: ctx.tick + 3 })
        return ctx.rng.int(0, 1000)
      }),
    },
    systems: [
      {
        name: 'interest',
        run(ctx) {
          // Moves one unit from the sender-side pool (account 0) to the payee: the total stays the same.
          for (const t of ctx.world.query([Interest]).toArray().sort((x, y) => x - y)) {
            if (ctx.world.read(t, Interest, 'at') > ctx.tick) continue
            const payee = ctx.world.read(t, Interest, 'account') as Entity
            const pool = ctx.world.findUnique(Account, 'number', 0) as Entity
            ctx.world.set(pool, Account, 'balance', ctx.world.read(pool, Account, 'balance') - 1)
            ctx.world.set(payee, Account, 'balance', ctx.world.read(payee, Account, 'balance') + 1)
            ctx.world.destroy(t)
          }
        },
      },
    ],
    init(ctx) {
      for (let n = 0; n < ACCOUNTS; n++) ctx.world.add(ctx.world.create(), Account, { number: n, balance: OPENING_BALANCE })
    },
  })
}
