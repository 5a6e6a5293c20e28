// Tick duration with many entities and several subscribed clients: every tick a system moves every
// body, so each tick replicates N updated rows to C clients (one encode per distinct view).
// Run: node --conditions=@orrery/source --import tsx bench/tick-duration.ts [entities] [clients] [ticks]
import { connect } from '@orrery/client'
import { defineComponent } from '@orrery/ecs'
import { createServer, defineModule, defineReducer } from '../src/index.js'

const entities = Number(process.argv[2] ?? 2000)
const clientCount = Number(process.argv[3] ?? 8)
const ticks = Number(process.argv[4] ?? 400)

const Body = defineComponent('Body', { x: 'f32', y: 'f32', mass: 'u32' })
const reducers = { noop: {} } as const
const module = defineModule({
  name: 'bench',
  components: [Body],
  reducers: { noop: defineReducer(reducers.noop, () => null) },
  systems: [
    {
      name: 'move',
      run(ctx) {
        for (const e of ctx.world.query([Body]).toArray()) ctx.world.set(e, Body, 'x', ctx.rng.range(0, 1000))
      },
    },
  ],
  init(ctx) {
    for (let i = 0; i < entities; i++) ctx.world.add(ctx.world.create(), Body, { x: i % 1000, y: i / 1000, mass: 10 })
  },
})

const server = createServer({ module, logger: false, autoStart: false, seed: 1 })
const { port } = await server.listen()
const url = `ws://127.0.0.1:${port}`
const pendingClients = Array.from({ length: clientCount }, () => connect({ url, components: { Body }, reducers }))
let settled = false
Promise.all(pendingClients).finally(() => {
  settled = true
})
while (!settled) {
  server.step()
  await new Promise((resolve) => setTimeout(resolve, 5))
}
const clients = await Promise.all(pendingClients)
const before = server.metrics()
for (let i = 0; i < ticks; i++) {
  server.step()
  if (i % 10 === 0) await new Promise((resolve) => setImmediate(resolve))
}
const after = server.metrics()
const t = after.tickDurationsMs
console.log(
  `entities=${entities} clients=${clientCount} ticks=${after.ticks - before.ticks} ` +
    `tick p50=${t.p50.toFixed(3)}ms p99=${t.p99.toFixed(3)}ms max=${t.max.toFixed(3)}ms ` +
    `sent=${((after.bytesSent - before.bytesSent) / 1024 / 1024).toFixed(1)}MiB`,
)
await Promise.all(clients.map((c) => c.disconnect()))
await server.close()
