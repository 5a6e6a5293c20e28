// The Blackholio launcher: `pnpm demo [--port N] [--bots N] [--seed N] [--headless --duration S] [--latency MS ...]`.
import { parseArgs } from 'node:util'
import { LOOPBACK_SERVER_NAMES } from '@orrery/auth'
import { Body, Circle, Player } from '@orrery/demo-shared'
import type { World } from '@orrery/ecs'
import { createKeyAuthenticator, createServer, type OrreryServer, type ServerMetrics } from '@orrery/server'
import { createSqliteCommitLog } from '@orrery/sqlite'
import { pino } from 'pino'
import { AgentSetup } from './agents/agent-setup.js'
import { type BotProcess, forkBots } from './bot-runner.js'
import { type ChaosReport, ChaosRun } from './chaos/chaos-run.js'
import { CLIENT_DIST_DIR, ensureClientBuilt } from './client-build.js'
import { demoFolders, resolveDataDir } from './data-dir.js'
import { buildHeadlessReport } from './headless-report.js'
import { type BlackholioStats, createBlackholioModule } from './module.js'
import { startEventLoopMonitor } from './probe/event-loop-delay.js'
import { createStaticHandler } from './static-files.js'

const USAGE = `usage: pnpm demo [options]
  --port N        port of the game and the web page (default: PORT or 3000; headless: an ephemeral port)
  --host H        interface to bind (default 0.0.0.0: every interface, reachable from
                  the network; 127.0.0.1 keeps it to this machine; headless 127.0.0.1)
  --origin O      a page origin allowed to open the game's WebSocket, e.g.
                  https://play.example (repeatable; default: any)
  --bots N        bots to start in a separate process (default 8)
  --agents N      agents playing the sample behaviours in sandboxes on worker threads (default 0)
  --endless-agents N  agents whose behaviour loops forever (suspended by the CPU budget)
  --seed N        world seed: the same seed gives the same food layout (default: random)
  --headless      no web client; print progress on stderr and one JSON report line on stdout
  --duration S    stop after S seconds (required with --headless)
  --latency MS    simulated one-way delay between the bots and the server (the RTT grows by 2 × MS)
  --jitter MS     simulated delay variation, ± MS per frame (frames stay in order, as over TCP)
  --loss PCT      simulated loss, percent of frames, as a 200 ms retransmission delay (TCP)
  --no-prediction bots interpolate their own circles instead of predicting them
  --chaos         a fault-injecting proxy between the bots and the server cuts or stalls
                  each bot's connection every few seconds; the report adds reconnects,
                  resumes and a replica check
  --data-dir D    the data folder: the world (commit log and snapshots), the token
                  signing keys and the bots' identity files, kept across restarts
                  (default: ORRERY_DATA_DIR or ./.orrery; --data D is the same)
  --in-memory     keep nothing: the world in memory, keys and bot identities in a
                  temporary folder removed at exit
  --name HOST     a name clients reach this server by (repeatable; localhost and
                  127.0.0.1 always work): signatures for other names are refused
  --no-build      serve the existing web client build without checking it
  --logged-out-expiry S  keep a player who left for S seconds for its return (default 1800)
  --help          this text`

