// One process of the cluster demo: a world host of Blackholio worlds (durable, with an audit ledger) on a
// Redis registry and presence, its worlds' logs in the shared data folder. Reports to the launcher over IPC:
// { type: 'ready', processId, address } and each world host event.
import { parseArgs } from 'node:util'
import { LOOPBACK_SERVER_NAMES } from '@orrery/auth'
import { createRedisPresence, createRedisRegistry, createWorldHost } from '@orrery/cluster'
import { createKeyAuthenticator } from '@orrery/server'
import { createSqliteCommitLog } from '@orrery/sqlite'
import { pino } from 'pino'
import { createBlackholioModule } from '../module.js'
import { withAudit } from './audit-module.js'

const { values } = parseArgs({
  options: {
    redis: { type: 'string' },
    'data-dir': { type: 'string' },
    'keys-dir': { type: 'string' },
    seats: { type: 'string', default: '9' },
    bots: { type: 'string', default: '48' },
  },
})

const send = (message: unknown): void => {
  if (process.send !== undefined && process.connected) process.send(message)
}

async function main(): Promise<void> {
  const url = values.redis
  const dataDir = values['data-dir']
  const keysDir = values['keys-dir']
  if (url === undefined || dataDir === undefined || keysDir === undefined) throw new Error('--redis, --data-dir and --keys-dir are required')
  const bots = Number(values.bots)
  // Every process signs and verifies tokens with the same keys: a client keeps its identity on another process.
  const authenticator = createKeyAuthenticator({ dataDir: keysDir, issuer: 'blackholio', audience: 'blackholio', serverNames: [...LOOPBACK_SERVER_NAMES] })
  await authenticator.ready()
  const host = createWorldHost({
    kinds: { blackholio: { module: () => withAudit(createBlackholioModule() as never), seats: Number(values.seats), durable: true } },
    registry: createRedisRegistry({ url, processTtlMs: 1_500 }),
    presence: createRedisPresence({ url }),
    dataDir,
    openCommitLog: (dir) => createSqliteCommitLog({ dir }),
    heartbeatMs: 250,
    serverOptions: {
      logger: pino({ level: 'warn', base: null }, pino.destination(2)),
      authenticator,
      // The bots all sign in from this machine's address.
      limits: { handshakesPerIp: 30 + 2 * bots, maxConnectionsPerIp: 64 + bots, connectionBurst: 100 + bots },
    },
    onEvent: (event) => send(event.type === 'error' ? { ...event, error: event.error instanceof Error ? event.error.message : String(event.error) } : event),
  })
  const { address } = await host.listen()
  send({ type: 'ready', processId: host.processId, address })
  const stop = (): void => void host.close().finally(() => process.exit(0))
  process.on('SIGTERM', stop)
  process.on('disconnect', stop)
}

main().catch((error: unknown) => {
  process.stderr.write(`cluster host: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`)
  process.exit(1)
})
