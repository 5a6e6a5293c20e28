// A gauntlet's server process: Blackholio in memory on 127.0.0.1 with the server's default limits (and an
// in-memory commit log of its last 5000 entries), reporting
// to its launcher over IPC. Messages to the parent: { type: 'ready', url }, { type: 'snapshot', ... } (answers
// { type: 'snapshot', reset }), { type: 'unhandled', message }. An uncaught exception is reported and crashes
// the process, as it would a real server.
import { parseArgs } from 'node:util'
import { createKeyAuthenticator, createMemoryCommitLog, createServer } from '@orrery/server'
import { createBlackholioModule } from '../module.js'
import { startEventLoopMonitor } from '../probe/event-loop-delay.js'

const { values } = parseArgs({
  options: {
    seed: { type: 'string', default: '1' },
    'logged-out-expiry-ms': { type: 'string' },
    'resume-grace-ms': { type: 'string' },
    'log-entries': { type: 'string', default: '5000' },
  },
})

let unhandled = 0
process.on('unhandledRejection', (reason) => {
  unhandled++
  process.send?.({ type: 'unhandled', message: reason instanceof Error ? (reason.stack ?? reason.message) : String(reason) })
})
process.on('uncaughtException', (error) => {
  process.send?.({ type: 'crashed', message: error.stack ?? error.message })
  process.exit(70)
})

const expiry = values['logged-out-expiry-ms']
const grace = values['resume-grace-ms']
const stats = { foodEaten: 0, circlesEaten: 0, splits: 0, restoredPlayers: 0, restoredMass: 0 }
const server = createServer({
  module: createBlackholioModule({ stats, ...(expiry === undefined ? {} : { loggedOutExpiryMs: Number(expiry) }) }),
  port: 0,
  host: '127.0.0.1',
  seed: Number(values.seed),
  logger: false,
  authenticator: createKeyAuthenticator(),
  ...(grace === undefined ? {} : { resume: { graceMs: Number(grace) } }),
  // The in-memory commit log keeps its last entries (100 000 by default, a few hundred MB of change sets at
  // this load): a small ring fills within seconds, so memory measured later is the server's own.
  commitLog: createMemoryCommitLog({ maxEntries: Number(values['log-entries']) }),
})
const loop = startEventLoopMonitor()
const { port } = await server.listen()
process.send?.({ type: 'ready', url: `ws://127.0.0.1:${port}` })

const gc = (globalThis as { gc?: () => void }).gc

process.on('message', (message: unknown) => {
  const m = message as { type?: string; reset?: boolean; gc?: boolean }
  if (m.type === 'snapshot') {
    if (m.gc === true) gc?.()
    const metrics = server.metrics()
    const memory = process.memoryUsage()
    process.send?.({
      type: 'snapshot',
      eventLoop: loop.summary(),
      tickP99Ms: metrics.tickDurationsMs.p99,
      connections: metrics.connections,
      clients: metrics.clients,
      rssBytes: memory.rss,
      heapUsedBytes: memory.heapUsed,
      handles: process.getActiveResourcesInfo().filter((r) => r !== 'TTYWrap').length,
      detachedSessions: metrics.resume.detachedSessions,
      unhandled,
      errors: metrics.errors,
      foodEaten: stats.foodEaten,
    })
    if (m.reset === true) loop.reset()
  } else if (m.type === 'stop') {
    loop.stop()
    void server.close().then(() => process.exit(0))
  }
})
process.on('disconnect', () => process.exit(0))
