// The Blackholio launcher: `pnpm demo [--port N] [--bots N] [--seed N] [--headless --duration S] [--latency MS ...]`.
// Every option is a configuration key (demo-config.ts): flag, ORRERY_* variable or orrery.config.json.
import { LOOPBACK_SERVER_NAMES } from '@orrery/auth'
import { Body, Circle, Player } from '@orrery/demo-shared'
import type { World } from '@orrery/ecs'
import {
  createKeyAuthenticator,
  createLogger,
  createServer,
  formatConfig,
  type OrreryServer,
  ServerError,
  type ServerMetrics,
  serverOptionsFromConfig,
  watchConfig,
} from '@orrery/server'
import { createSqliteCommitLog } from '@orrery/sqlite'
import { Registry } from 'prom-client'
import { registerAgentMetrics } from './agents/agent-metrics.js'
import { AgentSetup } from './agents/agent-setup.js'
import { type BotProcess, forkBots } from './bot-runner.js'
import { type ChaosReport, ChaosRun } from './chaos/chaos-run.js'
import { CLIENT_DIST_DIR, ensureClientBuilt } from './client-build.js'
import { demoFolders, resolveDataDir } from './data-dir.js'
import { type DemoConfigSource, loadDemoConfig, usage } from './demo-config.js'
import { buildHeadlessReport } from './headless-report.js'
import { type BlackholioStats, createBlackholioModule } from './module.js'
import { startEventLoopMonitor } from './probe/event-loop-delay.js'
import { createStaticHandler } from './static-files.js'

// `--cluster N` runs Redis and N world host processes instead of one server (see the README).
if (process.argv.includes('--cluster')) {
  const { runClusterCli } = await import('./cluster/cluster-cli.js')
  process.exit(await runClusterCli(process.argv.slice(2)))
}

function fail(message: string): never {
  process.stderr.write(`demo: ${message}\n(pnpm demo --help lists the options)\n`)
  process.exit(2)
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
  const source: DemoConfigSource = { argv: process.argv.slice(2), env: process.env, cwd: process.env.INIT_CWD ?? process.cwd() }
  const config = loadConfigOrExit(source)
  if (config.help) {
    process.stdout.write(`${usage()}\n`)
    return
  }
  if (config.printConfig) {
    process.stdout.write(formatConfig(config))
    return
  }
  const values = config.values
  const { headless, bots, duration } = values
  if (headless && duration === undefined) fail('--headless needs --duration S')
  if (values.auth !== 'key') fail('the demo signs players in with keys: auth must be key')
  if (values.inMemory && config.sources.dataDir.kind !== 'default') fail('--in-memory keeps no data folder: drop --data-dir')
  const seed = values.seed ?? Math.floor(Math.random() * 0x7fffffff)
  const network = { latencyMs: values.latency, jitterMs: values.jitter, lossPct: values.loss }
  const loggedOutExpiryMs = values.loggedOutExpiry === undefined ? undefined : values.loggedOutExpiry * 1000

  const distDir = headless ? null : values.build ? (await ensureClientBuilt({ log })).distDir : CLIENT_DIST_DIR
  const folders = await demoFolders(resolveDataDir(values.dataDir, process.env), values.inMemory)
  const authenticator = createKeyAuthenticator({
    dataDir: folders.serverKeys,
    issuer: 'blackholio',
    audience: 'blackholio',
    serverNames: [...LOOPBACK_SERVER_NAMES, ...values.serverNames],
  })
  await authenticator.ready()
  const game: BlackholioStats = { foodEaten: 0, circlesEaten: 0, splits: 0, restoredPlayers: 0, restoredMass: 0 }
  const logger = createLogger({ level: values.logLevel, format: values.logFormat })
  const dataDir = folders.world
  const chaos = values.chaos ? new ChaosRun() : null
  const agentCounts = { count: values.agents, endlessLoops: values.endlessAgents }
  const agents = agentCounts.count + agentCounts.endlessLoops > 0 ? await AgentSetup.create() : null
  const registry = new Registry()
  if (agents !== null) registerAgentMetrics(registry, agents.host)
  const blackholio = createBlackholioModule({
    stats: game,
    ...(loggedOutExpiryMs === undefined ? {} : { loggedOutExpiryMs }),
    ...(values.worldSize === undefined ? {} : { worldSize: values.worldSize }),
    ...(agents === null ? {} : { agents: agents.host }),
  })
  const server: OrreryServer = createServer({
    ...serverOptionsFromConfig(values),
    module: chaos === null ? blackholio : chaos.wrap(blackholio),
    seed,
    logger,
    authenticator,
    ...(dataDir === null
      ? {}
      : {
          // a snapshot a minute, six kept: `pnpm orrery` reaches back five minutes or more
          commitLog: createSqliteCommitLog({ dir: dataDir, keepSnapshots: 6, onWarning: (message) => log(`data folder: ${message}`) }),
        }),
    ...(distDir === null ? {} : { httpHandler: createStaticHandler(distDir) }),
    // GET /metrics (Prometheus), the agents' figures included; the monitor (GET /monitor) follows the `monitor` key
    metrics: { registry },
  })
  const address = await server.listen()
  agents?.start(server, agentCounts)
  // SIGHUP or an edit of the config file: the log level, AOI hysteresis and rate limits change at once.
  const reloader = watchConfig({ initial: config, load: () => loadDemoConfig(source), server, log: server.log })
  const eventLoop = startEventLoopMonitor()
  const startedAt = performance.now()
  const start: ServerMetrics = server.metrics()
  const wsUrl = `ws://127.0.0.1:${address.port}`
  const botUrl = chaos === null ? wsUrl : await chaos.listen(address.port)
  const persisted = dataDir === null ? 'in memory' : `data in ${dataDir}, recovered at seq ${server.recoveredSeq}`
  if (headless) log(`server on ${wsUrl}, seed ${seed}, ${bots} bots, ${duration} s, ${persisted}`)
  else log(`Blackholio at http://localhost:${address.port}/ (seed ${seed}, ${bots} bots, ${persisted}; monitor at /monitor) — Ctrl-C stops`)

  let botProcess: BotProcess | null = null
  if (bots > 0) {
    botProcess = forkBots({ url: botUrl, count: bots, identityDir: folders.botIdentities, prediction: values.prediction, network, probes: 1, chaos: chaos !== null })
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
    reloader.close()
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

function loadConfigOrExit(source: DemoConfigSource): ReturnType<typeof loadDemoConfig> {
  try {
    return loadDemoConfig(source)
  } catch (error) {
    if (error instanceof ServerError) fail(error.message)
    throw error
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`demo: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`)
  process.exit(1)
})
