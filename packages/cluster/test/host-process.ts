// One world host process of the failover test and the cluster benchmark: a Redis registry and presence, durable counter worlds in a
// shared data folder. Prints one JSON line when ready ({ ready, processId, address }) and one per host event.
import { createAnonymousAuthenticator } from '@orrery/server'
import { createSqliteCommitLog } from '@orrery/sqlite'
import { createRedisPresence, createRedisRegistry, createWorldHost } from '../src/index.js'
import { counterModule } from './counter-module.js'

const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'
const dataDir = process.env.DATA_DIR ?? './worlds'
const line = (value: unknown): boolean => process.stdout.write(`${JSON.stringify(value)}\n`)

const host = createWorldHost({
  kinds: {
    counter: { module: () => counterModule(), seats: 2, durable: true },
    // Many seats, nothing kept: matchmaking throughput.
    bench: { module: () => counterModule(), seats: 100 },
  },
  registry: createRedisRegistry({ url, processTtlMs: 1_000 }),
  presence: createRedisPresence({ url }),
  dataDir,
  openCommitLog: (dir) => createSqliteCommitLog({ dir }),
  heartbeatMs: 150,
  serverOptions: {
    logger: false,
    authenticator: createAnonymousAuthenticator({ secret: 'a secret shared by the cluster' }),
    // Every client comes from 127.0.0.1.
    limits: { handshakesPerIp: 100_000, maxConnectionsPerIp: 10_000, connectionsPerSecond: 10_000, connectionBurst: 10_000 },
  },
  onEvent: (event) => line(event.type === 'error' ? { type: 'error', where: event.where, error: String(event.error) } : event),
})
const { address } = await host.listen()
line({ ready: true, processId: host.processId, address })
process.once('SIGTERM', () => void host.close().then(() => process.exit(0)))
