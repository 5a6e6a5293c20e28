/**
 * The server half of `pnpm bench:sync`, run as a child process: the Blackholio world of `entities`
 * bodies served on 127.0.0.1 (port 0, reported to the parent), ticked at 20 Hz by a loop that times
 * each tick and splits it into simulation, replication (collecting views) and encoding.
 *
 * argv: clients entities seed worldSize
 */
import { Body, Circle } from '@orrery/demo-shared'
import { createServer, type ServerMetrics, systemClock } from '@orrery/server'
import { TickLoop } from '@orrery/server/internal'
import { benchModule, type SimulationTime } from './bench-module.js'
import type { Command, ServerEvent, ServerReport, TimeSplit } from './messages.js'
import { mean, quantile, round } from './stats.js'

const [clients, entities, seed, worldSize] = process.argv.slice(2).map(Number) as [number, number, number, number]
const TICK_MS = 50

function send(event: ServerEvent): void {
  process.send?.(event)
}

function rssMB(): number {
  globalThis.gc?.()
  return process.memoryUsage().rss / (1024 * 1024)
}

const simulation: SimulationTime = { ms: 0 }
const server = createServer({
  module: benchModule(Math.max(0, entities - clients), seed, simulation, worldSize),
  host: '127.0.0.1',
  port: 0,
  seed,
  autoStart: false,
  logger: { level: 'warn' },
  // Every simulated client comes from 127.0.0.1 (with a few reconnects each) and all join at once through one
  // busy process; the limits stay the defaults otherwise.
  limits: {
    handshakeTimeoutMs: 60_000,
    handshakesPerIp: 30 + 4 * clients,
    maxConnectionsPerIp: 64 + clients,
    connectionsPerSecond: 50 + clients,
    connectionBurst: 100 + clients,
  },
})

/** Per-tick samples of the measured window (null outside it). */
interface Samples {
  /** Wall-clock duration of each tick, and the CPU time the process used during it, ms. */
  total: number[]
  cpu: number[]
  sim: number[]
  collect: number[]
  encode: number[]
  bodies: number[]
  circles: number[]
}
const noSamples = (): Samples => ({ total: [], cpu: [], sim: [], collect: [], encode: [], bodies: [], circles: [] })
let window: Samples | null = null
let windowStart = { at: 0, cpu: process.cpuUsage(), metrics: server.metrics(), skipped: 0 }
let last: ServerMetrics['replication'] = server.metrics().replication

const loop = new TickLoop({
  periodMs: TICK_MS,
  maxCatchUpTicks: 4,
  clock: systemClock,
  onTick: () => {
    const simBefore = simulation.ms
    const cpuBefore = process.cpuUsage()
    const started = performance.now()
    server.step()
    const total = performance.now() - started
    const cpu = process.cpuUsage(cpuBefore)
    const stats = server.metrics().replication
    if (window !== null) {
      window.total.push(total)
      window.cpu.push((cpu.user + cpu.system) / 1000)
      window.sim.push(simulation.ms - simBefore)
      window.collect.push(stats.collectMs - last.collectMs)
      window.encode.push(stats.encodeMs - last.encodeMs)
      window.bodies.push(server.world.count(Body))
      window.circles.push(server.world.count(Circle))
    }
    last = stats
  },
  onError: (error) => {
    console.error('tick failed:', error)
  },
})

function split(values: readonly number[]): TimeSplit {
  return { mean: round(mean(values), 3), p99: round(quantile(values, 0.99), 3) }
}

function report(): ServerReport {
  const w = window ?? noSamples()
  const end = server.metrics()
  const windowS = (performance.now() - windowStart.at) / 1000
  const cpu = process.cpuUsage(windowStart.cpu)
  const other = w.total.map((t, i) => t - (w.sim[i] as number) - (w.collect[i] as number) - (w.encode[i] as number))
  return {
    windowS: round(windowS),
    ticks: w.total.length,
    skippedTicks: loop.skipped - windowStart.skipped,
    tickP50Ms: round(quantile(w.total, 0.5), 3),
    tickP99Ms: round(quantile(w.total, 0.99), 3),
    tickMeanMs: round(mean(w.total), 3),
    tickCpuP50Ms: round(quantile(w.cpu, 0.5), 3),
    tickCpuP99Ms: round(quantile(w.cpu, 0.99), 3),
    simulation: split(w.sim),
    replication: split(w.collect),
    encoding: split(w.encode),
    other: split(other),
    entities: Math.round(mean(w.bodies)),
    movingEntities: Math.round(mean(w.circles)),
    clients: end.clients,
    bytesSent: end.bytesSent - windowStart.metrics.bytesSent,
    errors: end.errors,
    rssBaseMB: round(rssBase),
    rssMB: round(rssMB()),
    cpuPct: round(((cpu.user + cpu.system) / 1000 / (windowS * 1000)) * 100, 1),
  }
}

process.on('message', (command: Command) => {
  switch (command.kind) {
    case 'start':
      window = noSamples()
      windowStart = { at: performance.now(), cpu: process.cpuUsage(), metrics: server.metrics(), skipped: loop.skipped }
      return
    case 'report':
      send({ kind: 'report', report: report() })
      window = null
      return
    case 'quit':
      loop.stop()
      void server.close().finally(() => process.exit(0))
      return
  }
})
// The parent going away ends this process too.
process.on('disconnect', () => process.exit(0))

const rssBase = rssMB()
const { port } = await server.listen()
loop.start()
send({ kind: 'ready', port, entities: server.world.count(Body) })
