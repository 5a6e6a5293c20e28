import { connect, type OrreryClient } from '@orrery/client'
import { defineComponent, type Entity } from '@orrery/ecs'
import { CloseCode, type ServerMessage } from '@orrery/protocol'
import { createReplica } from '@orrery/sync'
import { afterEach, describe, expect, it } from 'vitest'
import { createServer, defineModule, type OrreryServer } from '../src/index.js'
import { RawClient, stepUntil, turn } from './helpers.js'

// Unquantized f64 positions: about 20 bytes per moving row, so a paused reader falls behind fast.
const Dot = defineComponent('Dot', { x: 'f64', y: 'f64' })
const ENTITIES = 3_000
const dots: Entity[] = []

const dotModule = defineModule({
  name: 'dots',
  components: [Dot],
  reducers: {},
  systems: [
    {
      name: 'drift',
      run(ctx) {
        for (const e of ctx.world.query([Dot]).toArray()) ctx.world.set(e, Dot, 'x', ctx.world.read(e, Dot, 'x') + 0.001 * ctx.tick)
      },
    },
  ],
  init(ctx) {
    for (let i = 0; i < ENTITIES; i++) {
      const e = ctx.world.create()
      ctx.world.add(e, Dot, { x: i, y: i })
      dots.push(e)
    }
  },
})

let server: OrreryServer | undefined
const clients: OrreryClient<{ Dot: typeof Dot }, Record<string, never>>[] = []
const raws: RawClient[] = []

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.disconnect()))
  for (const r of raws) r.ws.resume()
  await Promise.all(raws.splice(0).map((r) => r.close()))
  await server?.close()
  server = undefined
})

describe('a slow reader', () => {
  it('does not hold up the others: its updates wait, collapsed, and it catches up to an equal replica', async () => {
    const s = createServer({
      module: dotModule,
      logger: false,
      autoStart: false,
      limits: { slowReaderBytes: 64 * 1024, slowReaderTimeoutMs: 600_000, updateBudgetBytes: 1 << 20 },
    })
    server = s
    const { port } = await s.listen()
    const url = `ws://127.0.0.1:${port}`
    const honest = await stepUntil(s, connect({ url, components: { Dot }, reducers: {} }))
    clients.push(honest)
    const slow = await RawClient.open(url)
    raws.push(slow)
    const welcome = await slow.handshake()
    const replica = createReplica({ components: [Dot], schema: welcome.schema })
    replica.startSession(welcome, false)
    slow.send({ type: 'Subscribe', requestId: 1, queryId: 1, components: ['Dot'], area: null })
    await stepUntil(s, slow.next('SubscribeApplied'))
    const drain = (): void => {
      for (const m of slow.messages.splice(0)) replica.apply(m as ServerMessage)
    }
    drain()
    expect(replica.world.count(Dot)).toBe(ENTITIES)

    // The slow client stops reading. Once its socket holds more than slowReaderBytes (after the kernel's
    // buffers fill), the server stops queueing for it; play goes on for 200 more ticks (10 s at 20 Hz).
    slow.ws.pause()
    let honestUpdates = 0
    const off = honest.replica.onApplied(() => {
      honestUpdates++
    })
    const before = s.metrics().replication.deferredFlushes
    let ticks = 0
    const folded = (): number => s.metrics().replication.deferredFlushes - before
    while (folded() < 200 && ticks < 5_000) {
      s.step()
      ticks++
      await turn()
    }
    await stepUntil(s, new Promise<void>((resolve) => setImmediate(resolve)))
    off()
    expect(folded()).toBeGreaterThanOrEqual(200)
    // Every tick moved every dot: the honest client got an update for each one, none held up.
    expect(honestUpdates).toBeGreaterThanOrEqual(ticks)
    expect(honest.replica.seq).toBe(s.seq)
    for (const e of dots.slice(0, 50)) expect(honest.replica.world.get(e, Dot)).toEqual(s.world.get(e, Dot))

    // It reads again: one collapsed update brings its replica equal to the server's world.
    slow.ws.resume()
    // Ticks go on while it drains what its socket held; once it keeps up, its next update carries every
    // field's newest value at once, and its replica equals the server's world.
    for (let i = 0; i < 2_000 && replica.seq !== s.seq; i++) {
      await new Promise<void>((resolve) => setTimeout(resolve, 1))
      drain()
      if (replica.seq !== s.seq && i % 10 === 9) s.step()
    }
    expect(replica.seq).toBe(s.seq)
    for (const e of dots) expect(replica.world.get(e, Dot)).toEqual(s.world.get(e, Dot))
    expect(slow.ws.readyState).toBe(slow.ws.OPEN)
  })

  it('is closed with SlowConsumer when it stays behind past slowReaderTimeoutMs', async () => {
    const s = createServer({ module: dotModule, logger: false, autoStart: false, limits: { slowReaderBytes: 16 * 1024, slowReaderTimeoutMs: 1 } })
    server = s
    const { port } = await s.listen()
    const slow = await RawClient.open(`ws://127.0.0.1:${port}`)
    raws.push(slow)
    await slow.handshake()
    slow.send({ type: 'Subscribe', requestId: 1, queryId: 1, components: ['Dot'], area: null })
    await stepUntil(s, slow.next('SubscribeApplied'))
    slow.ws.pause()
    // Tick until the server gives up on it (its session ends), then read what is left, the close frame last.
    let ticks = 0
    while (s.metrics().clients > 0 && ticks < 5_000) {
      s.step()
      ticks++
      await new Promise<void>((resolve) => setTimeout(resolve, 0))
    }
    expect(s.metrics().clients).toBe(0)
    slow.ws.resume()
    expect((await slow.closed).code).toBe(CloseCode.SlowConsumer)
  })
})