// `pnpm demo -- --flag` forwards the `--` separator; drop it so the flags after it are parsed.
const { values } = parseArgs({
  args: process.argv.slice(2).filter((arg) => arg !== '--'),
  options: {
    port: { type: 'string' },
    host: { type: 'string' },
    bots: { type: 'string', default: '8' },
    agents: { type: 'string', default: '0' },
    'endless-agents': { type: 'string', default: '0' },
    seed: { type: 'string' },
    headless: { type: 'boolean', default: false },
    duration: { type: 'string' },
    'data-dir': { type: 'string' },
    data: { type: 'string' },
    'in-memory': { type: 'boolean', default: false },
    name: { type: 'string', multiple: true },
    origin: { type: 'string', multiple: true },
    'no-build': { type: 'boolean', default: false },
    latency: { type: 'string', default: '0' },
    jitter: { type: 'string', default: '0' },
    loss: { type: 'string', default: '0' },
    'no-prediction': { type: 'boolean', default: false },
    'logged-out-expiry': { type: 'string' },
    chaos: { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
  strict: true,
})

function fail(message: string): never {
  process.stderr.write(`${message}\n${USAGE}\n`)
  process.exit(2)
}

function integer(name: string, raw: string | undefined, min: number): number | undefined {
  if (raw === undefined) return undefined
  const n = Number(raw)
  if (!Number.isInteger(n) || n < min) fail(`--${name} must be an integer ≥ ${min}, got '${raw}'`)
  return n
}

function nonNegative(name: string, raw: string | undefined): number {
  const n = Number(raw ?? '0')
  if (!(n >= 0 && Number.isFinite(n))) fail(`--${name} must be a number ≥ 0, got '${raw}'`)
  return n
}

const log = (line: string): void => {
  process.stderr.write(`[demo] ${line}\n`)
}

/** Largest total mass of one live player now. */
function largestPlayerMass(world: World): number {
  const totals = new Map<number, number>()
  world.query([Circle, Body]).forEach((e) => {
    const owner = world.read(e, Circle, 'playerId')
    totals.set(owner, (totals.get(owner) ?? 0) + world.read(e, Body, 'mass'))
  })
  let max = 0
  for (const m of totals.values()) max = Math.max(max, m)
  return max
}

async function main(): Promise<void> {
  if (values.help) {
    process.stdout.write(`${USAGE}\n`)
    return
  }
  const headless = values.headless
  const bots = integer('bots', values.bots, 0) ?? 8
  const duration = values.duration === undefined ? undefined : Number(values.duration)
  if (duration !== undefined && !(duration > 0)) fail(`--duration must be a positive number of seconds, got '${values.duration}'`)
  if (headless && duration === undefined) fail('--headless needs --duration S')
  const seed = integer('seed', values.seed, 0) ?? Math.floor(Math.random() * 0x7fffffff)
  const port = integer('port', values.port ?? (headless ? undefined : (process.env.PORT ?? '3000')), 0) ?? 0
  const host = values.host ?? (headless ? '127.0.0.1' : '0.0.0.0')
  const network = {
    latencyMs: nonNegative('latency', values.latency),
    jitterMs: nonNegative('jitter', values.jitter),
    lossPct: nonNegative('loss', values.loss),
  }
  if (network.lossPct > 100) fail(`--loss must be a percentage ≤ 100, got '${values.loss}'`)
  const prediction = !values['no-prediction']
  const expiryRaw = values['logged-out-expiry']
  const loggedOutExpiryMs = expiryRaw === undefined ? undefined : nonNegative('logged-out-expiry', expiryRaw) * 1000

  const distDir = headless
    ? null
    : values['no-build']
      ? CLIENT_DIST_DIR
      : (await ensureClientBuilt({ log })).distDir
  const dataFlag = values['data-dir'] ?? values.data
  if (values['data-dir'] !== undefined && values.data !== undefined && values['data-dir'] !== values.data) {
    fail('--data is another name of --data-dir: give one of them')
  }
  if (values['in-memory'] && dataFlag !== undefined) fail('--in-memory keeps no data folder: drop --data-dir')
  const folders = await demoFolders(resolveDataDir(dataFlag, process.env), values['in-memory'])
  const authenticator = createKeyAuthenticator({
    dataDir: folders.serverKeys,
    issuer: 'blackholio',
    audience: 'blackholio',
    serverNames: [...LOOPBACK_SERVER_NAMES, ...(values.name ?? [])],
  })
  await authenticator.ready()
  const game: BlackholioStats = { foodEaten: 0, circlesEaten: 0, splits: 0, restoredPlayers: 0, restoredMass: 0 }
  const logger = pino({ level: headless ? 'warn' : 'info', base: null }, pino.destination(2))
  const dataDir = folders.world
  const chaos = values.chaos ? new ChaosRun() : null
  const agentCounts = { count: integer('agents', values.agents, 0) ?? 0, endlessLoops: integer('endless-agents', values['endless-agents'], 0) ?? 0 }
  const agents = agentCounts.count + agentCounts.endlessLoops > 0 ? await AgentSetup.create() : null
  const blackholio = createBlackholioModule({
    stats: game,
    ...(loggedOutExpiryMs === undefined ? {} : { loggedOutExpiryMs }),
    ...(agents === null ? {} : { agents: agents.host }),
  })
  const server: OrreryServer = createServer({
    module: chaos === null ? blackholio : chaos.wrap(blackholio),
    port,
    host,
    seed,
    logger,
    authenticator,
    ...(dataDir === null
      ? {}
      : {
          // a snapshot a minute, six kept: `pnpm orrery` reaches back five minutes or more
          commitLog: createSqliteCommitLog({ dir: dataDir, keepSnapshots: 6, onWarning: (message) => log(`data folder: ${message}`) }),
        }),
    // The bots all sign in from this machine's address: room for each of them (and a reconnect) besides the people.
    // Under --chaos they sign in again every few seconds.
    limits: {
      handshakesPerIp: chaos === null ? 30 + 2 * bots : 1_000,
      ...(chaos === null ? {} : { handshakesPerIdentity: 1_000 }),
      maxConnectionsPerIp: 64 + bots,
      connectionBurst: 100 + bots,
    },
    ...(values.origin === undefined ? {} : { allowedOrigins: values.origin }),
    ...(distDir === null ? {} : { httpHandler: createStaticHandler(distDir) }),
  })
  const address = await server.listen()
  agents?.start(server, agentCounts)
  const eventLoop = startEventLoopMonitor()
  const startedAt = performance.now()
  const start: ServerMetrics = server.metrics()
  const wsUrl = `ws://127.0.0.1:${address.port}`
  const botUrl = chaos === null ? wsUrl : await chaos.listen(address.port)
  const persisted = dataDir === null ? 'in memory' : `data in ${dataDir}, recovered at seq ${server.recoveredSeq}`
  if (headless) log(`server on ${wsUrl}, seed ${seed}, ${bots} bots, ${duration} s, ${persisted}`)
  else log(`Blackholio at http://localhost:${address.port}/ (seed ${seed}, ${bots} bots, ${persisted}) — Ctrl-C stops`)

  let botProcess: BotProcess | null = null
  if (bots > 0) {
    botProcess = forkBots({ url: botUrl, count: bots, identityDir: folders.botIdentities, prediction, network, probes: 1, chaos: chaos !== null })
    botProcess.ready.then(
      (s) => {
        log(`bots ready: ${s.entered}/${s.bots} in the game${s.failures.length > 0 ? `, failures: ${s.failures.join('; ')}` : ''}`)
        chaos?.start(bots)
      },
      (error: unknown) => log(error instanceof Error ? error.message : String(error)),
    )
  }

  let maxMass = 0
  const progress = setInterval(() => {
    maxMass = Math.max(maxMass, largestPlayerMass(server.world))
    if (!headless) return
    const m = server.metrics()
    const s = botProcess?.latest()
    log(
      `${((performance.now() - startedAt) / 1000).toFixed(1)}s ticks=${m.ticks - start.ticks} clients=${m.clients}` +
        ` bots=${s?.connected ?? 0}/${bots} players=${server.world.count(Player)} food eaten=${game.foodEaten}` +
        ` circles eaten=${game.circlesEaten} tick p99=${m.tickDurationsMs.p99.toFixed(2)}ms loop delay p99=${eventLoop.summary().p99Ms}ms`,
    )
  }, 1000)

  let finished = false
  const finish = async (): Promise<void> => {
    if (finished) return
    finished = true
    clearInterval(progress)
    const endedAt = performance.now()
    const end = server.metrics()
    const loopDelay = eventLoop.summary()
    eventLoop.stop()
    const probe = botProcess?.takeProbeSamples() ?? null
    maxMass = Math.max(maxMass, largestPlayerMass(server.world))
    const chaosReport: ChaosReport | null = chaos === null || botProcess === null ? null : await chaos.finish(server, botProcess, bots, log)
    const summary = botProcess === null ? null : await botProcess.stop()
    const agentReport = agents?.report(server.world) ?? null
    await chaos?.close()
    await server.close()
    await agents?.close()
    await folders.dispose()
    if (headless) {
      const report = buildHeadlessReport({
        startedAt,
        endedAt,
        start,
        end,
        game,
        bots: summary,
        botCount: bots,
        seed,
        maxMass,
        network,
        recoveredSeq: server.recoveredSeq,
        probe,
        eventLoop: loopDelay,
      })
      process.stdout.write(`${JSON.stringify({ ...report, ...agentReport, ...chaosReport })}\n`)
    } else {
      log('stopped')
    }
  }
  const onSignal = (): void => {
    if (finished) process.exit(130)
    log('shutting down…')
    void finish()
  }
  process.on('SIGINT', onSignal)
  process.on('SIGTERM', onSignal)
  if (duration !== undefined) {
    await new Promise((resolve) => setTimeout(resolve, duration * 1000))
    await finish()
    process.off('SIGINT', onSignal)
    process.off('SIGTERM', onSignal)
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`demo: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`)
  process.exit(1)
})
