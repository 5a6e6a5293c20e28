import { mkdtempSync } from 'node:fs'
import { defineComponent, type Entity } from '@orrery/ecs'
import { createServer, defineModule, defineReducer } from '@orrery/server'
import { createSqliteCommitLog } from '../src/index.js'
const Body = defineComponent('Body', { x: 'f32', y: 'f32', mass: 'u32' })
const m = defineModule({ name: 'b', components: [Body], reducers: { move: defineReducer({ e: 'entity', x: 'f64', y: 'f64' }, (ctx, { e, x, y }) => { ctx.world.update(e as Entity, Body, { x, y }) }) },
  init(ctx) { for (let i = 0; i < 10000; i++) ctx.world.add(ctx.world.create(), Body, { x: 1, y: 1, mass: 1 }) } })
const s = createServer({ module: m, logger: false, autoStart: false, commitLog: createSqliteCommitLog({ dir: mkdtempSync('/tmp/p-'), snapshotEveryTransactions: 1e12, snapshotEveryMs: 1e12 }) })
const ids = s.world.query([Body]).toArray()
const N = 400000
const t0 = performance.now()
for (let i = 0; i < N; i++) {
  s.call('move', { e: ids[(i * 7919) % ids.length] as Entity, x: (i * 0.618) % 1000, y: (i * 0.377) % 1000 })
  if (i % 5000 === 4999) s.step()
}
console.log(Math.round(N / ((performance.now() - t0) / 1000)))
