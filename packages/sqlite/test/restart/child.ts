// A game server on a data folder and port, for the restart tests: real ticks (20 Hz), signal handlers
// installed (SIGTERM closes it gracefully). Prints one JSON line `{ port, restored }` on stdout once listening.
import { startGame } from './game.js'

const [dir, port] = process.argv.slice(2)
if (dir === undefined || port === undefined) throw new Error('usage: child.ts <dataDir> <port>')
const { server, port: listening } = await startGame(dir, Number(port), undefined, { autoStart: true, tickRate: 20 })
server.installSignalHandlers()
process.stdout.write(`${JSON.stringify({ port: listening, restored: server.metrics().resume.restored })}\n`)
