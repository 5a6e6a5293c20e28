// A bank server on a data folder, for the crash test: prints one JSON line `{ port, recoveredSeq }`
// on stdout once listening and its initial world is durable, then serves until it is killed.
import { createServer } from '@orrery/server'
import { createSqliteCommitLog } from '../../src/index.js'
import { bankModule } from './bank.js'

const dir = process.argv[2]
if (dir === undefined) throw new Error('usage: child.ts <dataDir>')
const server = createServer({
  module: bankModule(),
  logger: false,
  seed: 9,
  tickRate: 50,
  groupCommitMs: 4,
  limits: {
    messagesPerSecond: 100_000,
    messageBurst: 100_000,
    bytesPerSecond: 1 << 30,
    byteBurst: 1 << 30,
    elementsPerSecond: 1 << 30,
    elementBurst: 1 << 30,
  },
  commitLog: createSqliteCommitLog({ dir, pruneLog: false, snapshotEveryTransactions: 500, keepSnapshots: 3, onWarning: (m) => process.stderr.write(`${m}\n`) }),
})
const { port } = await server.listen()
// The world `init` wrote must be on disk before the harness may kill this process: a kill before it would
// leave an empty log, which the checks would read as a half transaction.
await server.durable()
process.stdout.write(`${JSON.stringify({ port, recoveredSeq: server.recoveredSeq })}\n`)
